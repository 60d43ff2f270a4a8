#include "infrastructure/persistence/postgres/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <optional>
#include <string>

#include "infrastructure/logging/log.h"
#include "infrastructure/net/deadline.h"
#include "infrastructure/persistence/postgres/pg_error.h"

namespace agentd::postgres {
namespace {

namespace asio = boost::asio;

// libpq's messages end with a newline; the log line reads better without it.
std::string message_of(const char* text) {
  std::string message = text != nullptr ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

// The server's notices and warnings (a shutdown announced to an idle connection, say) go to
// the log, not to standard error where libpq prints them by default.
void log_notice(void*, const char* message) {
  log::warn("database_notice", {{"message", message_of(message)}});
}

// Connection exceptions (08), server shutdown and cancelled statements (57), and exhausted
// resources (53) are the server's state, not the statement's: callers answer 503.
PgError error_of(const PGresult* result) {
  const char* field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string sqlstate = field != nullptr ? field : "";
  const bool server_state =
      sqlstate.starts_with("08") || sqlstate.starts_with("57") || sqlstate.starts_with("53");
  if (sqlstate == "57014") return PgError::timed_out(message_of(PQresultErrorMessage(result)));
  return {server_state ? PgError::Kind::unavailable : PgError::Kind::statement, std::move(sqlstate),
          message_of(PQresultErrorMessage(result))};
}

}  // namespace

asio::awaitable<std::unique_ptr<PgConnection>> PgConnection::open(asio::any_io_executor executor,
                                                                  const PgSettings& settings) {
  // The session runs in UTC, so timestamptz reads back as "…+00"; the server itself cancels a
  // statement past the query timeout. These come after the URL's own, so they win.
  const std::string options =
      "-c TimeZone=UTC -c statement_timeout=" + std::to_string(settings.query_timeout.count());
  const char* keywords[] = {"dbname", "options", "fallback_application_name", nullptr};
  const char* values[] = {settings.url.c_str(), options.c_str(), "agentd", nullptr};
  pg_conn* raw = PQconnectStartParams(keywords, values, 1);
  if (raw == nullptr) throw PgError::unavailable("out of memory starting a database connection");
  PQsetNoticeProcessor(raw, log_notice, nullptr);
  std::unique_ptr<PgConnection> connection(
      new PgConnection(std::move(executor), raw, settings.query_timeout));
  co_await connection->connect(settings.connect_timeout);
  co_return connection;
}

PgConnection::PgConnection(asio::any_io_executor executor, pg_conn* connection,
                           std::chrono::milliseconds query_timeout)
    : socket_(std::move(executor)), connection_(connection), query_timeout_(query_timeout) {}

PgConnection::~PgConnection() {
  // libpq owns the socket and closes it.
  if (socket_.is_open()) socket_.release();
  PQfinish(connection_);
}

asio::awaitable<void> PgConnection::connect(std::chrono::milliseconds timeout) {
  if (PQstatus(connection_) == CONNECTION_BAD) {
    throw PgError::unavailable(message_of(PQerrorMessage(connection_)));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // libpq asks to wait as if for writing before the first poll.
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) {
      broken_ = true;
      throw PgError::unavailable(message_of(PQerrorMessage(connection_)));
    }
    // libpq may move to another socket (the next host, a retry without SSL).
    watch_socket();
    const Wait what = state == PGRES_POLLING_READING ? Wait::read : Wait::write;
    co_await wait(what, deadline);
    state = PQconnectPoll(connection_);
  }
  watch_socket();
  if (PQsetnonblocking(connection_, 1) != 0) {
    broken_ = true;
    throw PgError::unavailable(message_of(PQerrorMessage(connection_)));
  }
}

void PgConnection::watch_socket() {
  if (socket_.is_open()) socket_.release();
  boost::system::error_code error;
  socket_.assign(PQsocket(connection_), error);
  if (error) {
    broken_ = true;
    throw PgError::unavailable("cannot watch the database socket: " + error.message());
  }
}

PgConnection::Deadline PgConnection::deadline() const {
  return std::chrono::steady_clock::now() + query_timeout_;
}

asio::awaitable<void> PgConnection::wait(Wait what, Deadline deadline) {
  const auto type = what == Wait::read ? asio::posix::descriptor_base::wait_read
                                       : asio::posix::descriptor_base::wait_write;
  auto [error] = co_await net::before(deadline, socket_.async_wait(type, net::kAsTuple));
  if (!error) co_return;
  // Whatever the server does with the statement now, this connection's state is unknown.
  broken_ = true;
  if (error == asio::error::timed_out)
    throw PgError::timed_out("the database did not answer in time");
  throw PgError::unavailable("waiting for the database failed: " + error.message());
}

void PgConnection::fail_sending() {
  broken_ = true;
  throw PgError::unavailable(message_of(PQerrorMessage(connection_)));
}

asio::awaitable<void> PgConnection::flush(Deadline deadline) {
  while (true) {
    const int left = PQflush(connection_);
    if (left == 0) co_return;
    if (left < 0) fail_sending();
    co_await wait(Wait::write, deadline);
  }
}

asio::awaitable<PgRows> PgConnection::results(Deadline deadline) {
  PgRows last;
  std::optional<PgError> failure;
  while (true) {
    while (PQisBusy(connection_) != 0) {
      co_await wait(Wait::read, deadline);
      if (PQconsumeInput(connection_) == 0) fail_sending();
    }
    PGresult* result = PQgetResult(connection_);
    if (result == nullptr) break;
    PgRows rows(result);
    const auto status = PQresultStatus(result);
    if (status == PGRES_FATAL_ERROR) {
      if (!failure) failure = error_of(result);
    } else {
      last = std::move(rows);
    }
  }
  if (PQstatus(connection_) != CONNECTION_OK) fail_sending();
  if (failure) {
    if (failure->is_unavailable()) broken_ = true;
    throw *failure;
  }
  co_return last;
}

const std::string& PgConnection::statement_name(std::string_view sql, bool& sent) {
  // Looked up by the view itself: no copy of the SQL on every statement.
  auto statement = prepared_.find(sql);
  sent = statement == prepared_.end();
  if (sent) {
    std::string text(sql);
    // Names are never reused: one that failed to prepare may still exist on the server.
    std::string name = "agentd_" + std::to_string(++statements_named_);
    if (PQsendPrepare(connection_, name.c_str(), text.c_str(), 0, nullptr) == 0) fail_sending();
    statement = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  return statement->second;
}

asio::awaitable<PgRows> PgConnection::execute(std::string_view sql, const PgParams& params) {
  if (broken_) throw PgError::unavailable("the database connection is broken");
  const auto until = deadline();
  bool prepared_now = false;
  // Nodes are stable and only this coroutine uses the connection, so the name stays valid.
  const std::string& name = statement_name(sql, prepared_now);
  if (prepared_now) {
    co_await flush(until);
    try {
      co_await results(until);
    } catch (const PgError&) {
      prepared_.erase(prepared_.find(sql));
      throw;
    }
  }
  const auto values = params.pointers();
  if (PQsendQueryPrepared(connection_, name.c_str(), params.size(), values.data(), nullptr, nullptr,
                          0) == 0) {
    fail_sending();
  }
  co_await flush(until);
  co_return co_await results(until);
}

asio::awaitable<pg_result*> PgConnection::next_result(Deadline deadline) {
  while (PQisBusy(connection_) != 0) {
    co_await wait(Wait::read, deadline);
    if (PQconsumeInput(connection_) == 0) fail_sending();
  }
  co_return PQgetResult(connection_);
}

asio::awaitable<std::vector<PgRows>> PgConnection::execute_all(
    const std::vector<PgStatement>& statements) {
  if (broken_) throw PgError::unavailable("the database connection is broken");
  const auto until = deadline();
  if (PQenterPipelineMode(connection_) == 0) fail_sending();
  // What each command sent is, in order: a PREPARE (its result is dropped) or a statement.
  std::vector<bool> is_statement;
  std::vector<std::string> prepared_now;
  for (const auto& statement : statements) {
    bool sent = false;
    const std::string& name = statement_name(statement.sql, sent);
    if (sent) {
      is_statement.push_back(false);
      prepared_now.emplace_back(statement.sql);
    }
    const auto values = statement.params.pointers();
    if (PQsendQueryPrepared(connection_, name.c_str(), statement.params.size(), values.data(),
                            nullptr, nullptr, 0) == 0) {
      fail_sending();
    }
    is_statement.push_back(true);
  }
  if (PQpipelineSync(connection_) == 0) fail_sending();
  co_await flush(until);

  // Each command's results end with a null; the sync's own result ends the pipeline. After a
  // failure the server skips the rest, each reported as aborted.
  std::vector<PgRows> rows;
  std::optional<PgError> failure;
  std::size_t command = 0;
  while (true) {
    pg_result* result = co_await next_result(until);
    if (result == nullptr) {
      if (++command > is_statement.size()) fail_sending();  // the sync never came
      continue;
    }
    PgRows owned(result);
    const auto status = PQresultStatus(result);
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status == PGRES_FATAL_ERROR) {
      if (!failure) failure = error_of(result);
    } else if (status != PGRES_PIPELINE_ABORTED && is_statement[command]) {
      rows.push_back(std::move(owned));
    }
  }
  if (PQexitPipelineMode(connection_) == 0) fail_sending();
  if (failure) {
    // A PREPARE the failure skipped left no statement behind.
    for (const auto& sql : prepared_now) prepared_.erase(sql);
    if (failure->is_unavailable()) broken_ = true;
    throw *failure;
  }
  co_return rows;
}

asio::awaitable<void> PgConnection::run_script(std::string_view sql) {
  if (broken_) throw PgError::unavailable("the database connection is broken");
  const auto until = deadline();
  const std::string text(sql);
  if (PQsendQuery(connection_, text.c_str()) == 0) fail_sending();
  co_await flush(until);
  co_await results(until);
}

bool PgConnection::whole() const {
  return !broken_ && PQstatus(connection_) == CONNECTION_OK &&
         PQtransactionStatus(connection_) == PQTRANS_IDLE;
}

bool PgConnection::usable() const {
  if (!whole()) return false;
  // agentd listens for nothing, so the server speaks first on an idle connection only to end
  // it (a shutdown, a restart, a terminated backend): anything readable means it is gone.
  pollfd ready{PQsocket(connection_), POLLIN, 0};
  return ::poll(&ready, 1, 0) == 0;
}

}  // namespace agentd::postgres

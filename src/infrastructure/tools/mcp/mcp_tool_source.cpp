#include "infrastructure/tools/mcp/mcp_tool_source.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <exception>
#include <utility>

#include "infrastructure/logging/log.h"
#include "infrastructure/net/url.h"
#include "infrastructure/tools/mcp/json_rpc_session.h"
#include "infrastructure/tools/mcp/mcp_call_result.h"
#include "infrastructure/tools/mcp/mcp_tool.h"
#include "infrastructure/tools/mcp/stdio_transport.h"
#include "infrastructure/tools/mcp/streamable_http_transport.h"

namespace agentd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

constexpr const char* kProtocolVersion = "2025-06-18";
constexpr const char* kOlderProtocolVersion = "2025-03-26";  // same tools, same transports
// A server whose cursors never end must not keep the handshake going forever.
constexpr int kMaxToolPages = 100;

bool is_name_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Model APIs accept tool names of [A-Za-z0-9_-] only.
std::string usable_name(std::string_view name) {
  std::string usable(name);
  std::replace_if(
      usable.begin(), usable.end(), [](char c) { return !is_name_character(c); }, '_');
  return usable;
}

Status validate(const McpServerConfig& config) {
  const std::string where = "mcp_servers[" + config.name + "]: ";
  if (config.name.empty() ||
      !std::all_of(config.name.begin(), config.name.end(), is_name_character)) {
    return Error::invalid(where + "name must be letters, digits, '_' or '-'", "mcp_servers");
  }
  if (config.command.empty() == config.url.empty()) {
    return Error::invalid(where + "set either command (stdio) or url (Streamable HTTP)",
                          "mcp_servers");
  }
  if (!config.url.empty()) {
    if (auto url = net::parse_http_url(config.url); !url) {
      return Error::invalid(where + "url: " + url.error().message, "mcp_servers");
    }
  }
  if (config.timeout <= milliseconds::zero()) {
    return Error::invalid(where + "timeout must be positive", "mcp_servers");
  }
  return ok_status();
}

std::string string_or(const json::object& object, std::string_view key, std::string fallback) {
  const auto* field = object.if_contains(key);
  return field && field->is_string() ? std::string(field->get_string()) : std::move(fallback);
}

json::object initialize_params() {
  return {{"protocolVersion", kProtocolVersion},
          {"capabilities", json::object{}},
          {"clientInfo", json::object{{"name", "agentd"}, {"version", AGENTD_VERSION}}}};
}

// Shaped like the timeout ExecuteTool reports, for a call given a deadline of its own.
Error tool_timeout(std::string message) {
  return {ErrorCode::gateway_timeout, std::move(message), {}, "tool_timeout"};
}

// The tools a server's config does not name one by one.
bool server_requires_approval(McpApproval policy, const json::object* annotations) {
  switch (policy) {
    case McpApproval::never:
      return false;
    case McpApproval::always:
      return true;
    case McpApproval::unless_read_only: {
      // MCP's defaults are readOnlyHint false and destructiveHint true: a tool that says
      // nothing about itself is taken to change things.
      const auto* read_only = annotations ? annotations->if_contains("readOnlyHint") : nullptr;
      return !(read_only && read_only->is_bool() && read_only->get_bool());
    }
  }
  return true;
}

std::string unavailable_prefix(const std::string& server) {
  return "MCP server " + server + " is unavailable: ";
}

// What /ready shows for a failed attempt: the check is named after the server already.
std::string reason_of(const Error& error, const std::string& server) {
  const auto prefix = unavailable_prefix(server);
  if (error.message.starts_with(prefix)) return error.message.substr(prefix.size());
  return error.message;
}

void log_if_failed(std::exception_ptr failure, const std::string& server) {
  if (!failure) return;
  log::error("mcp_source_failed", {{"server", server}, {"error", log::describe(failure)}});
}

milliseconds retry_delay(int failures) {
  const auto delay = McpToolSource::kFirstRetryDelay * (1LL << std::min(failures, 16));
  return std::min<milliseconds>(delay, McpToolSource::kMaxRetryDelay);
}

}  // namespace

Result<std::shared_ptr<McpToolSource>> McpToolSource::create(const asio::any_io_executor& executor,
                                                             McpServerConfig config,
                                                             net::HttpClient& http) {
  McpTransportFactory make_transport;
  if (!config.command.empty()) {
    make_transport = [config](asio::any_io_executor strand) -> std::unique_ptr<McpTransport> {
      return std::make_unique<StdioTransport>(std::move(strand), config);
    };
  } else {
    make_transport = [config,
                      &http](asio::any_io_executor strand) -> std::unique_ptr<McpTransport> {
      return std::make_unique<StreamableHttpTransport>(std::move(strand), config, http);
    };
  }
  return create(executor, std::move(config), std::move(make_transport));
}

Result<std::shared_ptr<McpToolSource>> McpToolSource::create(const asio::any_io_executor& executor,
                                                             McpServerConfig config,
                                                             McpTransportFactory make_transport) {
  if (auto valid = validate(config); !valid) return valid.error();
  return std::shared_ptr<McpToolSource>(
      new McpToolSource(asio::make_strand(executor), std::move(config), std::move(make_transport)));
}

McpToolSource::McpToolSource(asio::any_io_executor strand, McpServerConfig config,
                             McpTransportFactory make_transport)
    : strand_(std::move(strand)),
      config_(std::move(config)),
      make_transport_(std::move(make_transport)),
      retry_timer_(strand_),
      run_ended_(strand_, asio::steady_timer::time_point::max()) {}

void McpToolSource::start(ToolsListed on_listed) {
  // The coroutine itself goes to co_spawn, not a lambda making it: see docs/coroutines.md.
  asio::co_spawn(
      strand_, run(shared_from_this(), std::move(on_listed)),
      [server = config_.name](std::exception_ptr failure) { log_if_failed(failure, server); });
}

asio::awaitable<void> McpToolSource::run([[maybe_unused]] std::shared_ptr<McpToolSource> self,
                                         ToolsListed on_listed) {
  is_running_ = true;
  std::exception_ptr failure;
  try {
    co_await keep_connected(std::move(on_listed));
  } catch (...) {
    failure = std::current_exception();
  }
  // A connection made while stop() was on its way is not kept either.
  if (session_) session_->close();
  set_state(McpConnectionState::Phase::unavailable, failure ? "failed" : "stopped");
  // Whatever ended the run, stop() must not wait for it forever.
  is_running_ = false;
  run_ended_.cancel();
  if (failure) std::rethrow_exception(failure);
}

asio::awaitable<void> McpToolSource::keep_connected(ToolsListed on_listed) {
  using Phase = McpConnectionState::Phase;
  int failures = 0;
  while (!is_stopping_) {
    auto attempt = co_await connect_and_list();
    if (is_stopping_) break;
    if (attempt) {
      // Tools first: a server /ready calls ok has its tools offered.
      if (on_listed) {
        on_listed(tools());
        on_listed = nullptr;
      }
      set_state(Phase::ok, "");
      const auto connected_at = std::chrono::steady_clock::now();
      co_await session_->wait_closed();
      if (is_stopping_) break;
      log::warn("mcp_server_down", {{"server", config_.name}});
      set_state(Phase::unavailable, "the connection was lost; reconnecting");
      // A connection that held for a while earns a quick retry; one that drops at once does not.
      if (std::chrono::steady_clock::now() - connected_at >= kMaxRetryDelay) failures = 0;
    } else {
      set_state(Phase::unavailable, reason_of(attempt.error(), config_.name));
      log::warn("mcp_server_connect_failed",
                {{"server", config_.name},
                 {"error", attempt.error().message},
                 {"next_retry_ms", static_cast<std::int64_t>(retry_delay(failures).count())}});
    }
    retry_timer_.expires_after(retry_delay(failures++));
    co_await retry_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<Status> McpToolSource::connect_and_list() {
  if (auto connected = co_await connect(); !connected) co_return connected;
  if (remote_tools_) co_return ok_status();  // listed on an earlier connection
  auto listed = co_await list_tools();
  if (!listed) {
    session_->close();
    co_return listed.error();
  }
  remote_tools_ = std::move(*listed);
  log::info("mcp_tools_listed", {{"server", config_.name},
                                 {"tools", static_cast<std::int64_t>(remote_tools_->size())}});
  co_return ok_status();
}

asio::awaitable<Status> McpToolSource::connect() {
  connecting_ = std::make_shared<JsonRpcSession>(strand_, make_transport_(strand_), config_.name);
  auto initialized = co_await initialize(connecting_);
  if (initialized) session_ = connecting_;
  connecting_.reset();
  co_return initialized;
}

asio::awaitable<Status> McpToolSource::initialize(std::shared_ptr<JsonRpcSession> session) {
  if (auto opened = co_await session->open(); !opened)
    co_return unavailable(opened.error().message);
  auto initialized = co_await session->request("initialize", initialize_params(), config_.timeout);
  if (!initialized) {
    session->close();
    // A lost connection already says the server is unavailable, and why.
    if (initialized.error().code == JsonRpcSession::kClosed) co_return initialized.error();
    co_return unavailable("initialize failed: " + initialized.error().message);
  }
  const json::object* result = initialized->if_object();
  std::string version = result ? string_or(*result, "protocolVersion", "") : "";
  if (version != kProtocolVersion && version != kOlderProtocolVersion) {
    session->close();
    co_return unavailable("it speaks MCP version \"" + version + "\", agentd " + kProtocolVersion +
                          " or " + kOlderProtocolVersion);
  }
  if (auto sent = co_await session->notify("notifications/initialized", {}); !sent) {
    session->close();
    co_return unavailable(sent.error().message);
  }
  std::string server_info = "unknown";
  if (const auto* info = result->if_contains("serverInfo"); info && info->is_object()) {
    server_info = string_or(info->get_object(), "name", "unknown") + " " +
                  string_or(info->get_object(), "version", "");
  }
  log::info("mcp_server_connected",
            {{"server", config_.name}, {"protocol", version}, {"server_info", server_info}});
  co_return ok_status();
}

asio::awaitable<Result<std::vector<McpToolSource::RemoteTool>>> McpToolSource::list_tools() {
  std::vector<RemoteTool> tools;
  std::string cursor;
  for (int page = 0; page < kMaxToolPages; ++page) {
    json::object params;
    if (!cursor.empty()) params["cursor"] = cursor;
    auto listed = co_await session_->request("tools/list", std::move(params), config_.timeout);
    if (!listed) co_return unavailable("tools/list failed: " + listed.error().message);
    const auto* result = listed->if_object();
    const auto* list = result ? result->if_contains("tools") : nullptr;
    if (list == nullptr || !list->is_array()) {
      co_return unavailable("tools/list answered without a tools array");
    }
    for (const auto& tool : list->get_array()) {
      const auto* object = tool.if_object();
      const auto name = object ? string_or(*object, "name", "") : "";
      if (name.empty()) continue;
      tools.push_back(describe(name, *object));
    }
    cursor = string_or(*result, "nextCursor", "");
    if (cursor.empty()) co_return tools;
  }
  co_return unavailable("tools/list kept answering with a next page");
}

McpToolSource::RemoteTool McpToolSource::describe(const std::string& remote_name,
                                                  const json::object& tool) const {
  ToolSpec spec;
  spec.name = config_.name + "__" + usable_name(remote_name);
  spec.description = string_or(tool, "description", string_or(tool, "title", ""));
  if (const auto* schema = tool.if_contains("inputSchema"); schema && schema->is_object()) {
    spec.parameters = schema->get_object();
  } else {
    spec.parameters = json::object{{"type", "object"}};
  }
  const auto* annotations = tool.if_contains("annotations");
  if (annotations && annotations->is_object()) spec.annotations = annotations->get_object();
  auto approval = config_.tool_requires_approval.find(remote_name);
  if (approval != config_.tool_requires_approval.end()) {
    spec.requires_approval = approval->second;
  } else {
    spec.requires_approval = server_requires_approval(
        config_.requires_approval, spec.annotations ? &*spec.annotations : nullptr);
  }
  spec.timeout = config_.timeout;
  spec.idempotent = config_.idempotent_tools.contains(remote_name);
  return {remote_name, std::move(spec)};
}

std::vector<std::shared_ptr<Tool>> McpToolSource::tools() {
  std::vector<std::shared_ptr<Tool>> tools;
  tools.reserve(remote_tools_->size());
  for (const auto& remote : *remote_tools_) {
    tools.push_back(std::make_shared<McpTool>(remote.spec, remote.remote_name, shared_from_this()));
  }
  return tools;
}

asio::awaitable<Result<json::value>> McpToolSource::call_tool(std::string remote_name,
                                                              json::object arguments,
                                                              milliseconds timeout) {
  auto self = shared_from_this();  // alive until the strand is done with it
  co_return co_await asio::co_spawn(
      strand_, call_on_strand(std::move(remote_name), std::move(arguments), timeout),
      asio::use_awaitable);
}

asio::awaitable<Result<json::value>> McpToolSource::call_on_strand(std::string remote_name,
                                                                   json::object arguments,
                                                                   milliseconds timeout) {
  auto session = session_;  // a reconnection may replace it while this call runs
  if (!session || !session->is_open()) {
    co_return tool_error(unavailable(is_stopping_ ? "stopped" : "reconnecting").message);
  }
  json::object params;
  params["name"] = remote_name;
  params["arguments"] = std::move(arguments);
  auto result = co_await session->request("tools/call", std::move(params), timeout);
  if (result) co_return map_call_result(*result);
  auto error = std::move(result).take_error();
  if (error.code == JsonRpcSession::kTimeout) co_return tool_timeout(std::move(error.message));
  co_return tool_error(std::move(error.message));
}

McpConnectionState McpToolSource::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

void McpToolSource::set_state(McpConnectionState::Phase phase, std::string reason) {
  std::lock_guard lock(state_mutex_);
  state_.phase = phase;
  state_.reason = std::move(reason);
}

asio::awaitable<void> McpToolSource::stop() {
  auto self = shared_from_this();  // alive until the strand is done with it
  co_await asio::co_spawn(strand_, stop_on_strand(), asio::use_awaitable);
}

asio::awaitable<void> McpToolSource::stop_on_strand() {
  is_stopping_ = true;
  retry_timer_.cancel();
  if (connecting_) connecting_->close();
  if (session_) session_->close();
  if (is_running_) co_await run_ended_.async_wait(asio::as_tuple(asio::use_awaitable));
}

Error McpToolSource::unavailable(const std::string& reason) const {
  return Error::unavailable(unavailable_prefix(config_.name) + reason, "mcp_unavailable");
}

}  // namespace agentd

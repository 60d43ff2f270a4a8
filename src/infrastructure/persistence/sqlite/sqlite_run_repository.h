// Runs and their approvals in SQLite. Every change that touches two tables runs in one
// transaction, and the conditional UPDATE of a conversation's status decides which of two
// concurrent runs may start, or which of two decisions is taken.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "application/ports/run_repository.h"
#include "infrastructure/persistence/sqlite/pooled_database.h"

namespace agentd::sqlite {

class SqliteRunRepository final : public RunRepository {
 public:
  SqliteRunRepository(Database& db, BlockingPool& pool) : database_(db, pool) {}

  boost::asio::awaitable<Status> start_run(Run run) override;
  boost::asio::awaitable<Status> update_run(Run run) override;
  boost::asio::awaitable<Result<Run>> find_run(std::string run_id) override;
  boost::asio::awaitable<Result<Page<Run>>> list_runs(std::string conversation_id, int limit,
                                                      std::optional<std::string> after) override;
  boost::asio::awaitable<Result<Run>> request_cancel(std::string run_id, Timestamp now) override;
  boost::asio::awaitable<Result<std::vector<std::string>>> cancel_requested(
      std::vector<std::string> run_ids) override;
  boost::asio::awaitable<Result<RunCounts>> count_unfinished(Timestamp now) override;
  boost::asio::awaitable<Result<std::vector<Approval>>> cancel_paused_run(std::string run_id,
                                                                          Decider decider,
                                                                          Timestamp now) override;
  boost::asio::awaitable<Result<std::vector<std::string>>> renew_leases(
      std::string owner, std::vector<std::string> run_ids, Timestamp until) override;
  boost::asio::awaitable<Result<std::vector<Run>>> take_over_runs(std::string owner, Timestamp now,
                                                                  Timestamp stale_before,
                                                                  Timestamp until,
                                                                  int limit) override;

  boost::asio::awaitable<Status> pause_run(Run run, std::vector<Approval> approvals,
                                           Checkpoint checkpoint) override;
  boost::asio::awaitable<Result<Run>> find_paused_run(std::string conversation_id) override;
  boost::asio::awaitable<Result<std::vector<Approval>>> run_approvals(std::string run_id) override;
  boost::asio::awaitable<Result<Page<Approval>>> list_approvals(
      std::string user_id, std::optional<ApprovalStatus> status, Timestamp now, int limit,
      std::optional<std::string> after) override;
  boost::asio::awaitable<Status> decide(std::string user_id, std::string conversation_id,
                                        std::string run_id, std::vector<Approval> decided,
                                        Timestamp now) override;

 private:
  PooledDatabase database_;
};

}  // namespace agentd::sqlite

// An in-memory ToolExecutionRepository: it keeps every record in arrival order, and can be
// told to refuse them, as a full disk would.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "application/ports/tool_execution_repository.h"

namespace agentd {

class FakeToolExecutionRepository : public ToolExecutionRepository {
 public:
  boost::asio::awaitable<Status> record(ToolExecution execution) override {
    std::lock_guard lock(mutex_);
    if (failure_) co_return *failure_;
    records_.push_back(std::move(execution));
    co_return ok_status();
  }

  void fails_with(Error error) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(error);
  }

  std::vector<ToolExecution> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<Error> failure_;
  std::vector<ToolExecution> records_;
};

}  // namespace agentd

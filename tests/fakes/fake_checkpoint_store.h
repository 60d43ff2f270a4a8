// An in-memory CheckpointStore that counts its saves and shows a run's last checkpoint
// without a coroutine, so tests can see what a graph run left behind.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "application/ports/checkpoint_store.h"

namespace agentd {

class FakeCheckpointStore : public CheckpointStore {
 public:
  boost::asio::awaitable<Status> save(Checkpoint checkpoint) override {
    put(std::move(checkpoint));
    co_return ok_status();
  }

  // What save does, without a coroutine: for a fake that saves a checkpoint as one part of a
  // larger change (FakeRunRepository::pause_run). It counts as a save.
  void put(Checkpoint checkpoint) {
    std::lock_guard lock(mutex_);
    ++saves_;
    checkpoints_[checkpoint.run_id] = std::move(checkpoint);
  }

  boost::asio::awaitable<Result<std::optional<Checkpoint>>> load(std::string run_id) override {
    co_return last(run_id);
  }

  int saves() const {
    std::lock_guard lock(mutex_);
    return saves_;
  }

  std::optional<Checkpoint> last(const std::string& run_id) const {
    std::lock_guard lock(mutex_);
    auto found = checkpoints_.find(run_id);
    if (found == checkpoints_.end()) return std::nullopt;
    return found->second;
  }

 private:
  mutable std::mutex mutex_;
  int saves_ = 0;
  std::map<std::string, Checkpoint> checkpoints_;  // by run id
};

}  // namespace agentd

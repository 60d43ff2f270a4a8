// An in-memory ResponseRepository with the adapters' behaviour (the contract tests run it).
#pragma once

#include <algorithm>
#include <mutex>
#include <vector>

#include "application/ports/response_repository.h"

namespace agentd {

class FakeResponseRepository : public ResponseRepository {
 public:
  boost::asio::awaitable<Status> create(StoredResponse response) override {
    std::lock_guard lock(mutex_);
    responses_.push_back(std::move(response));
    co_return ok_status();
  }

  boost::asio::awaitable<Result<StoredResponse>> find(std::string user_id,
                                                      std::string id) override {
    std::lock_guard lock(mutex_);
    for (const auto& response : responses_) {
      if (response.id == id && response.user_id == user_id) co_return response;
    }
    co_return not_found();
  }

  boost::asio::awaitable<Result<std::optional<StoredResponse>>> find_open_by_run(
      std::string run_id) override {
    std::lock_guard lock(mutex_);
    for (auto it = responses_.rbegin(); it != responses_.rend(); ++it) {
      if (it->run_id == run_id && !is_final(it->status)) {
        co_return std::optional<StoredResponse>(*it);
      }
    }
    co_return std::optional<StoredResponse>{};
  }

  boost::asio::awaitable<Result<std::optional<std::string>>> latest_in_conversation(
      std::string conversation_id) override {
    std::lock_guard lock(mutex_);
    for (auto it = responses_.rbegin(); it != responses_.rend(); ++it) {
      if (it->conversation_id == conversation_id) co_return std::optional<std::string>(it->id);
    }
    co_return std::optional<std::string>{};
  }

  boost::asio::awaitable<Status> finish(std::string id, ResponseEnd end) override {
    std::lock_guard lock(mutex_);
    for (auto& response : responses_) {
      if (response.id != id || is_final(response.status)) continue;
      record_end(response, end);
    }
    co_return ok_status();
  }

  boost::asio::awaitable<Status> remove(std::string user_id, std::string id) override {
    std::lock_guard lock(mutex_);
    const auto removed = std::erase_if(responses_, [&](const StoredResponse& response) {
      return response.id == id && response.user_id == user_id;
    });
    if (removed == 0) co_return not_found();
    co_return ok_status();
  }

 private:
  static Error not_found() { return Error::not_found("response not found", "response_not_found"); }

  mutable std::mutex mutex_;
  std::vector<StoredResponse> responses_;  // in creation order
};

}  // namespace agentd

// A Notices that keeps what was published, for tests to read.
#pragma once

#include <mutex>
#include <vector>

#include "application/ports/notices.h"

namespace agentd {

class FakeNotices final : public Notices {
 public:
  boost::asio::awaitable<void> publish(Notice notice) override {
    std::lock_guard lock(mutex_);
    published_.push_back(std::move(notice));
    co_return;
  }

  std::vector<Notice> published() const {
    std::lock_guard lock(mutex_);
    return published_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Notice> published_;
};

}  // namespace agentd

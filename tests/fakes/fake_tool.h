// A Tool whose behaviour a test scripts: it answers a value, fails with a tool_error or
// throws, optionally after sleeping on a timer that honours cancellation, and can move a fake
// clock by the time it stands for. It remembers what it was
// given and counts its calls, how many ran at once and how many were cancelled.
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "application/ports/tool.h"
#include "fakes/fake_clock.h"

namespace agentd {

class FakeTool : public Tool {
 public:
  // Takes any arguments object; answers {"ok":true} at once.
  explicit FakeTool(std::string name) {
    spec_.name = std::move(name);
    spec_.description = "a scripted tool for tests";
    spec_.parameters = boost::json::object{{"type", "object"}};
  }

  // Scripting, chained: FakeTool("slow").sleeps_for(1s).with_timeout(50ms).
  FakeTool& with_parameters(boost::json::object schema) {
    spec_.parameters = std::move(schema);
    return *this;
  }
  FakeTool& with_parameters(std::string_view schema_json) {
    return with_parameters(boost::json::parse(schema_json).as_object());
  }
  FakeTool& with_timeout(std::chrono::milliseconds timeout) {
    spec_.timeout = timeout;
    return *this;
  }
  FakeTool& idempotent() {
    spec_.idempotent = true;
    return *this;
  }
  FakeTool& with_approval_required() {
    spec_.requires_approval = true;
    return *this;
  }
  FakeTool& returns(boost::json::value value) {
    answer_ = std::move(value);
    failure_.reset();
    return *this;
  }
  FakeTool& fails_with(std::string message) {
    failure_ = std::move(message);
    return *this;
  }
  // A bug in the tool, not an expected failure.
  FakeTool& throws(std::string what) {
    exception_ = std::move(what);
    return *this;
  }
  FakeTool& sleeps_for(std::chrono::milliseconds duration) {
    sleep_ = duration;
    return *this;
  }

  // The call takes `duration` on `clock`: moved as the call starts, so even a call cut short
  // by its timeout has taken it.
  FakeTool& takes(FakeClock& clock, std::chrono::milliseconds duration) {
    clock_ = &clock;
    takes_ = duration;
    return *this;
  }

  const ToolSpec& spec() const override { return spec_; }

  boost::asio::awaitable<Result<boost::json::value>> execute(boost::json::object arguments,
                                                             const ToolContext& context) override {
    {
      std::lock_guard lock(mutex_);
      received_.push_back(arguments);
      contexts_.push_back(context);
    }
    ++calls_;
    if (clock_) clock_->advance(takes_);
    const int now_running = ++running_;
    int seen = most_at_once_.load();
    while (now_running > seen && !most_at_once_.compare_exchange_weak(seen, now_running)) {
    }

    if (sleep_.count() > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, sleep_);
      auto [ec] = co_await timer.async_wait(kNoThrow);
      if (ec) {
        ++cancellations_;
        --running_;
        co_return tool_error("cancelled while sleeping");
      }
    }
    --running_;
    if (exception_) throw std::runtime_error(*exception_);
    if (failure_) co_return tool_error(*failure_);
    co_return answer_;
  }

  int calls() const { return calls_.load(); }
  int running() const { return running_.load(); }
  int most_at_once() const { return most_at_once_.load(); }
  int cancellations() const { return cancellations_.load(); }
  std::vector<boost::json::object> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<ToolContext> contexts() const {
    std::lock_guard lock(mutex_);
    return contexts_;
  }

 private:
  static constexpr auto kNoThrow = boost::asio::as_tuple(boost::asio::use_awaitable);

  ToolSpec spec_;
  boost::json::value answer_ = boost::json::object{{"ok", true}};
  std::optional<std::string> failure_;
  std::optional<std::string> exception_;
  std::chrono::milliseconds sleep_{0};
  FakeClock* clock_ = nullptr;
  std::chrono::milliseconds takes_{0};

  std::atomic<int> calls_{0};
  std::atomic<int> running_{0};
  std::atomic<int> most_at_once_{0};
  std::atomic<int> cancellations_{0};
  mutable std::mutex mutex_;
  std::vector<boost::json::object> received_;
  std::vector<ToolContext> contexts_;
};

}  // namespace agentd

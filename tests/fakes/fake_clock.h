// A Clock that stands still until the test moves it.
#pragma once

#include <atomic>
#include <chrono>

#include "application/ports/clock.h"

namespace agentd {

class FakeClock : public Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;

  // 2025-01-01T00:00:00Z: a fixed, readable start.
  explicit FakeClock(time_point start = time_point(std::chrono::seconds(1'735'689'600)))
      : now_(start) {}

  time_point now() const override { return now_.load(); }
  void set(time_point time) { now_.store(time); }
  void advance(std::chrono::system_clock::duration step) { now_.store(now_.load() + step); }

 private:
  std::atomic<time_point> now_;
};

}  // namespace agentd

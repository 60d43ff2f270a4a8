// A Clock that stands still until the test moves it; wall and steady time move together.
#pragma once

#include <atomic>
#include <chrono>

#include "application/ports/clock.h"

namespace agentd {

class FakeClock : public Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  using steady_time_point = std::chrono::steady_clock::time_point;

  // 2025-01-01T00:00:00Z: a fixed, readable start.
  explicit FakeClock(time_point start = time_point(std::chrono::seconds(1'735'689'600)))
      : now_(start) {}

  time_point now() const override { return now_.load(); }
  steady_time_point steady_now() const override { return steady_now_.load(); }
  // Sets the wall time only: a steady clock never jumps.
  void set(time_point time) { now_.store(time); }
  void advance(std::chrono::steady_clock::duration step) {
    now_.store(now_.load() + std::chrono::duration_cast<std::chrono::system_clock::duration>(step));
    steady_now_.store(steady_now_.load() + step);
  }

 private:
  std::atomic<time_point> now_;
  std::atomic<steady_time_point> steady_now_{steady_time_point(std::chrono::hours(1))};
};

}  // namespace agentd

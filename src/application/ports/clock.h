// The time source of every use case, so tests control time.
#pragma once

#include <chrono>

namespace agentd {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: what is stored and shown.
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Monotonic time: what durations and deadlines are measured with, immune to clock changes.
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

}  // namespace agentd

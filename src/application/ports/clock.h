// The time source of every use case, so tests control time.
#pragma once

#include <chrono>

namespace agentd {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

}  // namespace agentd

// The real clocks, for production wiring; tests use a fake.
#pragma once

#include "application/ports/clock.h"

namespace agentd {

class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace agentd

// The real wall clock, for production wiring; tests use a fake.
#pragma once

#include "application/ports/clock.h"

namespace agentd {

class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace agentd

// A Delay that returns at once, so a retried model call costs a test no time.
#pragma once

#include <chrono>

#include "application/ports/delay.h"

namespace agentd {

class FakeDelay : public Delay {
 public:
  boost::asio::awaitable<void> wait(std::chrono::milliseconds) override { co_return; }
};

}  // namespace agentd

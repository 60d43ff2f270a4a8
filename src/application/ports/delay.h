// Waiting, as a port: retries back off for real in production and instantly in tests.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>

namespace agentd {

class Delay {
 public:
  virtual ~Delay() = default;
  virtual boost::asio::awaitable<void> wait(std::chrono::milliseconds duration) = 0;
};

}  // namespace agentd

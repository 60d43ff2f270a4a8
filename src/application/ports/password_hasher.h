// Slow, salted password hashing. Asynchronous because the work is deliberately expensive
// and must not run on an I/O thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

namespace agentd {

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual boost::asio::awaitable<std::string> hash(std::string password) const = 0;
  virtual boost::asio::awaitable<bool> verify(std::string password, std::string hash) const = 0;
};

}  // namespace agentd

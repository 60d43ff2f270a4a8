// Redis servers for the adapter tests. The shared one is the server AGENTD_TEST_REDIS_URL names;
// without it the tests skip, unless AGENTD_TESTS_REQUIRE_REDIS=1 says a skip would hide a gap.
// What the shared server cannot show (a password, a server that dies and comes back on the
// same port, a server that freezes) a test shows with a redis-server process of its own.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {

// Settings for the shared server, with timeouts and backoffs short enough for tests; nullopt
// once GTEST_SKIP() or FAIL() has been called for the running test, which should then stop.
std::optional<ClientSettings> shared_redis_settings();

// A key or channel name of the running test's own (the same for each call with `suffix`): the
// shared server outlives test runs.
std::string test_name(std::string_view suffix);

// Settings with the short timeouts of shared_redis_settings() for `url`.
ClientSettings test_settings(RedisUrl url);

// A redis-server of the test's own on a free loopback port, killed when the test ends. Needs the
// redis-server program, which the machine running the shared server has.
class RedisServerProcess {
 public:
  // `arguments` are added to the command line: {"--requirepass", "secret"}.
  explicit RedisServerProcess(std::vector<std::string> arguments = {});
  ~RedisServerProcess();
  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;

  // Starts the server (again, after kill(), on the same port) and waits until it answers.
  ::testing::AssertionResult start();
  // SIGKILL: the connections drop at once, as when the server crashes.
  void kill();
  // SIGSTOP and SIGCONT: the server holds its connections but answers nothing until thawed.
  void freeze();
  void thaw();

  int port() const { return port_; }
  RedisUrl url() const;

 private:
  std::vector<std::string> arguments_;
  int port_;
  pid_t pid_ = -1;
};

}  // namespace agentd::redis

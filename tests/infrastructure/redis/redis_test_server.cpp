#include "infrastructure/redis/redis_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace agentd::redis {
namespace {

using namespace std::chrono_literals;

bool redis_required() {
  const char* required = std::getenv("AGENTD_TESTS_REQUIRE_REDIS");
  return required != nullptr && std::string_view(required) == "1";
}

// GTEST_SKIP() and FAIL() return from the function they are in, so each has one of its own.
void skip_without_redis() {
  GTEST_SKIP() << "Redis tests skipped: set AGENTD_TEST_REDIS_URL to a Redis server the tests "
                  "may write to (e.g. redis://127.0.0.1:6379; scripts/lib/redis.sh starts one)";
}

void fail_redis_test(const std::string& why) { FAIL() << why; }

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A port nobody listens on now; the kernel does not hand it out again at once.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("no free port on 127.0.0.1");
  return ntohs(address.sin_port);
}

// True once something on `port` answers a PING (+PONG, or -NOAUTH behind a password).
bool answers_ping(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = loopback(port);
  bool answered = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    timeval timeout{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    constexpr std::string_view kPing = "PING\r\n";
    char reply = 0;
    answered = ::write(fd, kPing.data(), kPing.size()) == static_cast<ssize_t>(kPing.size()) &&
               ::read(fd, &reply, 1) == 1 && (reply == '+' || reply == '-');
  }
  ::close(fd);
  return answered;
}

}  // namespace

std::optional<ClientSettings> shared_redis_settings() {
  const char* text = std::getenv("AGENTD_TEST_REDIS_URL");
  if (text == nullptr || *text == '\0') {
    if (redis_required()) {
      fail_redis_test(
          "Redis is required (AGENTD_TESTS_REQUIRE_REDIS=1) but AGENTD_TEST_REDIS_URL is not set");
    } else {
      skip_without_redis();
    }
    return std::nullopt;
  }
  auto url = parse_redis_url(text);
  if (!url) {
    fail_redis_test("AGENTD_TEST_REDIS_URL: " + url.error().message);
    return std::nullopt;
  }
  return test_settings(std::move(url).value());
}

ClientSettings test_settings(RedisUrl url) {
  ClientSettings settings;
  settings.url = std::move(url);
  settings.connect_timeout = 2s;
  settings.command_timeout = 2s;
  settings.first_backoff = 20ms;
  settings.longest_backoff = 200ms;
  return settings;
}

std::string test_name(std::string_view suffix) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  // The start time tells a repeated test (--gtest_repeat) from its earlier runs.
  return "agentd_test:" + std::to_string(::getpid()) + ":" +
         std::to_string(test->result()->start_timestamp()) + ":" + test->test_suite_name() + "." +
         test->name() + ":" + std::string(suffix);
}

RedisServerProcess::RedisServerProcess(std::vector<std::string> arguments)
    : arguments_(std::move(arguments)), port_(free_port()) {}

RedisServerProcess::~RedisServerProcess() { kill(); }

::testing::AssertionResult RedisServerProcess::start() {
  std::vector<std::string> words = {
      "redis-server", "--bind", "127.0.0.1", "--port", std::to_string(port_), "--save", "",
      "--appendonly", "no",     "--dir",     "/tmp"};
  words.insert(words.end(), arguments_.begin(), arguments_.end());
  std::vector<char*> argv;
  argv.reserve(words.size() + 1);
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  // Its log would drown the test's output.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  const int failure = posix_spawnp(&pid_, "redis-server", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failure != 0) {
    pid_ = -1;
    return ::testing::AssertionFailure() << "cannot start redis-server: " << std::strerror(failure);
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping(port_)) return ::testing::AssertionSuccess();
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ::testing::AssertionFailure() << "redis-server exited at start on port " << port_;
    }
    std::this_thread::sleep_for(10ms);
  }
  return ::testing::AssertionFailure() << "redis-server did not answer on port " << port_;
}

void RedisServerProcess::kill() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void RedisServerProcess::freeze() { ::kill(pid_, SIGSTOP); }

void RedisServerProcess::thaw() { ::kill(pid_, SIGCONT); }

RedisUrl RedisServerProcess::url() const {
  RedisUrl url;
  url.host = "127.0.0.1";
  url.port = port_;
  return url;
}

}  // namespace agentd::redis

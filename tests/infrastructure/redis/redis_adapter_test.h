// The fixture of the adapter tests (rate limiter, run event feed, notices): clients and
// subscribers of the shared test server on an io_context with two threads, as in the server.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "infrastructure/redis/redis_client.h"
#include "infrastructure/redis/redis_test_server.h"
#include "infrastructure/redis/threaded_io.h"

namespace agentd::redis {

class RedisAdapterTest : public ::testing::Test {
 protected:
  // A started client of the shared server, connected; null once the test has been skipped or
  // has failed fatally, so that a SetUp that asks for one ends the test.
  std::unique_ptr<RedisClient> connect_client() {
    auto settings = shared_redis_settings();
    if (!settings) return nullptr;
    auto client = std::make_unique<RedisClient>(io_.executor(), *settings);
    client->start();
    if (!ThreadedIo::wait_until([&] { return client->connected(); })) {
      fail_adapter_test("no connection to the server AGENTD_TEST_REDIS_URL names");
      return nullptr;
    }
    return client;
  }

  // A started client of a port nobody listens on: every command is unavailable.
  std::unique_ptr<RedisClient> unreachable_client() {
    auto client = std::make_unique<RedisClient>(io_.executor(), test_settings(nobody_.url()));
    client->start();
    return client;
  }

  // A started subscriber of the shared server, subscribed; null as for connect_client.
  std::unique_ptr<RedisSubscriber> subscribe(std::vector<std::string> channels,
                                             RedisSubscriber::OnMessage on_message) {
    auto settings = shared_redis_settings();
    if (!settings) return nullptr;
    auto subscriber = std::make_unique<RedisSubscriber>(io_.executor(), *settings,
                                                        std::move(channels), std::move(on_message));
    subscriber->start();
    if (!ThreadedIo::wait_until([&] { return subscriber->subscribed(); })) {
      fail_adapter_test("no subscription on the server AGENTD_TEST_REDIS_URL names");
      return nullptr;
    }
    return subscriber;
  }

  // test_name(suffix) with a number of its own, so a repeated test (--gtest_repeat) starts
  // with keys nobody has used.
  static std::string fresh_name(std::string_view suffix) {
    static std::atomic<int> count{0};
    return test_name(suffix) + ":" + std::to_string(count.fetch_add(1));
  }

  template <class T>
  T run(boost::asio::awaitable<T> awaitable) {
    return io_.run(std::move(awaitable));
  }

  // FAIL() returns from the function it is in.
  static void fail_adapter_test(const std::string& why) { FAIL() << why; }

  // Declared first: the clients and subscribers of a test go before their io_context.
  ThreadedIo io_;
  RedisServerProcess nobody_;  // never started, so nothing listens on its port
};

}  // namespace agentd::redis

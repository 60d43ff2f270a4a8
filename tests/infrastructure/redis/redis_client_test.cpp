// The Redis client against a real server: replies of every type, order under concurrency, and
// what it does when the server is missing, refuses the password, dies, comes back or freezes:
// a command fails at once as unavailable, never waits behind a dead connection, and the client
// reconnects by itself.
#include "infrastructure/redis/redis_client.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "infrastructure/redis/redis_test_server.h"
#include "infrastructure/redis/threaded_io.h"

namespace agentd::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

void expect_unavailable(const Result<Reply>& reply) {
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().kind, ErrorCode::unavailable) << reply.error().message;
  EXPECT_EQ(reply.error().code, "redis_unavailable");
}

// A client of the shared server, connected; null once the test has been skipped or failed.
std::unique_ptr<RedisClient> connected_client(ThreadedIo& io) {
  auto settings = shared_redis_settings();
  if (!settings) return nullptr;
  auto client = std::make_unique<RedisClient>(io.executor(), *settings);
  client->start();
  if (!ThreadedIo::wait_until([&] { return client->connected(); })) {
    ADD_FAILURE() << "no connection to AGENTD_TEST_REDIS_URL";
    return nullptr;
  }
  return client;
}

TEST(RedisClient, SetThenGetReturnsTheValueByteForByte) {
  ThreadedIo io;
  auto client = connected_client(io);
  if (!client) return;
  const std::string key = test_name("key");
  const std::string value("binary\0with\r\nbreaks", 19);

  auto set = io.run(client->command({"SET", key, value}));
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->type, Reply::Type::status);
  EXPECT_EQ(set->text, "OK");

  auto get = io.run(client->command({"GET", key}));
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->type, Reply::Type::string);
  EXPECT_EQ(get->text, value);
}

TEST(RedisClient, IntegerArrayAndNilReplies) {
  ThreadedIo io;
  auto client = connected_client(io);
  if (!client) return;
  const std::string counter = test_name("counter");
  const std::string list = test_name("list");

  auto incremented = io.run(client->command({"INCRBY", counter, "41"}));
  ASSERT_TRUE(incremented) << incremented.error().message;
  EXPECT_EQ(incremented->type, Reply::Type::integer);
  EXPECT_EQ(incremented->integer, 41);

  ASSERT_TRUE(io.run(client->command({"RPUSH", list, "a", "b"})));
  auto range = io.run(client->command({"LRANGE", list, "0", "-1"}));
  ASSERT_TRUE(range) << range.error().message;
  ASSERT_EQ(range->type, Reply::Type::array);
  ASSERT_EQ(range->elements.size(), 2u);
  EXPECT_EQ(range->elements[0].text, "a");
  EXPECT_EQ(range->elements[1].text, "b");

  auto missing = io.run(client->command({"GET", test_name("missing")}));
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_TRUE(missing->is_nil());
}

TEST(RedisClient, ErrorReplyIsARedisErrorAndTheConnectionGoesOn) {
  ThreadedIo io;
  auto client = connected_client(io);
  if (!client) return;
  const std::string key = test_name("text");
  ASSERT_TRUE(io.run(client->command({"SET", key, "not a number"})));

  auto failed = io.run(client->command({"INCR", key}));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorCode::internal);
  EXPECT_EQ(failed.error().code, "redis_error");
  EXPECT_NE(failed.error().message.find("not an integer"), std::string::npos)
      << failed.error().message;

  auto after = io.run(client->command({"PING"}));
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->text, "PONG");
  EXPECT_TRUE(client->connected());
}

TEST(RedisClient, ConcurrentCommandsEachGetTheirOwnReply) {
  ThreadedIo io;
  auto client = connected_client(io);
  if (!client) return;
  constexpr int kCommands = 300;
  std::vector<std::future<Result<Reply>>> replies;
  replies.reserve(kCommands);
  for (int i = 0; i < kCommands; ++i) {
    replies.push_back(asio::co_spawn(io.executor(), client->command({"ECHO", std::to_string(i)}),
                                     asio::use_future));
  }
  for (int i = 0; i < kCommands; ++i) {
    auto reply = replies[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(reply) << reply.error().message;
    EXPECT_EQ(reply->text, std::to_string(i));
  }
}

TEST(RedisClient, SentCommandsKeepTheirOrder) {
  ThreadedIo io;
  auto client = connected_client(io);
  if (!client) return;
  const std::string list = test_name("ordered");
  constexpr int kCommands = 500;
  for (int i = 0; i < kCommands; ++i) client->send({"RPUSH", list, std::to_string(i)});

  auto range = io.run(client->command({"LRANGE", list, "0", "-1"}));
  ASSERT_TRUE(range) << range.error().message;
  ASSERT_EQ(range->elements.size(), static_cast<std::size_t>(kCommands));
  for (int i = 0; i < kCommands; ++i) {
    EXPECT_EQ(range->elements[static_cast<std::size_t>(i)].text, std::to_string(i));
  }
  EXPECT_EQ(client->dropped(), 0u);
}

TEST(RedisClient, LargeRepliesArriveWhole) {
  ThreadedIo io;
  auto client = connected_client(io);
  if (!client) return;
  const std::string key = test_name("large");
  // Far more than hiredis reads from the socket at once.
  const std::string value(std::size_t{4} << 20, 'x');
  ASSERT_TRUE(io.run(client->command({"SET", key, value})));
  auto get = io.run(client->command({"GET", key}));
  ASSERT_TRUE(get) << get.error().message;
  EXPECT_EQ(get->text.size(), value.size());
}

TEST(RedisClient, SelectsTheDatabaseOfTheUrl) {
  ThreadedIo io;
  auto settings = shared_redis_settings();
  if (!settings) return;
  auto in_db_3 = *settings;
  in_db_3.url.db = 3;
  RedisClient three(io.executor(), in_db_3);
  RedisClient zero(io.executor(), *settings);
  three.start();
  zero.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return three.connected() && zero.connected(); }));
  const std::string key = test_name("db");

  ASSERT_TRUE(io.run(three.command({"SET", key, "3"})));
  auto from_three = io.run(three.command({"GET", key}));
  auto from_zero = io.run(zero.command({"GET", key}));
  ASSERT_TRUE(from_three && from_zero);
  EXPECT_EQ(from_three->text, "3");
  EXPECT_TRUE(from_zero->is_nil());
}

TEST(RedisClient, ResolvesAHostName) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server;
  ASSERT_TRUE(server.start());
  auto url = server.url();
  url.host = "localhost";
  RedisClient client(io.executor(), test_settings(url));
  client.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));
  EXPECT_TRUE(io.run(client.command({"PING"})));
}

TEST(RedisClient, CommandWhileDisconnectedFailsAtOnce) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess nobody;  // a free port, never started
  auto settings = test_settings(nobody.url());
  settings.connect_timeout = 10s;
  RedisClient client(io.executor(), settings);
  client.start();

  const auto began = std::chrono::steady_clock::now();
  auto reply = io.run(client.command({"PING"}));
  expect_unavailable(reply);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
  EXPECT_FALSE(client.connected());

  client.send({"PING"});
  EXPECT_TRUE(ThreadedIo::wait_until([&] { return client.dropped() == 1; }));
}

TEST(RedisClient, CommandsThatPushInsteadOfReplyingAreRefused) {
  ThreadedIo io;
  RedisClient client(io.executor(), test_settings(RedisUrl{}));
  EXPECT_THROW((void)client.command({"SUBSCRIBE", "news"}), std::invalid_argument);
  EXPECT_THROW(client.send({"monitor"}), std::invalid_argument);
  EXPECT_THROW((void)client.command({}), std::invalid_argument);
}

TEST(RedisClient, AuthenticatesWithThePasswordOfTheUrl) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server({"--requirepass", "p@ss:word"});
  ASSERT_TRUE(server.start());
  auto url = server.url();
  url.password = "p@ss:word";
  RedisClient client(io.executor(), test_settings(url));
  client.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));

  auto reply = io.run(client.command({"PING"}));
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->text, "PONG");
}

TEST(RedisClient, AuthenticatesAsTheUserOfTheUrl) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server({"--user", "agentd", "on", ">s3cret", "~*", "&*", "+@all"});
  ASSERT_TRUE(server.start());
  auto url = server.url();
  url.user = "agentd";
  url.password = "s3cret";
  RedisClient client(io.executor(), test_settings(url));
  client.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));

  auto who = io.run(client.command({"ACL", "WHOAMI"}));
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->text, "agentd");
}

TEST(RedisClient, AWrongPasswordNeverConnects) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server({"--requirepass", "right"});
  ASSERT_TRUE(server.start());
  auto url = server.url();
  url.password = "wrong";
  RedisClient client(io.executor(), test_settings(url));
  client.start();

  // Time for several attempts, each refused.
  EXPECT_FALSE(ThreadedIo::wait_until([&] { return client.connected(); }, 500ms));
  expect_unavailable(io.run(client.command({"PING"})));
}

TEST(RedisClient, ReconnectsWhenTheServerComesBack) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server;
  ASSERT_TRUE(server.start());
  RedisClient client(io.executor(), test_settings(server.url()));
  client.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));

  server.kill();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return !client.connected(); }));
  expect_unavailable(io.run(client.command({"PING"})));

  ASSERT_TRUE(server.start());
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));
  auto reply = io.run(client.command({"PING"}));
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->text, "PONG");
}

TEST(RedisClient, CommandsInFlightFailWhenTheServerDies) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server;
  ASSERT_TRUE(server.start());
  auto settings = test_settings(server.url());
  settings.command_timeout = 30s;
  RedisClient client(io.executor(), settings);
  client.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));

  // BLPOP on an empty list waits for ever; the PING behind it waits too.
  auto blocked =
      asio::co_spawn(io.executor(), client.command({"BLPOP", "nothing", "0"}), asio::use_future);
  std::this_thread::sleep_for(100ms);
  auto behind = asio::co_spawn(io.executor(), client.command({"PING"}), asio::use_future);
  std::this_thread::sleep_for(100ms);
  const auto killed = std::chrono::steady_clock::now();
  server.kill();

  expect_unavailable(blocked.get());
  expect_unavailable(behind.get());
  EXPECT_LT(std::chrono::steady_clock::now() - killed, 5s);
}

TEST(RedisClient, AFrozenServerTimesCommandsOutAndTheClientRecovers) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server;
  ASSERT_TRUE(server.start());
  auto settings = test_settings(server.url());
  settings.command_timeout = 300ms;
  settings.connect_timeout = 300ms;
  RedisClient client(io.executor(), settings);
  client.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));

  server.freeze();
  const auto frozen = std::chrono::steady_clock::now();
  auto first = asio::co_spawn(io.executor(), client.command({"PING"}), asio::use_future);
  auto second = asio::co_spawn(io.executor(), client.command({"PING"}), asio::use_future);
  expect_unavailable(first.get());
  expect_unavailable(second.get());
  const auto waited = std::chrono::steady_clock::now() - frozen;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 3s);
  // The dead connection is gone: the next command fails at once instead of queueing.
  expect_unavailable(io.run(client.command({"PING"})));
  // Connecting is bounded too: the frozen server accepts the connection but never answers
  // the handshake, so the client never counts as connected.
  EXPECT_FALSE(ThreadedIo::wait_until([&] { return client.connected(); }, 700ms));

  server.thaw();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return client.connected(); }));
  auto reply = io.run(client.command({"PING"}));
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->text, "PONG");
}

TEST(RedisClient, StopClosesTheConnection) {
  ThreadedIo io;
  auto client = connected_client(io);
  if (!client) return;
  client->stop();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return !client->connected(); }));
  expect_unavailable(io.run(client->command({"PING"})));
}

// The io_context stops (the server shuts down) with a command in flight, and the client goes
// after it: whatever was left is freed with the io_context, and AddressSanitizer would see a
// leak or a use after free.
TEST(RedisClient, ACommandAbandonedWithItsIoContextLeavesNothingBehind) {
  auto settings = shared_redis_settings();
  if (!settings) return;
  auto io = std::make_unique<asio::io_context>();
  auto client = std::make_unique<RedisClient>(io->get_executor(), *settings);
  client->start();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!client->connected() && std::chrono::steady_clock::now() < deadline) {
    io->run_one_for(10ms);
  }
  ASSERT_TRUE(client->connected());
  auto blocked =
      asio::co_spawn(*io, client->command({"BLPOP", test_name("nothing"), "0"}), asio::use_future);
  io->run_for(100ms);
  io->stop();

  client.reset();
  io.reset();
  ASSERT_EQ(blocked.wait_for(5s), std::future_status::ready);
  EXPECT_THROW((void)blocked.get(), std::future_error);
}

}  // namespace
}  // namespace agentd::redis

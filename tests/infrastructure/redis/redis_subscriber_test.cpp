// The subscriber against a real server: it hears what is published on its channels, and after
// the server comes back it subscribes again by itself.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "infrastructure/redis/redis_client.h"
#include "infrastructure/redis/redis_test_server.h"
#include "infrastructure/redis/threaded_io.h"

namespace agentd::redis {
namespace {

// What a subscriber heard, as "channel: message", from the io_context's threads.
class Inbox {
 public:
  RedisSubscriber::OnMessage collector() {
    return [this](std::string_view channel, std::string_view message) {
      std::lock_guard lock(mutex_);
      heard_.push_back(std::string(channel) + ": " + std::string(message));
    };
  }
  std::vector<std::string> heard() const {
    std::lock_guard lock(mutex_);
    return heard_;
  }
  bool has(std::size_t count) const { return heard().size() >= count; }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> heard_;
};

// PUBLISHes `message`; how many subscribers received it.
std::int64_t publish(ThreadedIo& io, RedisClient& client, const std::string& channel,
                     const std::string& message) {
  auto receivers = io.run(client.command({"PUBLISH", channel, message}));
  if (!receivers) throw std::runtime_error(receivers.error().message);
  return receivers->integer;
}

TEST(RedisSubscriber, HearsWhatIsPublishedOnItsChannels) {
  auto settings = shared_redis_settings();
  if (!settings) return;
  ThreadedIo io;
  Inbox inbox;
  const std::string news = test_name("news");
  const std::string weather = test_name("weather");
  RedisSubscriber subscriber(io.executor(), *settings, {news, weather}, inbox.collector());
  RedisClient publisher(io.executor(), *settings);
  subscriber.start();
  publisher.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return subscriber.subscribed(); }));
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return publisher.connected(); }));

  EXPECT_EQ(publish(io, publisher, news, "first"), 1);
  EXPECT_EQ(publish(io, publisher, weather, "rain"), 1);
  EXPECT_EQ(publish(io, publisher, test_name("elsewhere"), "unheard"), 0);
  EXPECT_EQ(publish(io, publisher, news, "second"), 1);

  ASSERT_TRUE(ThreadedIo::wait_until([&] { return inbox.has(3); }));
  EXPECT_EQ(inbox.heard(),
            (std::vector<std::string>{news + ": first", weather + ": rain", news + ": second"}));
}

TEST(RedisSubscriber, SubscribesAgainAfterTheServerComesBack) {
  if (!shared_redis_settings()) return;
  ThreadedIo io;
  RedisServerProcess server;
  ASSERT_TRUE(server.start());
  Inbox inbox;
  const std::string channel = test_name("events");
  RedisSubscriber subscriber(io.executor(), test_settings(server.url()), {channel},
                             inbox.collector());
  RedisClient publisher(io.executor(), test_settings(server.url()));
  subscriber.start();
  publisher.start();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return subscriber.subscribed(); }));
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return publisher.connected(); }));
  EXPECT_EQ(publish(io, publisher, channel, "before"), 1);
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return inbox.has(1); }));

  server.kill();
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return !subscriber.subscribed(); }));
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return subscriber.subscribed(); }));
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return publisher.connected(); }));

  EXPECT_EQ(publish(io, publisher, channel, "after"), 1);
  ASSERT_TRUE(ThreadedIo::wait_until([&] { return inbox.has(2); }));
  EXPECT_EQ(inbox.heard(), (std::vector<std::string>{channel + ": before", channel + ": after"}));
}

}  // namespace
}  // namespace agentd::redis

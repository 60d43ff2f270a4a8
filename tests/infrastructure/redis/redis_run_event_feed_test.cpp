#include "infrastructure/redis/redis_run_event_feed.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "infrastructure/redis/redis_adapter_test.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

FeedEvent feed_test_event(std::int64_t id, bool last = false) {
  FeedEvent event;
  event.id = id;
  event.name = last ? "run.completed" : "message.delta";
  event.data = R"({"n":)" + std::to_string(id) + "}";
  event.last = last;
  return event;
}

std::vector<std::int64_t> feed_event_ids(const std::vector<FeedEvent>& events) {
  std::vector<std::int64_t> ids;
  ids.reserve(events.size());
  for (const auto& event : events) ids.push_back(event.id);
  return ids;
}

class RedisRunEventFeedTest : public RedisAdapterTest {
 protected:
  void SetUp() override {
    client_ = connect_client();
    if (client_) feed_.emplace(*client_, settings_);
  }

  void publish_events(const std::string& run_id, int count, bool ends) {
    for (int id = 1; id <= count; ++id) {
      feed_->publish(conversation_id_, run_id, feed_test_event(id, ends && id == count));
    }
  }

  Result<std::vector<FeedEvent>> read_after(const std::string& run_id, std::int64_t after,
                                            milliseconds wait = milliseconds(0)) {
    return run(feed_->read_after(run_id, after, wait));
  }

  std::int64_t pttl(const std::string& key) {
    std::vector<std::string> args{"PTTL", key};
    auto reply = run(client_->command(std::move(args)));
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? reply->integer : 0;
  }

  static std::string events_key(const std::string& run_id) {
    return "agentd:run:" + run_id + ":events";
  }

  // The defaults: an hour while the run is live, five minutes after its last event.
  RunEventFeedSettings settings_;
  std::unique_ptr<RedisClient> client_;
  std::optional<RedisRunEventFeed> feed_;
  const std::string conversation_id_ = fresh_name("conversation");
  const std::string run_id_ = fresh_name("run");
};

TEST_F(RedisRunEventFeedTest, ReadsThePublishedEventsInOrderAfterAnId) {
  publish_events(run_id_, 5, /*ends=*/true);

  auto all = read_after(run_id_, 0);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(feed_event_ids(*all), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ((*all)[0].name, "message.delta");
  EXPECT_EQ((*all)[0].data, R"({"n":1})");
  EXPECT_FALSE((*all)[3].last);
  EXPECT_EQ((*all)[4].name, "run.completed");
  EXPECT_TRUE((*all)[4].last);

  auto rest = read_after(run_id_, 3);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(feed_event_ids(*rest), (std::vector<std::int64_t>{4, 5}));

  auto none = read_after(run_id_, 5);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
}

TEST_F(RedisRunEventFeedTest, ARetriedPublishKeepsTheFirstCopy) {
  publish_events(run_id_, 2, /*ends=*/false);
  FeedEvent again = feed_test_event(2);
  again.data = "a second copy";
  feed_->publish(conversation_id_, run_id_, again);
  feed_->publish(conversation_id_, run_id_, feed_test_event(3));

  auto events = read_after(run_id_, 0);
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_EQ(feed_event_ids(*events), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ((*events)[1].data, R"({"n":2})");
}

TEST_F(RedisRunEventFeedTest, KnowsTheLastIdAndTheConversationsLatestRun) {
  const std::string later_run = fresh_name("later-run");
  publish_events(run_id_, 3, /*ends=*/true);
  publish_events(later_run, 1, /*ends=*/false);

  auto last = run(feed_->last_id(run_id_));
  ASSERT_TRUE(last) << last.error().message;
  EXPECT_EQ(*last, 3);
  auto unknown_last = run(feed_->last_id(fresh_name("unknown-run")));
  ASSERT_TRUE(unknown_last) << unknown_last.error().message;
  EXPECT_EQ(*unknown_last, 0);

  auto latest = run(feed_->latest_run(conversation_id_));
  ASSERT_TRUE(latest) << latest.error().message;
  EXPECT_EQ(*latest, later_run);
  auto unknown_latest = run(feed_->latest_run(fresh_name("unknown-conversation")));
  ASSERT_TRUE(unknown_latest) << unknown_latest.error().message;
  EXPECT_EQ(*unknown_latest, std::nullopt);
}

TEST_F(RedisRunEventFeedTest, ExpiresLongAfterLiveEventsAndSoonAfterTheLast) {
  const std::string conversation_key = "agentd:conversation:" + conversation_id_ + ":run";
  publish_events(run_id_, 2, /*ends=*/false);
  EXPECT_GT(pttl(events_key(run_id_)), milliseconds(minutes(59)).count());
  EXPECT_GT(pttl(conversation_key), milliseconds(minutes(59)).count());

  feed_->publish(conversation_id_, run_id_, feed_test_event(3, /*last=*/true));
  const std::int64_t ended = pttl(events_key(run_id_));
  EXPECT_GT(ended, 0);
  EXPECT_LE(ended, milliseconds(minutes(5)).count());
  const std::int64_t conversation_ended = pttl(conversation_key);
  EXPECT_GT(conversation_ended, 0);
  EXPECT_LE(conversation_ended, milliseconds(minutes(5)).count());
}

TEST_F(RedisRunEventFeedTest, AWaitingReaderIsWokenByAPublishOnAnotherReplica) {
  // This replica's subscriber wakes its feed's readers, as main wires it.
  auto subscriber =
      subscribe({std::string(kRunEventsChannel)},
                [this](std::string_view, std::string_view run_id) { feed_->on_published(run_id); });
  if (!subscriber) return;
  auto other_client = connect_client();
  if (!other_client) return;
  RedisRunEventFeed other_replica(*other_client, settings_);

  // On a strand, as a response's coroutine is.
  const auto started = std::chrono::steady_clock::now();
  auto reading = asio::co_spawn(asio::make_strand(io_.executor()),
                                feed_->read_after(run_id_, 0, seconds(10)), asio::use_future);
  // The reader finds nothing and waits.
  EXPECT_EQ(reading.wait_for(milliseconds(200)), std::future_status::timeout);

  other_replica.publish(conversation_id_, run_id_, feed_test_event(1));
  EXPECT_EQ(reading.wait_for(seconds(5)), std::future_status::ready);
  auto events = reading.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_EQ(feed_event_ids(*events), (std::vector<std::int64_t>{1}));
}

TEST_F(RedisRunEventFeedTest, AReaderNobodyWakesReturnsNothingWhenItsWaitEnds) {
  const auto started = std::chrono::steady_clock::now();
  auto events = read_after(run_id_, 0, milliseconds(150));
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_TRUE(events->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(150));
}

class RedisRunEventFeedWithoutRedisTest : public RedisAdapterTest {};

TEST_F(RedisRunEventFeedWithoutRedisTest, ReportsRedisUnavailable) {
  auto client = unreachable_client();
  RedisRunEventFeed feed(*client);

  auto events = run(feed.read_after("run-1", 0, milliseconds(0)));
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().kind, ErrorCode::unavailable);
  auto last = run(feed.last_id("run-1"));
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().kind, ErrorCode::unavailable);
  auto latest = run(feed.latest_run("conversation-1"));
  ASSERT_FALSE(latest);
  EXPECT_EQ(latest.error().kind, ErrorCode::unavailable);
}

}  // namespace
}  // namespace agentd::redis

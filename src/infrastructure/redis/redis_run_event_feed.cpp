#include "infrastructure/redis/redis_run_event_feed.h"

#include <algorithm>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <utility>

#include "infrastructure/logging/log.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kFeedReadBatch = "1000";

std::string feed_events_key(std::string_view run_id) {
  return "agentd:run:" + std::string(run_id) + ":events";
}

std::string feed_conversation_key(std::string_view conversation_id) {
  return "agentd:conversation:" + std::string(conversation_id) + ":run";
}

// The event id is the sequence part of the entry id; the time part is always 0, so the ids
// are the publisher's and Redis refuses one that is not greater than the last.
std::string feed_stream_id(std::int64_t event_id) { return "0-" + std::to_string(event_id); }

std::optional<std::int64_t> feed_event_id(std::string_view stream_id) {
  const auto dash = stream_id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view sequence = stream_id.substr(dash + 1);
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(sequence.data(), sequence.data() + sequence.size(), id);
  if (error != std::errc() || end != sequence.data() + sequence.size()) return std::nullopt;
  return id;
}

Error unexpected_feed_reply(std::string_view command) {
  return Error::internal("unexpected reply to " + std::string(command) + " on a run's events");
}

// XRANGE and XREVRANGE answer [[id, [field, value, ...]], ...].
Result<std::vector<FeedEvent>> feed_events_from_reply(const Reply& reply,
                                                      std::string_view command) {
  if (reply.type != Reply::Type::array) return unexpected_feed_reply(command);
  std::vector<FeedEvent> events;
  events.reserve(reply.elements.size());
  for (const Reply& entry : reply.elements) {
    if (entry.type != Reply::Type::array || entry.elements.size() != 2 ||
        entry.elements[1].type != Reply::Type::array) {
      return unexpected_feed_reply(command);
    }
    const auto id = feed_event_id(entry.elements[0].text);
    if (!id) return unexpected_feed_reply(command);
    FeedEvent event;
    event.id = *id;
    const auto& fields = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      const std::string& field = fields[i].text;
      if (field == "name") {
        event.name = fields[i + 1].text;
      } else if (field == "data") {
        event.data = fields[i + 1].text;
      } else if (field == "last") {
        event.last = fields[i + 1].text == "1";
      }
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace

// A reader waiting for a run's next event, in its coroutine's frame. on_published may run on
// another thread than the reader, so the flag and the timer are touched under the mutex only.
struct RedisRunEventFeed::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {}

  void wake() {
    std::lock_guard lock(mutex);
    woken = true;
    timer.cancel();
  }

  std::mutex mutex;
  bool woken = false;
  asio::steady_timer timer;
};

// Keeps a waiter in the registry for its scope, however the reader leaves it (an error, or
// its coroutine destroyed while it waits).
class RedisRunEventFeed::WaiterRegistration {
 public:
  WaiterRegistration(RedisRunEventFeed& feed, std::string run_id, Waiter& waiter)
      : feed_(feed), run_id_(std::move(run_id)), waiter_(waiter) {
    std::lock_guard lock(feed_.waiters_mutex_);
    feed_.waiters_.emplace(run_id_, &waiter_);
  }
  ~WaiterRegistration() {
    std::lock_guard lock(feed_.waiters_mutex_);
    auto [first, last] = feed_.waiters_.equal_range(run_id_);
    const auto registered =
        std::find_if(first, last, [this](const auto& entry) { return entry.second == &waiter_; });
    if (registered != last) feed_.waiters_.erase(registered);
  }
  WaiterRegistration(const WaiterRegistration&) = delete;
  WaiterRegistration& operator=(const WaiterRegistration&) = delete;

 private:
  RedisRunEventFeed& feed_;
  std::string run_id_;
  Waiter& waiter_;
};

RedisRunEventFeed::RedisRunEventFeed(RedisClient& client, RunEventFeedSettings settings)
    : client_(client), settings_(settings) {}

void RedisRunEventFeed::publish(const std::string& conversation_id, const std::string& run_id,
                                FeedEvent event) {
  if (!client_.connected()) {
    // Each event of every live run would be a line; the lost connection is logged by the
    // client, and the count of dropped commands is reported.
    log::debug("run_event_not_published",
               {{"run_id", std::string_view(run_id)}, {"event_id", event.id}});
    return;
  }
  const std::string key = feed_events_key(run_id);
  // A last event ends the run only for now: a later one makes the stream live again.
  const auto expiry = event.last ? settings_.expire_after_end : settings_.live_expiry;
  const std::string expiry_ms = std::to_string(expiry.count());
  // A retried publish repeats an id Redis already has; the XADD is then refused and the
  // stream keeps the first copy, which is the same event.
  client_.send({"XADD", key, "MAXLEN", "~", std::to_string(settings_.max_events_per_run),
                feed_stream_id(event.id), "name", std::move(event.name), "data",
                std::move(event.data), "last", event.last ? "1" : "0"});
  client_.send({"PEXPIRE", key, expiry_ms});
  client_.send({"SET", feed_conversation_key(conversation_id), run_id, "PX", expiry_ms});
  client_.send({"PUBLISH", std::string(kRunEventsChannel), run_id});
}

asio::awaitable<Result<std::optional<std::string>>> RedisRunEventFeed::latest_run(
    std::string conversation_id) {
  std::vector<std::string> args{"GET", feed_conversation_key(conversation_id)};
  auto reply = co_await client_.command(std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_nil()) co_return std::optional<std::string>();
  if (reply->type != Reply::Type::string) co_return unexpected_feed_reply("GET");
  co_return std::optional<std::string>(std::move(reply->text));
}

asio::awaitable<Result<std::vector<FeedEvent>>> RedisRunEventFeed::read_after(
    std::string run_id, std::int64_t after_id, std::chrono::milliseconds wait) {
  if (wait <= std::chrono::milliseconds::zero()) co_return co_await read_range(run_id, after_id);

  // Registered before the first read, so an event published between that read and the wait
  // still wakes this reader.
  Waiter waiter(co_await asio::this_coro::executor);
  WaiterRegistration registration(*this, run_id, waiter);
  auto events = co_await read_range(run_id, after_id);
  if (!events || !events->empty()) co_return std::move(events);

  // The timer is set and waited on under the waiter's lock, so a wake-up cannot fall between
  // the two; one that came before makes the wait end at once. Woken (cancelled), timed out or
  // the reader cancelled: each ends in one more read.
  Waiter* const waiting = &waiter;
  auto wait_or_wake = [waiting, wait](auto handler) {
    std::lock_guard lock(waiting->mutex);
    waiting->timer.expires_after(waiting->woken ? std::chrono::milliseconds::zero() : wait);
    waiting->timer.async_wait(std::move(handler));
  };
  using WaitToken = asio::as_tuple_t<asio::use_awaitable_t<>>;
  WaitToken token(asio::use_awaitable);
  co_await asio::async_initiate<WaitToken&, void(boost::system::error_code)>(
      std::move(wait_or_wake), token);
  co_return co_await read_range(run_id, after_id);
}

asio::awaitable<Result<std::int64_t>> RedisRunEventFeed::last_id(std::string run_id) {
  std::vector<std::string> args{"XREVRANGE", feed_events_key(run_id), "+", "-", "COUNT", "1"};
  auto reply = co_await client_.command(std::move(args));
  if (!reply) co_return reply.error();
  auto events = feed_events_from_reply(*reply, "XREVRANGE");
  if (!events) co_return events.error();
  if (events->empty()) co_return std::int64_t{0};
  co_return events->front().id;
}

void RedisRunEventFeed::on_published(std::string_view run_id) {
  std::lock_guard lock(waiters_mutex_);
  auto [first, last] = waiters_.equal_range(std::string(run_id));
  for (auto it = first; it != last; ++it) it->second->wake();
}

asio::awaitable<Result<std::vector<FeedEvent>>> RedisRunEventFeed::read_range(
    const std::string& run_id, std::int64_t after_id) {
  std::vector<std::string> args{"XRANGE",
                                feed_events_key(run_id),
                                feed_stream_id(std::max<std::int64_t>(after_id, 0) + 1),
                                "+",
                                "COUNT",
                                std::string(kFeedReadBatch)};
  auto reply = co_await client_.command(std::move(args));
  if (!reply) co_return reply.error();
  co_return feed_events_from_reply(*reply, "XRANGE");
}

}  // namespace agentd::redis

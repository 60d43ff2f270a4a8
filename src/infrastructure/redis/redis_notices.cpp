#include "infrastructure/redis/redis_notices.h"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <utility>
#include <vector>

#include "infrastructure/logging/log.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

namespace asio = boost::asio;

struct NoticeKindName {
  Notice::Kind kind;
  std::string_view name;
};

constexpr std::array<NoticeKindName, 5> kNoticeKindNames{{
    {Notice::Kind::session_revoked, "session_revoked"},
    {Notice::Kind::api_key_revoked, "api_key_revoked"},
    {Notice::Kind::api_key_changed, "api_key_changed"},
    {Notice::Kind::run_cancel_requested, "run_cancel_requested"},
    {Notice::Kind::user_changed, "user_changed"},
}};

constexpr std::string_view kAckKeyPrefix = "agentd:ack:";
constexpr std::chrono::milliseconds kAckPollInterval{2};
// Long enough for the slowest acknowledgement; the key is of no use after.
constexpr std::string_view kAckKeyLifetimeMs = "60000";

// Unique across replicas and command-line processes publishing at once.
std::string new_ack_key() {
  thread_local std::mt19937_64 random(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key(kAckKeyPrefix);
  for (int word = 0; word < 2; ++word) {
    std::uint64_t bits = random();
    for (int digit = 0; digit < 16; ++digit, bits >>= 4) key += kHex[bits & 0xf];
  }
  return key;
}

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(' ', start), text.size());
    words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

}  // namespace

boost::asio::awaitable<void> RedisNotices::publish(Notice notice) {
  const std::string ack_key = new_ack_key();
  std::string text = format_notice(notice, ack_key);
  std::vector<std::string> command{"PUBLISH", std::string(kNoticesChannel), text};
  auto sent = co_await client_.command(std::move(command));
  if (!sent) {
    // The other replicas see the change only when their caches expire.
    log::warn("notice_not_sent", {{"notice", std::string_view(text)},
                                  {"error", std::string_view(sent.error().message)}});
    co_return;
  }
  // PUBLISH answers how many subscribers it reached: every replica, this one included.
  if (sent->type == Reply::Type::integer && sent->integer > 0) {
    co_await await_acks(ack_key, sent->integer, text);
  }
}

boost::asio::awaitable<void> RedisNotices::await_acks(const std::string& ack_key,
                                                      std::int64_t expected,
                                                      const std::string& text) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + ack_timeout_;
  std::int64_t acknowledged = 0;
  while (true) {
    std::vector<std::string> get{"GET", ack_key};
    auto count = co_await client_.command(std::move(get));
    if (count && count->type == Reply::Type::string) {
      acknowledged = std::strtoll(count->text.c_str(), nullptr, 10);
    }
    if (acknowledged >= expected) co_return;
    if (std::chrono::steady_clock::now() >= deadline) break;
    timer.expires_after(kAckPollInterval);
    auto [stopped] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopped) co_return;  // the server is shutting down
  }
  log::warn("notice_not_acknowledged",
            {{"notice", std::string_view(text)},
             {"acknowledged", acknowledged},
             {"subscribers", expected},
             {"hint", "a replica that did not act on it sees the change when its cache expires"}});
}

std::string format_notice(const Notice& notice, std::string_view ack_key) {
  for (const auto& [kind, name] : kNoticeKindNames) {
    if (kind != notice.kind) continue;
    std::string text = std::string(name) + " " + notice.id;
    if (!ack_key.empty()) text += " " + std::string(ack_key);
    return text;
  }
  return {};
}

std::optional<NoticeMessage> parse_notice(std::string_view text) {
  const auto words = words_of(text);
  if (words.size() < 2 || words.size() > 3) return std::nullopt;
  if (words[1].empty()) return std::nullopt;
  std::string ack_key;
  if (words.size() == 3) {
    if (!words[2].starts_with(kAckKeyPrefix) || words[2].size() == kAckKeyPrefix.size()) {
      return std::nullopt;
    }
    ack_key = std::string(words[2]);
  }
  for (const auto& [kind, name] : kNoticeKindNames) {
    if (name == words[0]) return NoticeMessage{{kind, std::string(words[1])}, std::move(ack_key)};
  }
  return std::nullopt;
}

void acknowledge(RedisClient& client, const NoticeMessage& message) {
  if (message.ack_key.empty()) return;
  // Sent in order on one connection: the count exists before it is given a lifetime.
  client.send({"INCR", message.ack_key});
  client.send({"PEXPIRE", message.ack_key, std::string(kAckKeyLifetimeMs)});
}

}  // namespace agentd::redis

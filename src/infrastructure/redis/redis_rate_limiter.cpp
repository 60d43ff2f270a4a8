#include "infrastructure/redis/redis_rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "infrastructure/logging/log.h"
#include "infrastructure/redis/gcra_script.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

namespace asio = boost::asio;

// An outage fails every request; one warning per interval says so without flooding the log.
constexpr std::chrono::milliseconds kLimiterWarningInterval{5'000};

std::optional<RateLimitDecision> decision_from_reply(const Reply& reply) {
  if (reply.type != Reply::Type::array || reply.elements.size() != 5) return std::nullopt;
  for (const Reply& element : reply.elements) {
    if (element.type != Reply::Type::integer) return std::nullopt;
  }
  RateLimitDecision decision;
  decision.allowed = reply.elements[0].integer == 1;
  decision.limit = static_cast<int>(reply.elements[1].integer);
  decision.remaining = static_cast<int>(reply.elements[2].integer);
  decision.retry_after = std::chrono::microseconds(reply.elements[3].integer);
  decision.reset_after = std::chrono::microseconds(reply.elements[4].integer);
  return decision;
}

std::string_view policy_name(FailPolicy policy) {
  return policy == FailPolicy::open ? "open" : "closed";
}

}  // namespace

RedisRateLimiter::RedisRateLimiter(RedisClient& client, std::string key_prefix,
                                   FailPolicy fail_policy)
    : key_prefix_(std::move(key_prefix)),
      fail_policy_(fail_policy),
      script_(client, gcra_script()) {}

asio::awaitable<RateLimitDecision> RedisRateLimiter::acquire(std::string bucket,
                                                             int limit_per_minute) {
  const std::vector<std::string> keys{key_prefix_ + bucket};
  const std::vector<std::string> args{std::to_string(limit_per_minute)};
  auto reply = co_await script_.run(keys, args);
  if (!reply) co_return decide_without_redis(reply.error(), limit_per_minute);
  auto decision = decision_from_reply(*reply);
  if (!decision) {
    co_return decide_without_redis(Error::internal("unexpected reply to the GCRA script"),
                                   limit_per_minute);
  }
  co_return *decision;
}

RateLimitDecision RedisRateLimiter::decide_without_redis(const Error& error, int limit_per_minute) {
  RateLimitDecision decision;
  decision.limit = std::max(1, limit_per_minute);
  if (fail_policy_ == FailPolicy::open) {
    decision.allowed = true;
    decision.remaining = decision.limit;
    fail_open_count_.fetch_add(1);
  } else {
    decision.allowed = false;
    decision.unavailable = true;
    decision.retry_after = std::chrono::seconds(1);
  }

  const std::uint64_t unwarned = failures_since_warning_.fetch_add(1) + 1;
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now().time_since_epoch())
                                  .count();
  std::int64_t next = next_warning_ms_.load();
  if (now_ms < next ||
      !next_warning_ms_.compare_exchange_strong(next, now_ms + kLimiterWarningInterval.count())) {
    return decision;
  }
  failures_since_warning_.fetch_sub(unwarned);
  log::warn("rate_limiter_unavailable",
            {{"fail_policy", policy_name(fail_policy_)},
             {"error", std::string_view(error.message)},
             {"failures", static_cast<std::int64_t>(unwarned)},
             {"fail_open_count", static_cast<std::int64_t>(fail_open_count_.load())}});
  return decision;
}

}  // namespace agentd::redis

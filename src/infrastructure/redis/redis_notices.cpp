#include "infrastructure/redis/redis_notices.h"

#include <array>
#include <utility>
#include <vector>

#include "infrastructure/logging/log.h"
#include "infrastructure/redis/redis_client.h"

namespace agentd::redis {
namespace {

struct NoticeKindName {
  Notice::Kind kind;
  std::string_view name;
};

constexpr std::array<NoticeKindName, 4> kNoticeKindNames{{
    {Notice::Kind::session_revoked, "session_revoked"},
    {Notice::Kind::api_key_revoked, "api_key_revoked"},
    {Notice::Kind::run_cancel_requested, "run_cancel_requested"},
    {Notice::Kind::user_changed, "user_changed"},
}};

}  // namespace

boost::asio::awaitable<void> RedisNotices::publish(Notice notice) {
  std::string text = format_notice(notice);
  // Awaited: Redis has handed the message to every subscriber's connection when it answers.
  std::vector<std::string> command{"PUBLISH", std::string(kNoticesChannel), text};
  auto sent = co_await client_.command(std::move(command));
  if (!sent) {
    // The other replicas see the change only when their caches expire.
    log::warn("notice_not_sent", {{"notice", std::string_view(text)},
                                  {"error", std::string_view(sent.error().message)}});
  }
}

std::string format_notice(const Notice& notice) {
  for (const auto& [kind, name] : kNoticeKindNames) {
    if (kind == notice.kind) return std::string(name) + " " + notice.id;
  }
  return {};
}

std::optional<Notice> parse_notice(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos || space + 1 == text.size()) return std::nullopt;
  const std::string_view word = text.substr(0, space);
  const std::string_view id = text.substr(space + 1);
  if (id.find(' ') != std::string_view::npos) return std::nullopt;
  for (const auto& [kind, name] : kNoticeKindNames) {
    if (name == word) return Notice{kind, std::string(id)};
  }
  return std::nullopt;
}

}  // namespace agentd::redis

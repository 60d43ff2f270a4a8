#include "domain/conversation/conversation.h"

#include <algorithm>

#include "domain/common/enum_names.h"

namespace agentd {
namespace {

constexpr EnumNames<ConversationStatus, 3> kConversationStatusNames{{{
    {ConversationStatus::idle, "idle"},
    {ConversationStatus::running, "running"},
    {ConversationStatus::awaiting_approval, "awaiting_approval"},
}}};

constexpr EnumNames<Truncation, 2> kTruncationNames{{{
    {Truncation::automatic, "auto"},
    {Truncation::disabled, "disabled"},
}}};

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::string_view to_string(ConversationStatus status) {
  return kConversationStatusNames.name(status);
}

std::optional<ConversationStatus> parse_conversation_status(std::string_view text) {
  return kConversationStatusNames.parse(text);
}

std::string_view to_string(Truncation truncation) { return kTruncationNames.name(truncation); }

std::optional<Truncation> parse_truncation(std::string_view text) {
  return kTruncationNames.parse(text);
}

std::string derive_title(std::string_view first_message) {
  std::string collapsed;
  collapsed.reserve(std::min(first_message.size(), kMaxTitleBytes * 2));
  bool pending_space = false;
  for (unsigned char c : first_message) {
    if (is_space(c)) {
      pending_space = !collapsed.empty();
      continue;
    }
    if (pending_space) collapsed.push_back(' ');
    pending_space = false;
    collapsed.push_back(static_cast<char>(c));
    if (collapsed.size() > kMaxTitleBytes + 4) break;  // enough to know it must be cut
  }
  if (collapsed.size() <= kMaxTitleBytes) return collapsed;

  // Cut on a character boundary, leaving room for the ellipsis.
  std::size_t cut = kMaxTitleBytes - kEllipsis.size();
  while (cut > 0 && is_continuation(static_cast<unsigned char>(collapsed[cut]))) --cut;
  collapsed.resize(cut);
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  collapsed += kEllipsis;
  return collapsed;
}

}  // namespace agentd

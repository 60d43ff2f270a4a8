#include "domain/identity/email.h"

#include <algorithm>
#include <cctype>

namespace agentd {
namespace {

constexpr std::size_t kMaxEmailLength = 254;  // RFC 5321 path limit

bool is_local_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(static_cast<char>(c)) !=
                                std::string_view::npos;
}

bool is_valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos) {
    return false;
  }
  std::size_t label_start = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      auto label = domain.substr(label_start, i - label_start);
      if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
      }
      label_start = i + 1;
      continue;
    }
    auto c = static_cast<unsigned char>(domain[i]);
    if (!std::isalnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

Result<Email> Email::parse(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto invalid = Error::invalid("email is not a valid address", "email", "invalid_email");
  if (lower.empty() || lower.size() > kMaxEmailLength) return invalid;
  auto at = lower.find('@');
  if (at == std::string::npos || at == 0 || lower.find('@', at + 1) != std::string::npos) {
    return invalid;
  }
  std::string_view local = std::string_view(lower).substr(0, at);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos ||
      !std::all_of(local.begin(), local.end(),
                   [](char c) { return is_local_char(static_cast<unsigned char>(c)); })) {
    return invalid;
  }
  if (!is_valid_domain(std::string_view(lower).substr(at + 1))) return invalid;
  return Email(std::move(lower));
}

}  // namespace agentd

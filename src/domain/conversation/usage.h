// Tokens a model call (or a whole run) consumed.
#pragma once

#include <cstdint>

namespace agentd {

struct Usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  // The part of prompt_tokens the provider read from its prompt cache (priced lower).
  std::int64_t cached_tokens = 0;

  Usage& operator+=(const Usage& other) {
    prompt_tokens += other.prompt_tokens;
    completion_tokens += other.completion_tokens;
    total_tokens += other.total_tokens;
    cached_tokens += other.cached_tokens;
    return *this;
  }
  bool operator==(const Usage&) const = default;
};

}  // namespace agentd

#include "domain/usage/model_price.h"

#include <algorithm>
#include <cmath>

namespace agentd {

std::int64_t cost_nanos(const ModelPrice& price, const Usage& usage) {
  // P USD per million tokens is P × 1,000 nano-USD per token.
  constexpr double kNanosPerTokenPerUsdPerMillion = kNanosPerUsd / 1e6;
  const auto cached = std::clamp<std::int64_t>(usage.cached_tokens, 0, usage.prompt_tokens);
  const double cached_price = price.cached_input_per_million.value_or(price.input_per_million);
  const double nanos =
      (static_cast<double>(usage.prompt_tokens - cached) * price.input_per_million +
       static_cast<double>(cached) * cached_price +
       static_cast<double>(usage.completion_tokens) * price.output_per_million) *
      kNanosPerTokenPerUsdPerMillion;
  return std::llround(nanos);
}

}  // namespace agentd

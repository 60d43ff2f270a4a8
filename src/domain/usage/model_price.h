// What a model's tokens cost, in USD per million, and the cost of one call's usage.
#pragma once

#include <cstdint>
#include <optional>

#include "domain/conversation/usage.h"

namespace agentd {

struct ModelPrice {
  double input_per_million = 0;
  double output_per_million = 0;
  // Cached prompt tokens; without it they cost what other input tokens cost.
  std::optional<double> cached_input_per_million;
};

// Costs are kept in nano-USD integers so sums over millions of calls stay exact.
inline constexpr double kNanosPerUsd = 1e9;

// The cost of `usage` in nano-USD, rounded to the nearest.
std::int64_t cost_nanos(const ModelPrice& price, const Usage& usage);

}  // namespace agentd

// A run's token ratio is stored in thousandths, as an integer: both databases bind integers.
#pragma once

#include <cmath>
#include <cstdint>

namespace agentd::persistence {

inline std::int64_t token_ratio_milli(double ratio) {
  return static_cast<std::int64_t>(std::llround(ratio * 1000));
}

inline double token_ratio_of_milli(std::int64_t milli) { return static_cast<double>(milli) / 1000; }

}  // namespace agentd::persistence

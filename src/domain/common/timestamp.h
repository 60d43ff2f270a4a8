// A point in time, as every layer stores and compares it.
#pragma once

#include <chrono>

namespace agentd {

using Timestamp = std::chrono::system_clock::time_point;

}  // namespace agentd

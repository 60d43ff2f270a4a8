// Feeds arbitrary bytes to the calculator: every input must end in a finite value or a
// tool_error, never a crash, a hang, a leak or undefined behaviour.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "infrastructure/tools/builtin/calculator_tool.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view expression(reinterpret_cast<const char*>(data), size);
  const auto value = agentd::evaluate_expression(expression);
  if (value) {
    // NaN and infinity are reported as errors, so a value is always a number JSON can hold.
    if (!std::isfinite(*value)) __builtin_trap();
  } else if (value.error().code != "tool_error" || value.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}

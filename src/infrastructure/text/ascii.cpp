#include "infrastructure/text/ascii.h"

namespace agentd {

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

}  // namespace agentd

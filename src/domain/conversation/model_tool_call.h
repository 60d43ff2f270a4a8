// A tool call as a model asked for it: kept verbatim, so history sent back is what it wrote.
#pragma once

#include <string>

namespace agentd {

struct ModelToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text, as the model wrote it

  bool operator==(const ModelToolCall&) const = default;
};

}  // namespace agentd

// Opaque, time-ordered identifiers (UUIDv7), so "newest first" is "largest id first".
#pragma once

#include <string>

namespace agentd {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual std::string new_id() = 0;
};

}  // namespace agentd

// RFC 9562 UUIDv7 identifiers: a millisecond timestamp first, so ids sort by creation time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "application/ports/id_generator.h"

namespace agentd {

class UuidV7Generator : public IdGenerator {
 public:
  UuidV7Generator();

  // Strictly increasing within this generator, even for ids made in the same millisecond
  // or after the system clock steps back.
  std::string new_id() override;

 private:
  std::mutex mutex_;
  std::int64_t last_ms_ = 0;
  std::uint16_t counter_ = 0;  // the 12-bit rand_a field, used as a per-millisecond counter
  std::array<unsigned char, 512> random_pool_{};
  std::size_t random_used_ = random_pool_.size();  // all used: the first id fills the pool
};

}  // namespace agentd

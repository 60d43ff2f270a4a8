#include "infrastructure/security/uuid_v7_generator.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "infrastructure/security/sodium_init.h"

namespace agentd {
namespace {

constexpr std::uint16_t kCounterMax = 0x0FFF;
// A fresh millisecond starts its counter below half the range, leaving at least 2048 ids
// before the counter would borrow the next millisecond (RFC 9562 §6.2, method 1).
constexpr std::uint16_t kCounterSeedMask = 0x07FF;

std::int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format(const std::array<unsigned char, 16>& bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0F]);
  }
  return text;
}

}  // namespace

UuidV7Generator::UuidV7Generator() { ensure_sodium(); }

std::string UuidV7Generator::new_id() {
  std::array<unsigned char, 16> bytes{};
  std::int64_t ms = 0;
  std::uint16_t counter = 0;
  {
    std::lock_guard lock(mutex_);
    // Random bytes are drawn from the OS in batches: one system call per 32 ids, not per id.
    if (random_used_ == random_pool_.size()) {
      randombytes_buf(random_pool_.data(), random_pool_.size());
      random_used_ = 0;
    }
    std::copy_n(random_pool_.begin() + static_cast<std::ptrdiff_t>(random_used_), bytes.size(),
                bytes.begin());
    random_used_ += bytes.size();
    const std::int64_t now = unix_millis();
    if (now > last_ms_) {
      last_ms_ = now;
      counter_ = static_cast<std::uint16_t>(((bytes[6] << 8) | bytes[7]) & kCounterSeedMask);
    } else if (counter_ < kCounterMax) {
      ++counter_;  // same millisecond, or the clock stepped back: keep the last one
    } else {
      ++last_ms_;  // counter exhausted: borrow the next millisecond
      counter_ = 0;
    }
    ms = last_ms_;
    counter = counter_;
  }

  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  bytes[6] = static_cast<unsigned char>(0x70 | (counter >> 8));  // version 7
  bytes[7] = static_cast<unsigned char>(counter & 0xFF);
  bytes[8] = static_cast<unsigned char>(0x80 | (bytes[8] & 0x3F));  // variant 10xx
  return format(bytes);
}

}  // namespace agentd

#include "infrastructure/security/uuid_v7_generator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace agentd {
namespace {

std::int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t embedded_millis(const std::string& id) {
  return std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
}

TEST(UuidV7Generator, HasTheVersion7AndVariantLayout) {
  UuidV7Generator ids;
  const std::regex layout("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) {
    auto id = ids.new_id();
    EXPECT_TRUE(std::regex_match(id, layout)) << id;
  }
}

TEST(UuidV7Generator, StartsWithTheCurrentUnixMillisecond) {
  UuidV7Generator ids;
  const auto before = unix_millis();
  auto id = ids.new_id();
  const auto after = unix_millis();
  EXPECT_GE(embedded_millis(id), before);
  EXPECT_LE(embedded_millis(id), after);
}

TEST(UuidV7Generator, IdsIncreaseStrictlyEvenWithinOneMillisecond) {
  UuidV7Generator ids;
  std::string previous = ids.new_id();
  for (int i = 0; i < 20'000; ++i) {
    auto id = ids.new_id();
    ASSERT_LT(previous, id);
    previous = std::move(id);
  }
}

TEST(UuidV7Generator, EveryIdGetsFreshRandomBitsAcrossPoolRefills) {
  // The last 12 hex digits are random only; a byte reused from the pool would repeat them.
  UuidV7Generator ids;
  std::set<std::string> tails;
  for (int i = 0; i < 200; ++i) tails.insert(ids.new_id().substr(24));
  EXPECT_EQ(tails.size(), 200u);
}

TEST(UuidV7Generator, ConcurrentCallersGetDistinctIds) {
  UuidV7Generator ids;
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  threads.reserve(made.size());
  for (auto& list : made) {
    threads.emplace_back([&ids, &list] {
      for (int i = 0; i < 2'000; ++i) list.push_back(ids.new_id());
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> unique;
  for (const auto& list : made) unique.insert(list.begin(), list.end());
  EXPECT_EQ(unique.size(), 8'000u);
}

}  // namespace
}  // namespace agentd

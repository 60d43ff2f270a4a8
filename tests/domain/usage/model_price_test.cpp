#include "domain/usage/model_price.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

TEST(ModelPrice, InputAndOutputTokensCostTheirPricePerMillion) {
  // 1,000 input tokens at $0.15/M and 500 output tokens at $0.60/M: $0.00015 + $0.0003.
  const ModelPrice price{0.15, 0.60, std::nullopt};
  EXPECT_EQ(cost_nanos(price, Usage{1'000, 500, 1'500, 0}), 450'000);
}

TEST(ModelPrice, CachedTokensCostTheCachedPrice) {
  // 400 of the 1,000 prompt tokens came from the cache, at a tenth of the price.
  const ModelPrice price{3.0, 15.0, 0.3};
  EXPECT_EQ(cost_nanos(price, Usage{1'000, 0, 1'000, 400}), 600 * 3'000 + 400 * 300);
}

TEST(ModelPrice, WithoutACachedPriceCachedTokensCostAsInput) {
  const ModelPrice price{2.0, 8.0, std::nullopt};
  EXPECT_EQ(cost_nanos(price, Usage{1'000, 0, 1'000, 400}), 1'000 * 2'000);
}

TEST(ModelPrice, ACachedCountAboveThePromptCountsNoMoreThanThePrompt) {
  const ModelPrice price{2.0, 8.0, 0.0};
  EXPECT_EQ(cost_nanos(price, Usage{100, 0, 100, 5'000}), 0);
}

}  // namespace
}  // namespace agentd

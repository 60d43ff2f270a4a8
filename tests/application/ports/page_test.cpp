// page_after: the cursor rule every in-memory list follows — a page starts after the item
// the cursor names, and a cursor that names no item is refused.
#include "application/ports/page.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agentd {
namespace {

const std::vector<std::string> kListed{"e", "d", "c", "b", "a"};

Result<Page<std::string>> page_of(int limit, std::optional<std::string> after) {
  return page_after(kListed, limit, after, [](const std::string& item) { return item; });
}

TEST(PageAfter, WithoutACursorTheFirstItemsComeWithHasMore) {
  auto page = page_of(2, std::nullopt);

  ASSERT_TRUE(page);
  EXPECT_EQ(page->items, (std::vector<std::string>{"e", "d"}));
  EXPECT_TRUE(page->has_more);
}

TEST(PageAfter, StartsAfterTheItemTheCursorNames) {
  auto page = page_of(2, "d");

  ASSERT_TRUE(page);
  EXPECT_EQ(page->items, (std::vector<std::string>{"c", "b"}));
  EXPECT_TRUE(page->has_more);
}

TEST(PageAfter, PageThatReachesTheEndHasNoMore) {
  auto exact = page_of(2, "c");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->items, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(exact->has_more);

  auto past_the_end = page_of(2, "a");
  ASSERT_TRUE(past_the_end);
  EXPECT_TRUE(past_the_end->items.empty());
  EXPECT_FALSE(past_the_end->has_more);
}

TEST(PageAfter, CursorThatNamesNoItemIsInvalid) {
  auto page = page_of(2, "zz");

  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(page.error().code, "invalid_cursor");
  EXPECT_EQ(page.error().param, "after");
}

}  // namespace
}  // namespace agentd

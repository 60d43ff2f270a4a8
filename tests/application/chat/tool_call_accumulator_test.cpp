#include "application/chat/tool_call_accumulator.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

ToolCallDelta fragment(int index, std::optional<std::string> id, std::optional<std::string> name,
                       std::string arguments) {
  return {index, std::move(id), std::move(name), std::move(arguments)};
}

TEST(ToolCallAccumulator, EmptyUntilTheFirstFragment) {
  ToolCallAccumulator calls;
  EXPECT_TRUE(calls.empty());
  EXPECT_TRUE(calls.calls().empty());
  calls.add(fragment(0, "call_1", "f", ""));
  EXPECT_FALSE(calls.empty());
}

TEST(ToolCallAccumulator, ConcatenatesArgumentPiecesOfOneIndex) {
  ToolCallAccumulator calls;
  calls.add(fragment(0, "call_1", "get_weather", ""));
  calls.add(fragment(0, std::nullopt, std::nullopt, R"({"ci)"));
  calls.add(fragment(0, std::nullopt, std::nullopt, R"(ty":"Pa)"));
  calls.add(fragment(0, std::nullopt, std::nullopt, R"(ris"})"));
  const auto result = calls.calls();
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].id, "call_1");
  EXPECT_EQ(result[0].name, "get_weather");
  EXPECT_EQ(result[0].arguments, R"({"city":"Paris"})");
}

TEST(ToolCallAccumulator, InterleavedCallsComeOutInIndexOrder) {
  ToolCallAccumulator calls;
  calls.add({fragment(1, "call_b", "second", "{\"b\""), fragment(0, "call_a", "first", "{")});
  calls.add(fragment(0, std::nullopt, std::nullopt, "}"));
  calls.add(fragment(1, std::nullopt, std::nullopt, ":2}"));
  calls.add(fragment(2, "call_c", "third", "{}"));
  const auto result = calls.calls();
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0].id, "call_a");
  EXPECT_EQ(result[0].arguments, "{}");
  EXPECT_EQ(result[1].id, "call_b");
  EXPECT_EQ(result[1].name, "second");
  EXPECT_EQ(result[1].arguments, R"({"b":2})");
  EXPECT_EQ(result[2].name, "third");
}

TEST(ToolCallAccumulator, LaterEmptyIdOrNameDoesNotEraseTheFirst) {
  ToolCallAccumulator calls;
  calls.add(fragment(0, "call_1", "lookup", "{"));
  calls.add(fragment(0, "", "", "}"));
  calls.add(fragment(0, "call_1", "lookup", ""));  // servers that repeat them on every piece
  const auto result = calls.calls();
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0].id, "call_1");
  EXPECT_EQ(result[0].name, "lookup");
  EXPECT_EQ(result[0].arguments, "{}");
}

}  // namespace
}  // namespace agentd

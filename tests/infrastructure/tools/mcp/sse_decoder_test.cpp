#include "infrastructure/tools/mcp/sse_decoder.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

std::vector<SseEvent> feed_all(SseDecoder& decoder,
                               std::initializer_list<std::string_view> pieces) {
  std::vector<SseEvent> events;
  for (auto piece : pieces) {
    auto decoded = decoder.feed(piece);
    EXPECT_TRUE(decoded.ok());
    for (auto& event : *decoded) events.push_back(std::move(event));
  }
  return events;
}

TEST(McpSseDecoder, EventsSplitAcrossPiecesComeOutWhole) {
  SseDecoder decoder;
  auto events = feed_all(decoder, {"event: mess", "age\nid: 4\nda", "ta: {\"a\":1}\n", "\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "message");
  EXPECT_EQ(events[0].id, "4");
  EXPECT_EQ(events[0].data, "{\"a\":1}");
}

TEST(McpSseDecoder, CrLfLinesAndMultiLineDataAreHandled) {
  SseDecoder decoder;
  auto events = feed_all(decoder, {"data: one\r", "\ndata: two\r\n\r\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "one\ntwo");
}

TEST(McpSseDecoder, CommentsAndEventsWithoutDataAreDropped) {
  SseDecoder decoder;
  auto events = feed_all(decoder, {": keep-alive\n\nevent: ping\n\ndata: x\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "message");
  EXPECT_EQ(events[0].data, "x");
}

TEST(McpSseDecoder, SeveralEventsInOnePiece) {
  SseDecoder decoder;
  auto events = feed_all(decoder, {"data: 1\n\ndata: 2\n\n"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data, "1");
  EXPECT_EQ(events[1].data, "2");
}

}  // namespace
}  // namespace agentd

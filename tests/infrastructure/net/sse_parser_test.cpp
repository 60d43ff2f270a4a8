// The one Server-Sent Events parser, as the model providers and MCP servers use it.
#include "infrastructure/net/sse_parser.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

#include "infrastructure/llm/recorded_streams.h"

namespace agentd::net {

// Failures show the event, not its bytes.
void PrintTo(const SseEvent& event, std::ostream* out) {
  *out << "{event: \"" << event.event << "\", data: \"" << event.data << "\", id: \"" << event.id
       << "\"}";
}

namespace {

namespace recorded = llm::recorded;

constexpr std::size_t kOneMebibyte = std::size_t{1} << 20;

// Feeds the pieces in order, then ends the stream; fails the test on a parse error.
std::vector<SseEvent> parse_pieces(std::initializer_list<std::string_view> pieces,
                                   bool finish = true) {
  SseParser parser(kOneMebibyte);
  std::vector<SseEvent> events;
  for (const auto piece : pieces) {
    auto fed = parser.feed(piece);
    EXPECT_TRUE(fed.ok()) << fed.error().message;
    if (!fed) return events;
    events.insert(events.end(), fed->begin(), fed->end());
  }
  if (finish) {
    auto rest = parser.finish();
    EXPECT_TRUE(rest.ok());
    if (rest) events.insert(events.end(), rest->begin(), rest->end());
  }
  return events;
}

std::vector<SseEvent> parse(std::string_view bytes) { return parse_pieces({bytes}); }

std::vector<std::string> data_of(const std::vector<SseEvent>& events) {
  std::vector<std::string> data;
  data.reserve(events.size());
  for (const auto& event : events) data.push_back(event.data);
  return data;
}

std::string with_line_endings(std::string_view text, std::string_view ending) {
  std::string result;
  for (const char c : text) {
    if (c == '\n') {
      result += ending;
    } else {
      result += c;
    }
  }
  return result;
}

TEST(SseParser, BlankLineDispatchesTheEvent) {
  SseParser parser(kOneMebibyte);
  auto first = parser.feed("event: greeting\ndata: hello\nid: 7\n");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->empty());

  auto second = parser.feed("\n");
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front(), (SseEvent{"greeting", "hello", "7"}));
}

TEST(SseParser, MultiLineDataIsJoinedWithNewlines) {
  EXPECT_EQ(parse("data: first\ndata: second\ndata:\ndata: fourth\n\n"),
            (std::vector<SseEvent>{{"", "first\nsecond\n\nfourth", ""}}));
}

TEST(SseParser, CommentLinesAreIgnored) {
  EXPECT_EQ(parse(": keep-alive\n\n:another\ndata: x\n: between\ndata: y\n\n"),
            (std::vector<SseEvent>{{"", "x\ny", ""}}));
}

TEST(SseParser, OnlyOneSpaceAfterTheColonIsDropped) {
  EXPECT_EQ(data_of(parse("data:tight\n\ndata:  two spaces\n\ndata:\tTab\n\n")),
            (std::vector<std::string>{"tight", " two spaces", "\tTab"}));
}

TEST(SseParser, UnknownFieldsAndRetryAreIgnored) {
  EXPECT_EQ(parse("retry: 3000\nfoo: bar\nDATA: shouting\ndata: kept\n\n"),
            (std::vector<SseEvent>{{"", "kept", ""}}));
}

TEST(SseParser, LineWithoutColonIsAFieldWithAnEmptyValue) {
  EXPECT_EQ(parse("data\n\n"), (std::vector<SseEvent>{{"", "", ""}}));
}

TEST(SseParser, EventWithoutDataIsNotDispatched) { EXPECT_TRUE(parse("event: ping\n\n").empty()); }

TEST(SseParser, UnnamedEventIsOfTypeMessage) {
  const auto events = parse("data: 1\n\nevent: message\ndata: 2\n\nevent: ping\ndata: 3\n\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type(), "message");
  EXPECT_EQ(events[1].type(), "message");
  EXPECT_EQ(events[2].type(), "ping");
}

TEST(SseParser, EventNameAppliesToOneEventOnly) {
  EXPECT_EQ(parse("event: first\ndata: 1\n\ndata: 2\n\n"),
            (std::vector<SseEvent>{{"first", "1", ""}, {"", "2", ""}}));
  // A name set by a block without data does not leak into the next event either.
  EXPECT_EQ(parse("event: lost\n\ndata: 3\n\n"), (std::vector<SseEvent>{{"", "3", ""}}));
}

TEST(SseParser, IdIsKeptForLaterEventsUntilChanged) {
  EXPECT_EQ(parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n"),
            (std::vector<SseEvent>{{"", "a", "1"}, {"", "b", "1"}, {"", "c", "2"}, {"", "d", ""}}));
}

TEST(SseParser, IdContainingNulIsIgnored) {
  using namespace std::string_view_literals;
  EXPECT_EQ(parse("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"sv),
            (std::vector<SseEvent>{{"", "a", "1"}, {"", "b", "1"}}));
}

TEST(SseParser, CrLfAndCrEndLinesLikeLf) {
  const std::vector<SseEvent> expected{{"e", "a\nb", ""}, {"", "c", ""}};
  EXPECT_EQ(parse("event: e\r\ndata: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"), expected);
  EXPECT_EQ(parse("event: e\rdata: a\rdata: b\r\rdata: c\r\r"), expected);
  EXPECT_EQ(parse("event: e\ndata: a\r\ndata: b\r\rdata: c\n\n"), expected);
}

TEST(SseParser, CrLfSplitAcrossChunksIsOneLineEnding) {
  // Were the "\n" read as a line of its own, "a" and "b" would be two events.
  EXPECT_EQ(parse_pieces({"data: a\r", "\ndata: b\r", "\n\r", "\n"}),
            (std::vector<SseEvent>{{"", "a\nb", ""}}));
}

TEST(SseParser, CrAtTheEndOfAChunkFollowedByTextEndsTheLine) {
  EXPECT_EQ(parse_pieces({"data: a\r", "data: b\r", "\r"}),
            (std::vector<SseEvent>{{"", "a\nb", ""}}));
}

TEST(SseParser, FinalEventWithoutBlankLineWaitsForFinish) {
  SseParser parser(kOneMebibyte);
  auto fed = parser.feed("data: done\n\ndata: last");
  ASSERT_TRUE(fed.ok());
  EXPECT_EQ(data_of(*fed), (std::vector<std::string>{"done"}));

  auto rest = parser.finish();
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(data_of(*rest), (std::vector<std::string>{"last"}));
}

TEST(SseParser, FinalEventEndedByOneLineBreakAlsoWaitsForFinish) {
  SseParser parser(kOneMebibyte);
  auto fed = parser.feed("data: last\n");
  ASSERT_TRUE(fed.ok());
  EXPECT_TRUE(fed->empty());
  auto rest = parser.finish();
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(data_of(*rest), (std::vector<std::string>{"last"}));
}

TEST(SseParser, FinishWithNothingPendingYieldsNothing) {
  SseParser parser(kOneMebibyte);
  ASSERT_TRUE(parser.feed("data: a\n\n: trailing comment\n").ok());
  auto rest = parser.finish();
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->empty());
}

TEST(SseParser, LeadingByteOrderMarkIsStripped) {
  EXPECT_EQ(parse("\xEF\xBB\xBF"
                  "data: a\n\n"),
            (std::vector<SseEvent>{{"", "a", ""}}));
  EXPECT_EQ(parse_pieces({"\xEF", "\xBB",
                          "\xBF"
                          "da",
                          "ta: a\n\n"}),
            (std::vector<SseEvent>{{"", "a", ""}}));
}

TEST(SseParser, LineLongerThanTheLimitFailsTheStream) {
  SseParser parser(16);
  ASSERT_TRUE(parser.feed("data: 0123456789").ok());  // exactly 16 bytes, still unterminated
  auto fed = parser.feed("X");
  ASSERT_FALSE(fed.ok());
  EXPECT_EQ(fed.error().kind, ErrorCode::bad_gateway);
  EXPECT_EQ(fed.error().code, "upstream_response_too_large");
  // The stream stays failed: the parser has lost its place.
  EXPECT_FALSE(parser.feed("\n\n").ok());
  EXPECT_FALSE(parser.finish().ok());
}

TEST(SseParser, EventDataLargerThanTheLimitFailsTheStream) {
  SseParser parser(16);
  ASSERT_TRUE(parser.feed("data: 12345\ndata: 12345\n").ok());  // 11 bytes of data so far
  auto fed = parser.feed("data: 123456\n");
  ASSERT_FALSE(fed.ok());
  EXPECT_EQ(fed.error().code, "upstream_response_too_large");
}

TEST(SseParser, LimitIsTheOneGivenEvenWhenLarge) {
  SseParser parser(kOneMebibyte);
  const std::string half(kOneMebibyte / 2, 'a');
  auto fed = parser.feed("data: " + half + "\n\n");
  ASSERT_TRUE(fed.ok());
  ASSERT_EQ(fed->size(), 1u);
  EXPECT_EQ(fed->front().data.size(), half.size());

  auto huge = parser.feed("data: " + std::string(kOneMebibyte, 'a'));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, "upstream_response_too_large");
}

// How MCP servers stream their answers (formerly the MCP transport's own decoder's tests).

TEST(SseParser, McpEventsSplitAcrossPiecesComeOutWhole) {
  const auto events = parse_pieces({"event: mess", "age\nid: 4\nda", "ta: {\"a\":1}\n", "\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "message");
  EXPECT_EQ(events[0].id, "4");
  EXPECT_EQ(events[0].data, "{\"a\":1}");
}

TEST(SseParser, McpCrLfLinesAndMultiLineDataAreHandled) {
  const auto events = parse_pieces({"data: one\r", "\ndata: two\r\n\r\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "one\ntwo");
}

TEST(SseParser, McpCommentsAndEventsWithoutDataAreDropped) {
  const auto events = parse(": keep-alive\n\nevent: ping\n\ndata: x\n\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "message");
  EXPECT_EQ(events[0].data, "x");
}

TEST(SseParser, McpSeveralEventsInOnePiece) {
  SseParser parser(kOneMebibyte);
  auto events = parser.feed("data: 1\n\ndata: 2\n\n");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].data, "1");
  EXPECT_EQ((*events)[1].data, "2");
}

TEST(SseRecordedStreams, OpenAiStreamYieldsEveryChunkThenDone) {
  const auto events = parse(recorded::kOpenAiToolCallStream);
  ASSERT_EQ(events.size(), 9u);
  for (const auto& event : events) EXPECT_EQ(event.event, "");
  EXPECT_TRUE(events[0].data.starts_with(R"({"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")"));
  EXPECT_NE(events[2].data.find(R"("arguments":"location")"), std::string::npos);
  EXPECT_NE(events[7].data.find(R"("total_tokens":99)"), std::string::npos);
  EXPECT_EQ(events[8].data, "[DONE]");
}

TEST(SseRecordedStreams, AnthropicStreamYieldsEveryNamedEvent) {
  const auto events = parse(recorded::kAnthropicTextThenTwoToolsStream);
  std::vector<std::string> names;
  names.reserve(events.size());
  for (const auto& event : events) names.push_back(event.event);
  EXPECT_EQ(names,
            (std::vector<std::string>{
                "message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_stop", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop"}));
  EXPECT_EQ(events[2].data, R"({"type": "ping"})");
  EXPECT_EQ(events[16].data, R"({"type":"message_stop"})");
}

struct SplitCase {
  std::string name;
  std::string_view stream;  // with "\n" line endings
  std::string_view ending;  // the line ending the case uses instead

  std::string bytes() const { return with_line_endings(stream, ending); }
  // Whatever the line ending, the events are those of the "\n" original read at once.
  std::vector<SseEvent> expected() const { return parse(stream); }
};

void PrintTo(const SplitCase& split_case, std::ostream* out) { *out << split_case.name; }

class SseSplitStream : public ::testing::TestWithParam<SplitCase> {};

TEST_P(SseSplitStream, EverySplitPointYieldsTheSameEvents) {
  const auto bytes = GetParam().bytes();
  const auto expected = GetParam().expected();
  ASSERT_FALSE(expected.empty());
  const std::string_view view = bytes;
  for (std::size_t i = 0; i <= bytes.size(); ++i) {
    ASSERT_EQ(parse_pieces({view.substr(0, i), view.substr(i)}), expected) << "split at byte " << i;
  }
}

TEST_P(SseSplitStream, OneByteAtATimeYieldsTheSameEvents) {
  const auto bytes = GetParam().bytes();
  SseParser parser(kOneMebibyte);
  std::vector<SseEvent> events;
  for (const char byte : bytes) {
    auto fed = parser.feed(std::string_view(&byte, 1));
    ASSERT_TRUE(fed.ok());
    events.insert(events.end(), fed->begin(), fed->end());
  }
  auto rest = parser.finish();
  ASSERT_TRUE(rest.ok());
  events.insert(events.end(), rest->begin(), rest->end());
  EXPECT_EQ(events, GetParam().expected());
}

constexpr std::string_view kEveryFeatureStream =
    "\xEF\xBB\xBF: comment\nid: 1\nevent: a\ndata: x\ndata:y\nretry: 5\n\ndata\n\n"
    "event: no-data\n\ndata: tail";

TEST(SseParser, EveryFeatureStreamReadsAsSpecified) {
  EXPECT_EQ(parse(kEveryFeatureStream),
            (std::vector<SseEvent>{{"a", "x\ny", "1"}, {"", "", "1"}, {"", "tail", "1"}}));
}

std::vector<SplitCase> split_cases() {
  std::vector<SplitCase> cases;
  for (const auto& [stream_name, stream] :
       {std::pair{"OpenAiToolCall", recorded::kOpenAiToolCallStream},
        std::pair{"AnthropicTextThenTwoTools", recorded::kAnthropicTextThenTwoToolsStream},
        std::pair{"EveryFeature", kEveryFeatureStream}}) {
    for (const auto& [ending_name, ending] :
         {std::pair{"Lf", "\n"}, std::pair{"CrLf", "\r\n"}, std::pair{"Cr", "\r"}}) {
      cases.push_back({std::string(stream_name) + ending_name, stream, ending});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(RecordedStreams, SseSplitStream, ::testing::ValuesIn(split_cases()),
                         [](const auto& test) { return test.param.name; });

}  // namespace
}  // namespace agentd::net

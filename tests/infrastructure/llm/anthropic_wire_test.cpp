#include "infrastructure/llm/anthropic_wire.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "application/chat/tool_call_accumulator.h"
#include "infrastructure/llm/chat_builders.h"
#include "infrastructure/llm/provider_error.h"
#include "infrastructure/llm/recorded_streams.h"
#include "infrastructure/llm/sse_chat_stream.h"

namespace agentd::llm {
namespace {

namespace json = boost::json;

using fixtures::message;
using fixtures::parse_json;
using fixtures::tool_result;

ChatRequest anthropic_request(std::vector<ChatMessage> messages) {
  return fixtures::request_for("claude-sonnet-4-20250514", std::move(messages));
}

ChatRequest anthropic_request_with_tool() {
  auto request = anthropic_request({message("user", "Hi")});
  request.tools = {{"get_weather", "", {}}};
  return request;
}

// --- Request -------------------------------------------------------------------------------

TEST(AnthropicRequest, MinimalRequestGetsTheDefaultMaxTokens) {
  EXPECT_EQ(json::value(
                to_anthropic_json(anthropic_request({message("user", "Hi")}), Streaming::no, 1024)),
            parse_json(R"({"model":"claude-sonnet-4-20250514","max_tokens":1024,
                           "messages":[{"role":"user","content":"Hi"}]})"));
}

TEST(AnthropicRequest, RequestedMaxTokensWinOverTheDefault) {
  auto request = anthropic_request({message("user", "Hi")});
  request.max_tokens = 300;
  EXPECT_EQ(to_anthropic_json(request, Streaming::no, 1024).at("max_tokens"), 300);
}

TEST(AnthropicRequest, SystemMessagesBecomeOneTopLevelSystem) {
  auto developer = message("developer", "");
  developer.content_parts = parse_json(R"([{"type":"text","text":"Answer in French."}])");
  const auto body = to_anthropic_json(
      anthropic_request({message("system", "You are terse."), message("user", "Hi"), developer}),
      Streaming::no, 1024);
  EXPECT_EQ(body.at("system"), "You are terse.\n\nAnswer in French.");
  EXPECT_EQ(body.at("messages"), parse_json(R"([{"role":"user","content":"Hi"}])"));
}

TEST(AnthropicRequest, AssistantToolCallsBecomeToolUseBlocksAfterTheText) {
  auto assistant = message("assistant", "Checking both.");
  assistant.tool_calls = {{"toolu_1", "get_weather", R"({"location":"Paris"})"},
                          {"toolu_2", "get_time", R"({"zone":"CET"})"}};
  const auto body =
      to_anthropic_json(anthropic_request({message("user", "Hi"), assistant}), Streaming::no, 1024);
  EXPECT_EQ(body.at("messages").at(1), parse_json(R"({"role":"assistant","content":[
    {"type":"text","text":"Checking both."},
    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}},
    {"type":"tool_use","id":"toolu_2","name":"get_time","input":{"zone":"CET"}}]})"));
}

TEST(AnthropicRequest, AssistantWithoutTextSendsNoEmptyTextBlock) {
  auto assistant = message("assistant", "");
  assistant.tool_calls = {{"toolu_1", "get_weather", R"({"location":"Paris"})"}};
  const auto body = to_anthropic_json(anthropic_request({assistant}), Streaming::no, 1024);
  EXPECT_EQ(body.at("messages").at(0).at("content"), parse_json(R"([
    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}}])"));
}

TEST(AnthropicRequest, ToolUseInputIsAnEmptyObjectWhenArgumentsAreEmptyOrInvalid) {
  for (const auto* arguments : {"", "not json", "[1,2]", "{\"unterminated\":"}) {
    auto assistant = message("assistant", "");
    assistant.tool_calls = {{"toolu_1", "f", arguments}};
    const auto body = to_anthropic_json(anthropic_request({assistant}), Streaming::no, 1024);
    EXPECT_EQ(body.at("messages").at(0).at("content").at(0).at("input"), json::object())
        << arguments;
  }
}

TEST(AnthropicRequest, ConsecutiveToolResultsShareOneUserMessage) {
  auto assistant = message("assistant", "");
  assistant.tool_calls = {{"toolu_1", "get_weather", "{}"}, {"toolu_2", "get_time", "{}"}};
  const auto body = to_anthropic_json(
      anthropic_request({message("user", "Weather and time?"), assistant,
                         tool_result("toolu_1", "21C"), tool_result("toolu_2", "14:00"),
                         message("user", "Thanks"), tool_result("toolu_3", "late")}),
      Streaming::no, 1024);
  const auto& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[2], parse_json(R"({"role":"user","content":[
    {"type":"tool_result","tool_use_id":"toolu_1","content":"21C"},
    {"type":"tool_result","tool_use_id":"toolu_2","content":"14:00"}]})"));
  EXPECT_EQ(messages[3], parse_json(R"({"role":"user","content":"Thanks"})"));
  // A tool result after a user message starts a user message of its own.
  EXPECT_EQ(messages[4], parse_json(R"({"role":"user","content":[
    {"type":"tool_result","tool_use_id":"toolu_3","content":"late"}]})"));
}

TEST(AnthropicRequest, ImagePartsBecomeImageBlocks) {
  auto user = message("user", "");
  user.content_parts = parse_json(R"([{"type":"text","text":"Compare"},
    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
    {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"high"}}])");
  const auto body = to_anthropic_json(anthropic_request({user}), Streaming::no, 1024);
  EXPECT_EQ(body.at("messages").at(0).at("content"), parse_json(R"([
    {"type":"text","text":"Compare"},
    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
    {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}])"));
}

TEST(AnthropicRequest, ToolsBecomeNameDescriptionAndInputSchema) {
  auto request = anthropic_request({message("user", "Hi")});
  request.tools = {
      {"get_weather", "Current weather",
       parse_json(
           R"({"type":"object","properties":{"location":{"type":"string"}},"required":["location"]})")
           .as_object()},
      {"get_time", "", {}}};
  EXPECT_EQ(to_anthropic_json(request, Streaming::no, 1024).at("tools"), parse_json(R"([
    {"name":"get_weather","description":"Current weather","input_schema":
      {"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}},
    {"name":"get_time","input_schema":{"type":"object"}}])"));
}

TEST(AnthropicRequest, ToolChoiceIsTranslated) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {R"("auto")", R"({"type":"auto"})"},
      {R"("required")", R"({"type":"any"})"},
      {R"("none")", R"({"type":"none"})"},
      {R"({"type":"function","function":{"name":"get_weather"}})",
       R"({"type":"tool","name":"get_weather"})"}};
  for (const auto& [openai, anthropic] : cases) {
    auto request = anthropic_request_with_tool();
    request.tool_choice = parse_json(openai);
    EXPECT_EQ(to_anthropic_json(request, Streaming::no, 1024).at("tool_choice"),
              parse_json(anthropic))
        << openai;
  }
}

TEST(AnthropicRequest, NoToolChoiceMeansNoneIsSent) {
  EXPECT_FALSE(to_anthropic_json(anthropic_request_with_tool(), Streaming::no, 1024)
                   .contains("tool_choice"));
}

TEST(AnthropicRequest, SequentialToolCallsDisableParallelToolUse) {
  auto request = anthropic_request_with_tool();
  request.parallel_tool_calls = false;
  EXPECT_EQ(to_anthropic_json(request, Streaming::no, 1024).at("tool_choice"),
            parse_json(R"({"type":"auto","disable_parallel_tool_use":true})"));

  request.tool_choice = parse_json(R"("required")");
  EXPECT_EQ(to_anthropic_json(request, Streaming::no, 1024).at("tool_choice"),
            parse_json(R"({"type":"any","disable_parallel_tool_use":true})"));

  request.tool_choice = parse_json(R"("none")");
  EXPECT_EQ(to_anthropic_json(request, Streaming::no, 1024).at("tool_choice"),
            parse_json(R"({"type":"none"})"));

  request.tool_choice.reset();
  request.parallel_tool_calls = true;
  EXPECT_FALSE(to_anthropic_json(request, Streaming::no, 1024).contains("tool_choice"));
}

TEST(AnthropicRequest, ToolChoiceWithoutToolsIsLeftOut) {
  auto request = anthropic_request({message("user", "Hi")});
  request.tool_choice = parse_json(R"("required")");
  request.parallel_tool_calls = false;
  const auto body = to_anthropic_json(request, Streaming::no, 1024);
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_FALSE(body.contains("tool_choice"));
}

TEST(AnthropicRequest, SamplingStopUserAndStreamAreTranslated) {
  auto request = anthropic_request({message("user", "Hi")});
  request.temperature = 0.5;
  request.top_p = 0.25;
  request.stop = parse_json(R"("END")");
  request.user = "user-123";
  EXPECT_EQ(json::value(to_anthropic_json(request, Streaming::yes, 1024)), parse_json(R"({
    "model":"claude-sonnet-4-20250514","max_tokens":1024,
    "messages":[{"role":"user","content":"Hi"}],"temperature":0.5,"top_p":0.25,
    "stop_sequences":["END"],"metadata":{"user_id":"user-123"},"stream":true})"));

  request.stop = parse_json(R"(["END","STOP"])");
  EXPECT_EQ(to_anthropic_json(request, Streaming::no, 1024).at("stop_sequences"),
            parse_json(R"(["END","STOP"])"));
}

TEST(AnthropicRequest, FieldsWithoutAnAnthropicCounterpartAreLeftOut) {
  auto request = anthropic_request({message("user", "Hi")});
  request.seed = 42;
  request.response_format = parse_json(R"({"type":"json_object"})");
  request.extra = parse_json(R"({"logprobs":true})").as_object();
  EXPECT_EQ(json::value(to_anthropic_json(request, Streaming::no, 1024)),
            parse_json(R"({"model":"claude-sonnet-4-20250514","max_tokens":1024,
                           "messages":[{"role":"user","content":"Hi"}]})"));
}

// --- Completion ----------------------------------------------------------------------------

TEST(AnthropicCompletion, TextBlocksAreJoinedAndToolUseBlocksBecomeToolCalls) {
  auto completion = completion_from_anthropic(parse_json(R"({
    "id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",
    "content":[{"type":"text","text":"Let me check "},{"type":"text","text":"the weather."},
      {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"San Francisco, CA"}},
      {"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":472,"output_tokens":89}})"));
  ASSERT_TRUE(completion.ok()) << completion.error().message;
  EXPECT_EQ(completion->id, "msg_01Aq9w938a90dw8q");
  EXPECT_EQ(completion->model, "claude-sonnet-4-20250514");
  EXPECT_EQ(completion->message.role, "assistant");
  EXPECT_EQ(completion->message.content, "Let me check the weather.");
  ASSERT_EQ(completion->message.tool_calls.size(), 2u);
  EXPECT_EQ(completion->message.tool_calls[0].id, "toolu_01A09q90qw90lq917835lq9");
  EXPECT_EQ(completion->message.tool_calls[0].name, "get_weather");
  EXPECT_EQ(completion->message.tool_calls[0].arguments, R"({"location":"San Francisco, CA"})");
  EXPECT_EQ(completion->message.tool_calls[1].arguments, "{}");
  EXPECT_EQ(completion->finish_reason, "tool_calls");
  ASSERT_TRUE(completion->usage.has_value());
  EXPECT_EQ(completion->usage->prompt_tokens, 472);
  EXPECT_EQ(completion->usage->completion_tokens, 89);
  EXPECT_EQ(completion->usage->total_tokens, 561);
}

TEST(AnthropicCompletion, StopReasonsBecomeOpenAiFinishReasons) {
  const std::vector<std::pair<const char*, const char*>> cases = {{"end_turn", "stop"},
                                                                  {"stop_sequence", "stop"},
                                                                  {"max_tokens", "length"},
                                                                  {"tool_use", "tool_calls"},
                                                                  {"refusal", "content_filter"}};
  for (const auto& [stop_reason, finish_reason] : cases) {
    json::object body{{"content", json::array{}}, {"stop_reason", stop_reason}};
    auto completion = completion_from_anthropic(body);
    ASSERT_TRUE(completion.ok());
    EXPECT_EQ(completion->finish_reason, finish_reason) << stop_reason;
  }
}

TEST(AnthropicCompletion, CachedInputTokensCountAsPromptTokens) {
  auto completion =
      completion_from_anthropic(parse_json(R"({"content":[{"type":"text","text":"ok"}],
    "stop_reason":"end_turn","usage":{"input_tokens":10,"cache_creation_input_tokens":200,
    "cache_read_input_tokens":1000,"output_tokens":5}})"));
  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(completion->usage->prompt_tokens, 1210);
  EXPECT_EQ(completion->usage->completion_tokens, 5);
  EXPECT_EQ(completion->usage->total_tokens, 1215);
}

TEST(AnthropicCompletion, ThinkingBlocksAreNotContent) {
  auto completion = completion_from_anthropic(parse_json(R"({"content":[
    {"type":"thinking","thinking":"Let me think","signature":"abc"},{"type":"text","text":"42"}],
    "stop_reason":"end_turn"})"));
  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(completion->message.content, "42");
}

TEST(AnthropicCompletion, WrongShapesAreInvalidUpstreamResponses) {
  for (const auto* body :
       {R"([])", R"({"id":"msg"})", R"({"content":"text"})", R"({"content":[3]})"}) {
    auto completion = completion_from_anthropic(parse_json(body));
    ASSERT_FALSE(completion.ok()) << body;
    EXPECT_EQ(completion.error().code, "upstream_invalid_response") << body;
  }
}

TEST(AnthropicCompletion, ErrorBodyIsAnError) {
  auto completion = completion_from_anthropic(parse_json(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"})"));
  ASSERT_FALSE(completion.ok());
  EXPECT_EQ(completion.error().kind, ErrorCode::bad_gateway);
  EXPECT_EQ(completion.error().code, "upstream_overloaded");
}

// --- Streaming -----------------------------------------------------------------------------

// Feeds events to one translator and keeps what a client would see.
struct TranslatedStream {
  AnthropicStreamTranslator translator;
  std::string content;
  ToolCallAccumulator calls;
  std::vector<ChatDelta> deltas;
  std::optional<std::string> finish_reason;
  std::optional<Usage> usage;

  Result<std::optional<ChatDelta>> feed(std::string_view event, std::string_view data) {
    auto delta = translator.translate(event, parse_json(data));
    if (delta.ok() && delta->has_value()) {
      const auto& value = **delta;
      deltas.push_back(value);
      content += value.content;
      calls.add(value.tool_calls);
      if (value.finish_reason) finish_reason = value.finish_reason;
      if (value.usage) usage = value.usage;
    }
    return delta;
  }
};

TEST(AnthropicStream, RecordedStreamAssemblesTextAndTwoToolCalls) {
  net::SseParser parser(SseChatStream::kMaxEventBytes);
  auto events = parser.feed(recorded::kAnthropicTextThenTwoToolsStream);
  ASSERT_TRUE(events.ok());
  TranslatedStream stream;
  for (const auto& event : *events) {
    auto delta = stream.feed(event.event, event.data);
    ASSERT_TRUE(delta.ok()) << event.event << ": " << delta.error().message;
  }
  EXPECT_TRUE(stream.translator.is_finished());
  EXPECT_EQ(stream.content, "Okay, let me check the weather in both cities.");
  const auto calls = stream.calls.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].id, "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  EXPECT_EQ(calls[0].name, "get_weather");
  EXPECT_EQ(calls[0].arguments, R"({"location": "San Francisco, CA"})");
  EXPECT_EQ(calls[1].id, "toolu_01BrBTXrwtzLkATCUsnpRRe8");
  EXPECT_EQ(calls[1].arguments, R"({"location": "Paris, France"})");
  EXPECT_EQ(stream.finish_reason, "tool_calls");
  ASSERT_TRUE(stream.usage.has_value());
  EXPECT_EQ(stream.usage->prompt_tokens, 472);
  EXPECT_EQ(stream.usage->completion_tokens, 89);
  EXPECT_EQ(stream.usage->total_tokens, 561);
}

TEST(AnthropicStream, ToolUseStartYieldsIndexIdAndName) {
  TranslatedStream stream;
  auto delta = stream.feed("content_block_start", R"({"type":"content_block_start","index":0,
    "content_block":{"type":"tool_use","id":"toolu_9","name":"get_time","input":{}}})");
  ASSERT_TRUE(delta.ok());
  ASSERT_TRUE(delta->has_value());
  ASSERT_EQ((*delta)->tool_calls.size(), 1u);
  const auto& fragment = (*delta)->tool_calls[0];
  EXPECT_EQ(fragment.index, 0);
  EXPECT_EQ(fragment.id, "toolu_9");
  EXPECT_EQ(fragment.name, "get_time");
  EXPECT_EQ(fragment.arguments, "");
  EXPECT_EQ((*delta)->content, "");
}

TEST(AnthropicStream, ToolIndexesCountToolUseBlocksOnly) {
  TranslatedStream stream;
  ASSERT_TRUE(
      stream.feed("content_block_start", R"({"index":0,"content_block":{"type":"text","text":""}})")
          .ok());
  ASSERT_TRUE(
      stream
          .feed("content_block_start",
                R"({"index":1,"content_block":{"type":"tool_use","id":"a","name":"f","input":{}}})")
          .ok());
  ASSERT_TRUE(
      stream.feed("content_block_start", R"({"index":2,"content_block":{"type":"text","text":""}})")
          .ok());
  ASSERT_TRUE(
      stream
          .feed("content_block_start",
                R"({"index":3,"content_block":{"type":"tool_use","id":"b","name":"g","input":{}}})")
          .ok());
  auto delta =
      stream.feed("content_block_delta",
                  R"({"index":3,"delta":{"type":"input_json_delta","partial_json":"{\"x\":1}"}})");
  ASSERT_TRUE(delta.ok());
  ASSERT_TRUE(delta->has_value());
  ASSERT_EQ((*delta)->tool_calls.size(), 1u);
  EXPECT_EQ((*delta)->tool_calls[0].index, 1);
  EXPECT_EQ((*delta)->tool_calls[0].arguments, R"({"x":1})");
  EXPECT_FALSE((*delta)->tool_calls[0].id.has_value());

  const auto calls = stream.calls.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].id, "a");
  EXPECT_EQ(calls[1].id, "b");
  EXPECT_EQ(calls[1].arguments, R"({"x":1})");
}

TEST(AnthropicStream, TextDeltaIsContent) {
  TranslatedStream stream;
  auto delta = stream.feed(
      "content_block_delta",
      R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})");
  ASSERT_TRUE(delta.ok());
  ASSERT_TRUE(delta->has_value());
  EXPECT_EQ((*delta)->content, "Hello");
  EXPECT_TRUE((*delta)->tool_calls.empty());
}

TEST(AnthropicStream, ToolCallWithoutInputGetsAnEmptyObject) {
  TranslatedStream stream;
  ASSERT_TRUE(
      stream
          .feed(
              "content_block_start",
              R"({"index":0,"content_block":{"type":"tool_use","id":"a","name":"now","input":{}}})")
          .ok());
  ASSERT_TRUE(stream
                  .feed("content_block_delta",
                        R"({"index":0,"delta":{"type":"input_json_delta","partial_json":""}})")
                  .ok());
  ASSERT_TRUE(stream.feed("content_block_stop", R"({"index":0})").ok());
  EXPECT_EQ(stream.calls.calls().at(0).arguments, "{}");
}

TEST(AnthropicStream, BlockStopAfterStreamedInputYieldsNothing) {
  TranslatedStream stream;
  ASSERT_TRUE(
      stream
          .feed("content_block_start",
                R"({"index":0,"content_block":{"type":"tool_use","id":"a","name":"f","input":{}}})")
          .ok());
  ASSERT_TRUE(stream
                  .feed("content_block_delta",
                        R"({"index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}})")
                  .ok());
  auto stop = stream.feed("content_block_stop", R"({"index":0})");
  ASSERT_TRUE(stop.ok());
  EXPECT_FALSE(stop->has_value());
  EXPECT_EQ(stream.calls.calls().at(0).arguments, "{}");
}

TEST(AnthropicStream, MessageDeltaCarriesFinishReasonAndRunningUsage) {
  TranslatedStream stream;
  auto start = stream.feed("message_start", R"({"type":"message_start","message":{"id":"msg_1",
    "content":[],"usage":{"input_tokens":25,"output_tokens":1}}})");
  ASSERT_TRUE(start.ok());
  EXPECT_FALSE(start->has_value());

  auto first = stream.feed("message_delta",
                           R"({"delta":{"stop_reason":null},"usage":{"output_tokens":10}})");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_FALSE((*first)->finish_reason.has_value());
  EXPECT_EQ((*first)->usage->prompt_tokens, 25);
  EXPECT_EQ((*first)->usage->completion_tokens, 10);
  EXPECT_EQ((*first)->usage->total_tokens, 35);

  // Counts are cumulative: a second message_delta replaces them.
  auto second = stream.feed(
      "message_delta", R"({"delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":15}})");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->finish_reason, "length");
  EXPECT_EQ((*second)->usage->completion_tokens, 15);
  EXPECT_EQ((*second)->usage->total_tokens, 40);
}

TEST(AnthropicStream, InputTokensSentOnlyInMessageDeltaAreCounted) {
  TranslatedStream stream;
  ASSERT_TRUE(
      stream.feed("message_start", R"({"message":{"usage":{"input_tokens":0,"output_tokens":0}}})")
          .ok());
  auto delta = stream.feed("message_delta", R"({"delta":{"stop_reason":"end_turn"},
    "usage":{"input_tokens":120,"cache_read_input_tokens":30,"output_tokens":7}})");
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ((*delta)->finish_reason, "stop");
  EXPECT_EQ((*delta)->usage->prompt_tokens, 150);
  EXPECT_EQ((*delta)->usage->total_tokens, 157);
}

TEST(AnthropicStream, EventsWithNothingForTheClientYieldNothing) {
  TranslatedStream stream;
  for (const auto& [event, data] : std::vector<std::pair<const char*, const char*>>{
           {"ping", R"({"type":"ping"})"},
           {"content_block_start", R"({"index":0,"content_block":{"type":"text","text":""}})"},
           {"content_block_delta",
            R"({"index":0,"delta":{"type":"thinking_delta","thinking":"hm"}})"},
           {"content_block_stop", R"({"index":0})"},
           {"some_future_event", R"({"type":"some_future_event"})"}}) {
    auto delta = stream.feed(event, data);
    ASSERT_TRUE(delta.ok()) << event;
    EXPECT_FALSE(delta->has_value()) << event;
  }
  EXPECT_FALSE(stream.translator.is_finished());
}

TEST(AnthropicStream, MessageStopEndsTheAnswer) {
  TranslatedStream stream;
  auto stop = stream.feed("message_stop", R"({"type":"message_stop"})");
  ASSERT_TRUE(stop.ok());
  EXPECT_FALSE(stop->has_value());
  EXPECT_TRUE(stream.translator.is_finished());
}

TEST(AnthropicStream, EventNameFallsBackToTheDataType) {
  TranslatedStream stream;
  auto delta = stream.feed(
      "", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}})");
  ASSERT_TRUE(delta.ok());
  ASSERT_TRUE(delta->has_value());
  EXPECT_EQ((*delta)->content, "x");
}

TEST(AnthropicStream, ErrorEventBecomesAnError) {
  TranslatedStream stream;
  auto overloaded = stream.feed(
      "error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  ASSERT_FALSE(overloaded.ok());
  EXPECT_EQ(overloaded.error().kind, ErrorCode::bad_gateway);
  EXPECT_EQ(overloaded.error().code, "upstream_overloaded");

  auto invalid = stream.feed(
      "error",
      R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long"}})");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(invalid.error().message, "prompt is too long");
}

TEST(AnthropicStream, DataThatIsNotAnObjectIsAnInvalidResponse) {
  AnthropicStreamTranslator translator;
  auto delta = translator.translate("content_block_delta", json::value("text"));
  ASSERT_FALSE(delta.ok());
  EXPECT_EQ(delta.error().code, "upstream_invalid_response");
}

// --- Errors --------------------------------------------------------------------------------

TEST(AnthropicError, OverloadedIsABadGateway) {
  const auto error = upstream_http_error(
      529,
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_011"})");
  EXPECT_EQ(error.kind, ErrorCode::bad_gateway);
  EXPECT_EQ(error.code, "upstream_overloaded");
}

TEST(AnthropicError, ClientMistakesKeepTheMessageAndTheTypeAsCode) {
  const auto invalid = upstream_http_error(
      400,
      R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: 100000 > 64000, which is the maximum allowed"}})");
  EXPECT_EQ(invalid.kind, ErrorCode::invalid_request);
  EXPECT_EQ(invalid.message, "max_tokens: 100000 > 64000, which is the maximum allowed");
  EXPECT_EQ(invalid.code, "invalid_request_error");

  const auto missing = upstream_http_error(
      404, R"({"type":"error","error":{"type":"not_found_error","message":"model: claude-9"}})");
  EXPECT_EQ(missing.kind, ErrorCode::invalid_request);
  EXPECT_EQ(missing.code, "not_found_error");

  const auto too_large = upstream_http_error(
      413,
      R"({"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}})");
  EXPECT_EQ(too_large.kind, ErrorCode::invalid_request);
  EXPECT_EQ(too_large.code, "request_too_large");
}

TEST(AnthropicError, RejectedCredentialsSayNothingOfTheUpstreamMessage) {
  for (const int status : {401, 403}) {
    const auto error = upstream_http_error(
        status,
        R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key sk-ant-api03-xyz"}})");
    EXPECT_EQ(error.kind, ErrorCode::bad_gateway) << status;
    EXPECT_EQ(error.code, "upstream_auth_failed") << status;
    EXPECT_EQ(error.message.find("sk-ant"), std::string::npos);
    EXPECT_EQ(error.message.find("x-api-key"), std::string::npos);
  }
}

TEST(AnthropicError, RateLimitIsRateLimited) {
  const auto error = upstream_http_error(
      429,
      R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}})");
  EXPECT_EQ(error.kind, ErrorCode::rate_limited);
  EXPECT_EQ(error.code, "upstream_rate_limited");
}

TEST(AnthropicError, ApiErrorIsABadGateway) {
  const auto error = upstream_http_error(
      500, R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})");
  EXPECT_EQ(error.kind, ErrorCode::bad_gateway);
  EXPECT_EQ(error.code, "upstream_error");
}

}  // namespace
}  // namespace agentd::llm

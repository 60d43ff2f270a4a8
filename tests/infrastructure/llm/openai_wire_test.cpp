#include "infrastructure/llm/openai_wire.h"

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

ChatRequest openai_request(std::vector<ChatMessage> messages) {
  return fixtures::request_for("gpt-4o", std::move(messages));
}

// --- Request -------------------------------------------------------------------------------

TEST(OpenAiRequest, MinimalRequestHasOnlyModelAndMessages) {
  const auto body =
      to_openai_json(openai_request({message("user", "Hi")}), Streaming::no, IncludeUsage::no);
  EXPECT_EQ(json::value(body),
            parse_json(R"({"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]})"));
}

TEST(OpenAiRequest, MessagesKeepRolesNamesToolCallsAndToolCallIds) {
  auto user = message("user", "Weather in Paris?");
  user.name = "alice";
  auto assistant = message("assistant", "");
  assistant.tool_calls = {{"call_1", "get_weather", R"({"city":"Paris"})"}};
  auto tool = message("tool", R"({"celsius":21})");
  tool.tool_call_id = "call_1";

  const auto body =
      to_openai_json(openai_request({message("system", "Be brief."), user, assistant, tool}),
                     Streaming::no, IncludeUsage::no);

  EXPECT_EQ(body.at("messages"), parse_json(R"([
    {"role":"system","content":"Be brief."},
    {"role":"user","content":"Weather in Paris?","name":"alice"},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
    {"role":"tool","content":"{\"celsius\":21}","tool_call_id":"call_1"}
  ])"));
}

TEST(OpenAiRequest, AssistantTextIsKeptAlongsideToolCalls) {
  auto assistant = message("assistant", "Let me look.");
  assistant.tool_calls = {{"call_1", "lookup", "{}"}};
  const auto body = to_openai_json(openai_request({assistant}), Streaming::no, IncludeUsage::no);
  EXPECT_EQ(body.at("messages").at(0).at("content"), "Let me look.");
}

TEST(OpenAiRequest, AssistantWithoutToolCallsKeepsAnEmptyContent) {
  const auto body =
      to_openai_json(openai_request({message("assistant", "")}), Streaming::no, IncludeUsage::no);
  EXPECT_EQ(body.at("messages").at(0).at("content"), "");
}

TEST(OpenAiRequest, ContentPartsAreSentInsteadOfContent) {
  auto user = message("user", "ignored text");
  user.content_parts = parse_json(R"([{"type":"text","text":"What is this?"},
    {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}])");
  const auto body = to_openai_json(openai_request({user}), Streaming::no, IncludeUsage::no);
  EXPECT_EQ(body.at("messages").at(0).at("content"), *user.content_parts);
}

TEST(OpenAiRequest, ToolsAreFunctionObjects) {
  auto request = openai_request({message("user", "Hi")});
  request.tools = {
      {"get_weather", "Current weather for a city",
       parse_json(R"({"type":"object","properties":{"city":{"type":"string"}}})").as_object()}};
  const auto body = to_openai_json(request, Streaming::no, IncludeUsage::no);
  EXPECT_EQ(body.at("tools"), parse_json(R"([{"type":"function","function":{
    "name":"get_weather","description":"Current weather for a city",
    "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}])"));
}

TEST(OpenAiRequest, EveryOptionalFieldIsSentWhenSet) {
  auto request = openai_request({message("user", "Hi")});
  request.tool_choice = parse_json(R"({"type":"function","function":{"name":"get_weather"}})");
  request.parallel_tool_calls = false;
  request.temperature = 0.5;
  request.top_p = 0.25;
  request.max_tokens = 256;
  request.stop = parse_json(R"(["END"])");
  request.response_format = parse_json(R"({"type":"json_object"})");
  request.seed = 42;
  request.user = "user-123";

  EXPECT_EQ(json::value(to_openai_json(request, Streaming::no, IncludeUsage::no)), parse_json(R"({
    "model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],
    "tool_choice":{"type":"function","function":{"name":"get_weather"}},
    "parallel_tool_calls":false,"temperature":0.5,"top_p":0.25,"max_tokens":256,
    "stop":["END"],"response_format":{"type":"json_object"},"seed":42,"user":"user-123"})"));
}

TEST(OpenAiRequest, StreamingAsksForUsageOnlyWhenRequested) {
  const auto request = openai_request({message("user", "Hi")});

  const auto with_usage = to_openai_json(request, Streaming::yes, IncludeUsage::yes);
  EXPECT_EQ(with_usage.at("stream"), true);
  EXPECT_EQ(with_usage.at("stream_options"), parse_json(R"({"include_usage":true})"));

  const auto without_usage = to_openai_json(request, Streaming::yes, IncludeUsage::no);
  EXPECT_EQ(without_usage.at("stream"), true);
  EXPECT_FALSE(without_usage.contains("stream_options"));

  const auto not_streaming = to_openai_json(request, Streaming::no, IncludeUsage::yes);
  EXPECT_FALSE(not_streaming.contains("stream"));
  EXPECT_FALSE(not_streaming.contains("stream_options"));
}

TEST(OpenAiRequest, ExtraFieldsPassThroughWithoutOverridingKnownOnes) {
  auto request = openai_request({message("user", "Hi")});
  request.temperature = 0.5;
  request.extra = parse_json(R"({"logprobs":true,"max_completion_tokens":100,"model":"other",
    "messages":[],"temperature":2,"stream":true,"stream_options":{"include_usage":true},
    "seed":7})")
                      .as_object();

  EXPECT_EQ(json::value(to_openai_json(request, Streaming::no, IncludeUsage::no)), parse_json(R"({
    "model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":0.5,
    "logprobs":true,"max_completion_tokens":100})"));
}

// --- Completion ----------------------------------------------------------------------------

TEST(OpenAiCompletion, ReadsContentFinishReasonUsageIdAndModel) {
  auto completion = completion_from_openai(parse_json(R"({
    "id":"chatcmpl-123","object":"chat.completion","created":1741569952,"model":"gpt-4o-2024-08-06",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there!","refusal":null},
                "logprobs":null,"finish_reason":"stop"}],
    "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}})"));
  ASSERT_TRUE(completion.ok()) << completion.error().message;
  EXPECT_EQ(completion->id, "chatcmpl-123");
  EXPECT_EQ(completion->model, "gpt-4o-2024-08-06");
  EXPECT_EQ(completion->message.role, "assistant");
  EXPECT_EQ(completion->message.content, "Hello there!");
  EXPECT_TRUE(completion->message.tool_calls.empty());
  EXPECT_EQ(completion->finish_reason, "stop");
  ASSERT_TRUE(completion->usage.has_value());
  EXPECT_EQ(completion->usage->prompt_tokens, 19);
  EXPECT_EQ(completion->usage->completion_tokens, 10);
  EXPECT_EQ(completion->usage->total_tokens, 29);
}

TEST(OpenAiCompletion, NullContentWithToolCalls) {
  auto completion = completion_from_openai(parse_json(R"({
    "id":"chatcmpl-9","model":"gpt-4o",
    "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
      "tool_calls":[
        {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"call_b","type":"function","function":{"name":"get_time","arguments":"{}"}}]}}]})"));
  ASSERT_TRUE(completion.ok()) << completion.error().message;
  EXPECT_EQ(completion->message.content, "");
  ASSERT_EQ(completion->message.tool_calls.size(), 2u);
  EXPECT_EQ(completion->message.tool_calls[0].id, "call_a");
  EXPECT_EQ(completion->message.tool_calls[0].name, "get_weather");
  EXPECT_EQ(completion->message.tool_calls[0].arguments, R"({"city":"Paris"})");
  EXPECT_EQ(completion->message.tool_calls[1].name, "get_time");
  EXPECT_EQ(completion->finish_reason, "tool_calls");
  EXPECT_FALSE(completion->usage.has_value());
}

TEST(OpenAiCompletion, ArgumentsSentAsAnObjectAreReadAsTheirJsonText) {
  auto completion = completion_from_openai(parse_json(R"({"choices":[{"message":{"content":null,
    "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{"x":1}}}]}}]})"));
  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(completion->message.tool_calls.at(0).arguments, R"({"x":1})");
}

TEST(OpenAiCompletion, MissingTotalTokensIsTheSum) {
  auto completion = completion_from_openai(parse_json(R"({"choices":[{"message":{"content":"ok"}}],
    "usage":{"prompt_tokens":3,"completion_tokens":4}})"));
  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(completion->usage->total_tokens, 7);
}

TEST(OpenAiCompletion, WrongShapesAreInvalidUpstreamResponses) {
  for (const auto* body :
       {R"([])", R"({"id":"x"})", R"({"choices":[]})", R"({"choices":[{"index":0}]})",
        R"({"choices":[{"message":{"content":42}}]})",
        R"({"choices":[{"message":{"content":null,"tool_calls":[{"id":"c","function":{}}]}}]})"}) {
    auto completion = completion_from_openai(parse_json(body));
    ASSERT_FALSE(completion.ok()) << body;
    EXPECT_EQ(completion.error().kind, ErrorCode::bad_gateway) << body;
    EXPECT_EQ(completion.error().code, "upstream_invalid_response") << body;
    EXPECT_FALSE(completion.error().message.empty());
  }
}

TEST(OpenAiCompletion, ErrorObjectInASuccessfulAnswerIsAnError) {
  auto completion = completion_from_openai(parse_json(
      R"({"error":{"message":"The server had an error","type":"server_error","code":null}})"));
  ASSERT_FALSE(completion.ok());
  EXPECT_EQ(completion.error().kind, ErrorCode::bad_gateway);
  EXPECT_EQ(completion.error().code, "upstream_error");
}

// --- Stream chunks -------------------------------------------------------------------------

TEST(OpenAiChunk, RoleOnlyFirstChunkIsAnEmptyDelta) {
  auto delta = delta_from_openai_chunk(parse_json(R"({"id":"c","object":"chat.completion.chunk",
    "choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})"));
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->content, "");
  EXPECT_TRUE(delta->tool_calls.empty());
  EXPECT_FALSE(delta->finish_reason.has_value());
  EXPECT_FALSE(delta->usage.has_value());
}

TEST(OpenAiChunk, ContentFragment) {
  auto delta = delta_from_openai_chunk(parse_json(
      R"({"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null})"));
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->content, "Hel");
  EXPECT_FALSE(delta->usage.has_value());
}

TEST(OpenAiChunk, FirstToolCallFragmentCarriesIdAndName) {
  auto delta = delta_from_openai_chunk(parse_json(R"({"choices":[{"index":0,"delta":{"tool_calls":[
    {"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]})"));
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(delta->tool_calls.size(), 1u);
  EXPECT_EQ(delta->tool_calls[0].index, 0);
  EXPECT_EQ(delta->tool_calls[0].id, "call_1");
  EXPECT_EQ(delta->tool_calls[0].name, "get_weather");
  EXPECT_EQ(delta->tool_calls[0].arguments, "");
}

TEST(OpenAiChunk, LaterToolCallFragmentsCarryOnlyTheIndexAndArgumentText) {
  auto delta = delta_from_openai_chunk(parse_json(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"ci"}}]}}]})"));
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(delta->tool_calls.size(), 1u);
  EXPECT_EQ(delta->tool_calls[0].index, 1);
  EXPECT_FALSE(delta->tool_calls[0].id.has_value());
  EXPECT_FALSE(delta->tool_calls[0].name.has_value());
  EXPECT_EQ(delta->tool_calls[0].arguments, R"({"ci)");
}

TEST(OpenAiChunk, ToolCallWithoutIndexTakesItsPosition) {
  auto delta = delta_from_openai_chunk(parse_json(R"({"choices":[{"delta":{"tool_calls":[
    {"id":"a","function":{"name":"f","arguments":"{}"}},{"id":"b","function":{"name":"g","arguments":"{}"}}]}}]})"));
  ASSERT_TRUE(delta.ok());
  ASSERT_EQ(delta->tool_calls.size(), 2u);
  EXPECT_EQ(delta->tool_calls[0].index, 0);
  EXPECT_EQ(delta->tool_calls[1].index, 1);
}

TEST(OpenAiChunk, FinishReasonOnTheLastChoiceChunk) {
  auto delta = delta_from_openai_chunk(
      parse_json(R"({"choices":[{"index":0,"delta":{},"finish_reason":"length"}]})"));
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->finish_reason, "length");
}

TEST(OpenAiChunk, UsageOnlyFinalChunkHasEmptyOrNullChoices) {
  for (
      const auto* chunk :
      {R"({"choices":[],"usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99}})",
       R"({"choices":null,"usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99}})"}) {
    auto delta = delta_from_openai_chunk(parse_json(chunk));
    ASSERT_TRUE(delta.ok()) << chunk;
    EXPECT_EQ(delta->content, "");
    EXPECT_FALSE(delta->finish_reason.has_value());
    ASSERT_TRUE(delta->usage.has_value()) << chunk;
    EXPECT_EQ(delta->usage->prompt_tokens, 82);
    EXPECT_EQ(delta->usage->completion_tokens, 17);
    EXPECT_EQ(delta->usage->total_tokens, 99);
  }
}

TEST(OpenAiChunk, ErrorObjectMidStreamIsAnError) {
  auto delta = delta_from_openai_chunk(parse_json(
      R"({"error":{"message":"Rate limit reached for org-secret","type":"rate_limit_error","code":"rate_limit_exceeded"}})"));
  ASSERT_FALSE(delta.ok());
  EXPECT_EQ(delta.error().kind, ErrorCode::rate_limited);
  EXPECT_EQ(delta.error().message.find("org-secret"), std::string::npos);
}

TEST(OpenAiChunk, WrongShapesAreInvalidUpstreamResponses) {
  for (const auto* chunk : {R"("text")", R"({"choices":{}})", R"({"choices":[1]})",
                            R"({"choices":[{"delta":{"tool_calls":[7]}}]})"}) {
    auto delta = delta_from_openai_chunk(parse_json(chunk));
    ASSERT_FALSE(delta.ok()) << chunk;
    EXPECT_EQ(delta.error().code, "upstream_invalid_response") << chunk;
  }
}

TEST(OpenAiStream, IsDoneRecognisesOpenAisTerminator) {
  EXPECT_TRUE(is_done("[DONE]"));
  EXPECT_TRUE(is_done("[DONE] trailing"));
  EXPECT_FALSE(is_done("{\"choices\":[]}"));
  EXPECT_FALSE(is_done(" [DONE]"));
  EXPECT_FALSE(is_done(""));
}

TEST(OpenAiStream, RecordedToolCallStreamAssemblesOneCompleteCall) {
  net::SseParser parser(SseChatStream::kMaxEventBytes);
  auto events = parser.feed(recorded::kOpenAiToolCallStream);
  ASSERT_TRUE(events.ok());
  ToolCallAccumulator calls;
  std::optional<std::string> finish_reason;
  std::optional<Usage> usage;
  bool is_done_seen = false;
  for (const auto& event : *events) {
    if (is_done(event.data)) {
      is_done_seen = true;
      break;
    }
    auto delta = delta_from_openai_chunk(parse_json(event.data));
    ASSERT_TRUE(delta.ok()) << delta.error().message;
    EXPECT_EQ(delta->content, "");
    calls.add(delta->tool_calls);
    if (delta->finish_reason) finish_reason = delta->finish_reason;
    if (delta->usage) usage = delta->usage;
  }
  EXPECT_TRUE(is_done_seen);
  const auto assembled = calls.calls();
  ASSERT_EQ(assembled.size(), 1u);
  EXPECT_EQ(assembled[0].id, "call_Dn2RJJSxzDm49vlVTehseJ0k");
  EXPECT_EQ(assembled[0].name, "get_weather");
  EXPECT_EQ(assembled[0].arguments, R"({"location":"Paris, France"})");
  EXPECT_EQ(finish_reason, "tool_calls");
  ASSERT_TRUE(usage.has_value());
  EXPECT_EQ(usage->total_tokens, 99);
}

// --- Errors --------------------------------------------------------------------------------

TEST(OpenAiError, ClientMistakesKeepTheUpstreamMessageParamAndCode) {
  const auto error = upstream_http_error(400, R"({"error":{
    "message":"This model's maximum context length is 128000 tokens.",
    "type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})");
  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_EQ(error.message, "This model's maximum context length is 128000 tokens.");
  EXPECT_EQ(error.param, "messages");
  EXPECT_EQ(error.code, "context_length_exceeded");
}

TEST(OpenAiError, UnknownModelIsAnInvalidRequest) {
  const auto error = upstream_http_error(404, R"({"error":{
    "message":"The model `gpt-9` does not exist or you do not have access to it.",
    "type":"invalid_request_error","param":null,"code":"model_not_found"}})");
  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_EQ(error.code, "model_not_found");
  EXPECT_EQ(error.param, "");
  EXPECT_NE(error.message.find("gpt-9"), std::string::npos);
}

TEST(OpenAiError, ConflictAndUnprocessableAreInvalidRequests) {
  for (const int status : {409, 422}) {
    const auto error = upstream_http_error(
        status, R"({"error":{"message":"nope","type":"invalid_request_error","code":null}})");
    EXPECT_EQ(error.kind, ErrorCode::invalid_request) << status;
    EXPECT_EQ(error.message, "nope") << status;
    EXPECT_EQ(error.code, "invalid_request_error") << status;  // the type when there is no code
  }
}

TEST(OpenAiError, RejectedCredentialsSayNothingOfTheUpstreamMessage) {
  for (const int status : {401, 403}) {
    const auto error = upstream_http_error(status, R"({"error":{
      "message":"Incorrect API key provided: sk-proj-abc1****wxyz. You can find your API key at https://platform.openai.com/account/api-keys.",
      "type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
    EXPECT_EQ(error.kind, ErrorCode::bad_gateway) << status;
    EXPECT_EQ(error.code, "upstream_auth_failed") << status;
    EXPECT_EQ(error.param, "");
    EXPECT_EQ(error.message.find("sk-"), std::string::npos);
    EXPECT_EQ(error.message.find("Incorrect"), std::string::npos);
  }
}

TEST(OpenAiError, RateLimitIsRateLimitedWithoutTheOrganisation) {
  const auto error = upstream_http_error(429, R"({"error":{
    "message":"Rate limit reached for gpt-4o in organization org-AbC123 on tokens per min (TPM).",
    "type":"tokens","param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(error.kind, ErrorCode::rate_limited);
  EXPECT_EQ(error.code, "upstream_rate_limited");
  EXPECT_EQ(error.message.find("org-AbC123"), std::string::npos);
}

TEST(OpenAiError, ExhaustedQuotaHasItsOwnCode) {
  const auto error = upstream_http_error(429, R"({"error":{
    "message":"You exceeded your current quota, please check your plan and billing details.",
    "type":"insufficient_quota","param":null,"code":"insufficient_quota"}})");
  EXPECT_EQ(error.kind, ErrorCode::rate_limited);
  EXPECT_EQ(error.code, "upstream_quota_exceeded");
}

TEST(OpenAiError, ServerErrorsAreBadGatewaysWithoutTheBody) {
  for (const int status : {500, 502, 503, 504}) {
    const auto error =
        upstream_http_error(status, "<html><body>upstream connect error</body></html>");
    EXPECT_EQ(error.kind, ErrorCode::bad_gateway) << status;
    EXPECT_EQ(error.code, "upstream_error") << status;
    EXPECT_NE(error.message.find(std::to_string(status)), std::string::npos);
    EXPECT_EQ(error.message.find("html"), std::string::npos);
  }
}

TEST(OpenAiError, BodyThatIsNotJsonStillMapsByStatus) {
  const auto error = upstream_http_error(400, "Bad Request");
  EXPECT_EQ(error.kind, ErrorCode::invalid_request);
  EXPECT_EQ(error.message, "the upstream provider rejected the request (HTTP 400)");
  EXPECT_EQ(error.code, "");
}

TEST(OpenAiError, NumericCodeFromCompatibleServersIsKeptAsText) {
  const auto error =
      upstream_http_error(400, R"({"error":{"message":"bad input","type":"None","code":400}})");
  EXPECT_EQ(error.code, "400");
}

}  // namespace
}  // namespace agentd::llm

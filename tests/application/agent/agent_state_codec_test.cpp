// A run's state as checkpoint text: everything survives the round trip, and text that is not
// a checkpoint is refused rather than half-read.
#include "application/agent/agent_state_codec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <string>

namespace agentd {
namespace {

ChatMessage message_of(std::string role, std::string content) {
  ChatMessage message;
  message.role = std::move(role);
  message.content = std::move(content);
  return message;
}

void expect_same_message(const ChatMessage& actual, const ChatMessage& expected) {
  EXPECT_EQ(actual.role, expected.role);
  EXPECT_EQ(actual.content, expected.content);
  EXPECT_EQ(actual.content_parts, expected.content_parts);
  EXPECT_EQ(actual.tool_calls, expected.tool_calls);
  EXPECT_EQ(actual.tool_call_id, expected.tool_call_id);
  EXPECT_EQ(actual.name, expected.name);
}

AgentState full_state() {
  AgentState state;
  state.model = "gpt-4o";
  state.tools = {"calculator", "web_search"};
  state.max_steps = 5;
  state.steps = 3;
  state.messages.push_back(message_of("system", "You are \"helpful\".\nBe brief."));
  state.messages.push_back(message_of("user", "Héllo, 世界! 🙂 \\ \t tab"));
  auto picture = message_of("user", "");
  picture.content_parts = boost::json::parse(
      R"([{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}])");
  state.messages.push_back(picture);
  auto asking = message_of("assistant", "Let me compute.");
  asking.tool_calls = {{"call_1", "calculator", R"json({"expression":"2*(3+4)"})json"},
                       {"call_2", "web_search", R"({"q":"日本"})"}};
  state.messages.push_back(asking);
  auto answer = message_of("tool", R"json({"expression":"2*(3+4)","result":14})json");
  answer.tool_call_id = "call_1";
  answer.name = "calculator";
  state.messages.push_back(answer);
  state.pending_calls = {{"call_2", "web_search", R"({"q":"日本"})"}};
  state.usage = {std::int64_t{3'000'000'000}, 45, std::int64_t{3'000'000'045}};
  state.answered_by = "openai-main";
  state.sampling = {
      0.25,         1.0,
      512,          42,
      "end-user-7", boost::json::value{{"type", "function"}, {"function", {{"name", "lookup"}}}},
      false,        boost::json::value{{"type", "json_object"}}};
  state.client_tools = {
      ToolDefinition{"lookup", "Looks a word up",
                     boost::json::object{{"type", "object"}, {"required", {"word"}}}}};
  return state;
}

TEST(AgentStateCodec, RoundTripsEveryField) {
  const auto state = full_state();

  auto decoded = decode_agent_state(encode_agent_state(state));

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->model, state.model);
  EXPECT_EQ(decoded->tools, state.tools);
  EXPECT_EQ(decoded->max_steps, 5);
  EXPECT_EQ(decoded->steps, 3);
  ASSERT_EQ(decoded->messages.size(), state.messages.size());
  for (std::size_t i = 0; i < state.messages.size(); ++i) {
    SCOPED_TRACE(i);
    expect_same_message(decoded->messages[i], state.messages[i]);
  }
  EXPECT_EQ(decoded->pending_calls, state.pending_calls);
  EXPECT_EQ(decoded->usage, state.usage);
  EXPECT_EQ(decoded->answered_by, "openai-main");
  EXPECT_EQ(decoded->sampling, state.sampling);
  ASSERT_EQ(decoded->client_tools.size(), 1u);
  EXPECT_EQ(decoded->client_tools[0].name, "lookup");
  EXPECT_EQ(decoded->client_tools[0].description, "Looks a word up");
  EXPECT_EQ(decoded->client_tools[0].parameters, state.client_tools[0].parameters);
}

TEST(AgentStateCodec, RoundTripsWhatAPausedRunWaitsForAndTheDecisionsTakenOnIt) {
  auto state = full_state();
  state.pending_calls = {{"call_2", "web_search", R"({"q":"日本"})"},
                         {"call_3", "deploy", R"({"env":"prod"})"},
                         {"call_4", "deploy", R"({"env":"staging"})"}};
  state.awaiting_approval = {"call_3", "call_4", "call_2"};
  state.decisions["call_3"] = ToolDecision{true, "", R"({"env":"staging","note":"é \"q\""})"};
  state.decisions["call_4"] = ToolDecision{false, "not on a \"Friday\"\n🙂", std::nullopt};
  state.decisions["call_2"] = ToolDecision{true, "looks fine", std::nullopt};

  auto decoded = decode_agent_state(encode_agent_state(state));

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->pending_calls, state.pending_calls);
  EXPECT_EQ(decoded->awaiting_approval, state.awaiting_approval);  // in order
  EXPECT_EQ(decoded->decisions, state.decisions);
  // An approval without edited arguments stays without: the model's arguments are used.
  EXPECT_FALSE(decoded->decisions.at("call_2").arguments);
}

TEST(AgentStateCodec, RoundTripsTheToolRoundInProgress) {
  auto state = full_state();
  state.pending_calls = {{"call_2", "web_search", R"({"q":"x"})"},
                         {"call_3", "deploy", R"({"env":"prod"})"}};
  state.started_calls = {"call_3", "call_2"};
  ChatMessage answer;
  answer.role = "tool";
  answer.tool_call_id = "call_2";
  answer.name = "web_search";
  answer.content = R"({"results":["日本"]})";
  state.finished_calls["call_2"] = answer;

  auto decoded = decode_agent_state(encode_agent_state(state));

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->started_calls, state.started_calls);  // in order
  ASSERT_EQ(decoded->finished_calls.size(), 1u);
  EXPECT_EQ(decoded->finished_calls.at("call_2").content, answer.content);
  EXPECT_EQ(decoded->finished_calls.at("call_2").tool_call_id, "call_2");
}

TEST(AgentStateCodec, AStateSavedBeforeApprovalsExistedReadsAsWaitingForNothing) {
  auto parsed = boost::json::parse(encode_agent_state(full_state())).as_object();
  parsed.erase("awaiting_approval");
  parsed.erase("decisions");

  auto decoded = decode_agent_state(boost::json::serialize(parsed));

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_TRUE(decoded->awaiting_approval.empty());
  EXPECT_TRUE(decoded->decisions.empty());
  EXPECT_EQ(decoded->pending_calls, full_state().pending_calls);
}

TEST(AgentStateCodec, RoundTripsAnEmptyState) {
  AgentState state;
  state.max_steps = 1;

  auto decoded = decode_agent_state(encode_agent_state(state));

  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_TRUE(decoded->model.empty());
  EXPECT_TRUE(decoded->tools.empty());
  EXPECT_EQ(decoded->max_steps, 1);
  EXPECT_EQ(decoded->steps, 0);
  EXPECT_TRUE(decoded->messages.empty());
  EXPECT_TRUE(decoded->pending_calls.empty());
  EXPECT_EQ(decoded->usage, Usage{});
  EXPECT_TRUE(decoded->awaiting_approval.empty());
  EXPECT_TRUE(decoded->decisions.empty());
}

TEST(AgentStateCodec, AMessageWithoutContentPartsStaysWithout) {
  AgentState state;
  state.messages.push_back(message_of("user", "plain"));

  auto decoded = decode_agent_state(encode_agent_state(state));

  ASSERT_TRUE(decoded);
  EXPECT_FALSE(decoded->messages.at(0).content_parts);
}

TEST(AgentStateCodec, EncodesValidJson) {
  auto parsed = boost::json::parse(encode_agent_state(full_state()));

  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed.at("version"), 1);
}

TEST(AgentStateCodec, RefusesTextThatIsNotACheckpoint) {
  for (const char* text : {"", "not json", "{\"version\":1", "[1,2,3]", "42", "null", "{}",
                           R"({"version":2,"model":"gpt-4o"})", R"({"version":"1"})"}) {
    auto decoded = decode_agent_state(text);
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().kind, ErrorCode::internal) << text;
  }
}

}  // namespace
}  // namespace agentd

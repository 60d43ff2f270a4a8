// Running tool calls: who may run what, argument checks, timeouts, batches under a concurrency
// bound, and an audit record for every call whatever its outcome.
#include "application/tools/execute_tool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_schema_compiler.h"
#include "fakes/fake_tool.h"
#include "fakes/fake_tool_execution_repository.h"
#include "fakes/recording_metrics.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::size_t kConcurrency = 3;
constexpr std::size_t kAuditedArgumentBytes = 8192;  // ExecuteTool's cap

constexpr std::string_view kNeedsAnInteger = R"({
  "type": "object",
  "properties": {"n": {"type": "integer"}},
  "required": ["n"],
  "additionalProperties": false
})";

ToolCall call_of(std::string name, boost::json::value arguments = boost::json::object{},
                 std::string id = {}) {
  ToolCall call;
  call.id = std::move(id);
  call.name = std::move(name);
  call.arguments = std::move(arguments);
  return call;
}

Principal api_key_caller(NameAllowList allowed_tools = std::nullopt) {
  Principal caller;
  caller.user_id = "user-1";
  caller.api_key_id = "key-1";
  caller.allowed_tools = std::move(allowed_tools);
  return caller;
}

std::vector<std::string> ids_of(const std::vector<ToolResult>& results) {
  std::vector<std::string> ids;
  ids.reserve(results.size());
  for (const auto& result : results) ids.push_back(result.tool_call_id);
  return ids;
}

std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

class ExecuteToolTest : public ::testing::Test {
 protected:
  // Registers `tool` (its schema is compiled now) and hands it back for scripting.
  std::shared_ptr<FakeTool> given(std::shared_ptr<FakeTool> tool) {
    auto added = registry_.add(tool);
    EXPECT_TRUE(added) << added.error().message;
    return tool;
  }
  std::shared_ptr<FakeTool> given_tool(std::string name) {
    return given(std::make_shared<FakeTool>(std::move(name)));
  }

  ToolResult run(ToolCall call, const Principal& caller = api_key_caller()) {
    return run_sync(execute_.run(caller, std::move(call)));
  }
  std::vector<ToolResult> run_batch(std::vector<ToolCall> calls,
                                    const Principal& caller = api_key_caller()) {
    return run_sync(execute_.run_batch(caller, std::move(calls)));
  }

  static void expect_error(const ToolResult& result, ErrorCode kind, std::string_view code) {
    ASSERT_FALSE(result.ok()) << result.name << " succeeded";
    EXPECT_EQ(result.error->kind, kind) << result.error->message;
    EXPECT_EQ(result.error->code, code) << result.error->message;
    EXPECT_FALSE(result.result);
  }

  FakeClock clock_;
  FakeIdGenerator ids_;
  FakeToolExecutionRepository audit_;
  FakeSchemaCompiler compiler_;
  ToolRegistry registry_{compiler_};
  RecordingMetrics metrics_;
  ExecuteTool execute_{registry_, audit_, ids_, clock_, kConcurrency, metrics_};
};

TEST_F(ExecuteToolTest, EachCallIsCountedUnderItsToolAndOutcomeAndUnknownNamesShareOneLabel) {
  given_tool("echo");
  given_tool("other");

  run(call_of("echo"));
  run(call_of("echo"), api_key_caller(std::vector<std::string>{"other"}));
  run(call_of("made-up-by-a-caller"));

  ASSERT_EQ(metrics_.tool_calls.size(), 3u);
  EXPECT_EQ(metrics_.tool_calls[0].tool, "echo");
  EXPECT_EQ(metrics_.tool_calls[0].outcome, "ok");
  EXPECT_EQ(metrics_.tool_calls[1].tool, "echo");
  EXPECT_EQ(metrics_.tool_calls[1].outcome, "tool_not_allowed");
  EXPECT_EQ(metrics_.tool_calls[2].tool, "unknown");
  EXPECT_EQ(metrics_.tool_calls[2].outcome, "tool_not_found");
}

TEST_F(ExecuteToolTest, RunsAnAllowedToolAndReturnsItsValue) {
  auto echo = given_tool("echo");
  echo->returns(boost::json::parse(R"({"said":"hello"})"));

  auto result = run(call_of("echo", boost::json::object{{"text", "hello"}}, "call_1"));

  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.tool_call_id, "call_1");
  EXPECT_EQ(result.name, "echo");
  EXPECT_EQ(*result.result, boost::json::parse(R"({"said":"hello"})"));
  ASSERT_EQ(echo->calls(), 1);
  EXPECT_EQ(echo->received()[0], (boost::json::object{{"text", "hello"}}));
}

TEST_F(ExecuteToolTest, TellsTheToolWhoIsCalling) {
  auto echo = given_tool("echo");

  run(call_of("echo"));

  ASSERT_EQ(echo->contexts().size(), 1u);
  EXPECT_EQ(echo->contexts()[0].user_id, "user-1");
  EXPECT_EQ(echo->contexts()[0].api_key_id, "key-1");
}

TEST_F(ExecuteToolTest, AToolTheCallerMayNotUseIsForbiddenAndAudited) {
  auto echo = given_tool("echo");
  given_tool("other");

  auto result = run(call_of("echo"), api_key_caller(std::vector<std::string>{"other"}));

  expect_error(result, ErrorCode::forbidden, "tool_not_allowed");
  EXPECT_THAT(result.error->message, HasSubstr("echo"));
  EXPECT_EQ(echo->calls(), 0);
  const auto records = audit_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].tool, "echo");
  EXPECT_EQ(records[0].status, "error");
  EXPECT_EQ(records[0].error_code, "tool_not_allowed");
  EXPECT_EQ(records[0].user_id, "user-1");
  EXPECT_EQ(records[0].api_key_id, "key-1");
}

TEST_F(ExecuteToolTest, AnEmptyToolListForbidsEveryTool) {
  auto echo = given_tool("echo");

  auto result = run(call_of("echo"), api_key_caller(std::vector<std::string>{}));

  expect_error(result, ErrorCode::forbidden, "tool_not_allowed");
  EXPECT_EQ(echo->calls(), 0);
}

TEST_F(ExecuteToolTest, AnUnknownToolIsNotFoundAndAudited) {
  auto result = run(call_of("nope"));

  expect_error(result, ErrorCode::not_found, "tool_not_found");
  const auto records = audit_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].tool, "nope");
  EXPECT_EQ(records[0].error_code, "tool_not_found");
}

TEST_F(ExecuteToolTest, AnUnknownToolOutsideTheCallersListIsForbiddenNotRevealed) {
  auto result = run(call_of("nope"), api_key_caller(std::vector<std::string>{"echo"}));

  expect_error(result, ErrorCode::forbidden, "tool_not_allowed");
}

TEST_F(ExecuteToolTest, AToolThatNeedsAPersonIsRefusedAndNamesTheWayToRunIt) {
  auto deploy = std::make_shared<FakeTool>("deploy");
  deploy->with_approval_required();
  given(deploy);

  auto result = run(call_of("deploy"));

  expect_error(result, ErrorCode::forbidden, "approval_required");
  EXPECT_THAT(result.error->message, HasSubstr("deploy"));
  EXPECT_THAT(result.error->message, HasSubstr("conversation"));
  EXPECT_EQ(deploy->calls(), 0);
  const auto records = audit_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].error_code, "approval_required");
}

TEST_F(ExecuteToolTest, AToolTheCallersKeyListsForApprovalIsRefused) {
  auto echo = given_tool("echo");
  auto caller = api_key_caller();
  caller.approval_required_tools = {"echo"};

  auto result = run(call_of("echo"), caller);

  expect_error(result, ErrorCode::forbidden, "approval_required");
  EXPECT_EQ(echo->calls(), 0);
  EXPECT_TRUE(run(call_of("echo")).ok()) << "another key without the list may run it";
}

TEST_F(ExecuteToolTest, ACallAPersonApprovedRuns) {
  auto deploy = std::make_shared<FakeTool>("deploy");
  deploy->with_approval_required();
  given(deploy);

  auto result = run_sync(execute_.run(api_key_caller(), call_of("deploy"),
                                      CallOrigin{"conv-1", PersonApproval::granted}));

  EXPECT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(deploy->calls(), 1);
}

TEST_F(ExecuteToolTest, ABatchRefusesOnlyTheCallsThatNeedAPerson) {
  auto deploy = std::make_shared<FakeTool>("deploy");
  deploy->with_approval_required();
  given(deploy);
  given_tool("echo");
  std::vector<ToolCall> calls;
  calls.push_back(call_of("deploy", boost::json::object{}, "a"));
  calls.push_back(call_of("echo", boost::json::object{}, "b"));

  auto results = run_batch(std::move(calls));

  ASSERT_EQ(results.size(), 2u);
  expect_error(results[0], ErrorCode::forbidden, "approval_required");
  EXPECT_TRUE(results[1].ok());
  EXPECT_EQ(deploy->calls(), 0);
}

TEST_F(ExecuteToolTest, AcceptsArgumentsAsAJsonString) {
  auto echo = given_tool("echo");

  auto result = run(call_of("echo", boost::json::string(R"({"text":"hi","n":2})")));

  ASSERT_TRUE(result.ok()) << result.error->message;
  ASSERT_EQ(echo->calls(), 1);
  EXPECT_EQ(echo->received()[0], (boost::json::object{{"text", "hi"}, {"n", 2}}));
}

TEST_F(ExecuteToolTest, AcceptsArgumentsAsAnObject) {
  auto echo = given_tool("echo");

  auto result = run(call_of("echo", boost::json::object{{"text", "hi"}}));

  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(echo->received().at(0), (boost::json::object{{"text", "hi"}}));
}

TEST_F(ExecuteToolTest, MissingOrEmptyArgumentsAreAnEmptyObject) {
  auto echo = given_tool("echo");

  EXPECT_TRUE(run(call_of("echo", nullptr)).ok());
  EXPECT_TRUE(run(call_of("echo", boost::json::string(""))).ok());

  ASSERT_EQ(echo->calls(), 2);
  EXPECT_TRUE(echo->received()[0].empty());
  EXPECT_TRUE(echo->received()[1].empty());
}

TEST_F(ExecuteToolTest, ArgumentsThatAreNotJsonAreInvalid) {
  auto echo = given_tool("echo");

  auto result = run(call_of("echo", boost::json::string(R"({"text": "unterminated)")));

  expect_error(result, ErrorCode::invalid_request, "invalid_arguments");
  EXPECT_EQ(result.error->param, "arguments");
  EXPECT_EQ(echo->calls(), 0);
  ASSERT_EQ(audit_.records().size(), 1u);
  EXPECT_EQ(audit_.records()[0].error_code, "invalid_arguments");
}

TEST_F(ExecuteToolTest, ArgumentsThatAreNotAnObjectAreInvalid) {
  auto echo = given_tool("echo");

  for (const boost::json::value& arguments :
       {boost::json::value(boost::json::string("[1,2]")), boost::json::value(42),
        boost::json::value(boost::json::array{1, 2})}) {
    auto result = run(call_of("echo", arguments));
    expect_error(result, ErrorCode::invalid_request, "invalid_arguments");
    EXPECT_EQ(result.error->param, "arguments");
  }
  EXPECT_EQ(echo->calls(), 0);
}

TEST_F(ExecuteToolTest, ArgumentsAgainstTheSchemaAreInvalidAndNameTheField) {
  auto strict = std::make_shared<FakeTool>("strict");
  strict->with_parameters(kNeedsAnInteger);
  given(strict);

  auto wrong_type = run(call_of("strict", boost::json::object{{"n", "one"}}));
  auto missing = run(call_of("strict", boost::json::string("{}")));

  expect_error(wrong_type, ErrorCode::invalid_request, "invalid_arguments");
  EXPECT_EQ(wrong_type.error->param, "n");
  expect_error(missing, ErrorCode::invalid_request, "invalid_arguments");
  EXPECT_EQ(missing.error->param, "n");
  EXPECT_EQ(strict->calls(), 0);
  EXPECT_TRUE(run(call_of("strict", boost::json::object{{"n", 3}})).ok());
  EXPECT_EQ(strict->calls(), 1);
}

TEST_F(ExecuteToolTest, AToolFailureIsAToolError) {
  given_tool("flaky")->fails_with("the service said no");

  auto result = run(call_of("flaky"));

  expect_error(result, ErrorCode::unprocessable, "tool_error");
  EXPECT_EQ(result.error->message, "the service said no");
  ASSERT_EQ(audit_.records().size(), 1u);
  EXPECT_EQ(audit_.records()[0].error_message, "the service said no");
}

TEST_F(ExecuteToolTest, AToolThatThrowsIsAToolErrorThatHidesTheDetails) {
  given_tool("buggy")->throws("secret internal detail");

  auto result = run(call_of("buggy"));

  expect_error(result, ErrorCode::unprocessable, "tool_error");
  EXPECT_THAT(result.error->message, HasSubstr("buggy"));
  EXPECT_THAT(result.error->message, ::testing::Not(HasSubstr("secret")));
}

TEST_F(ExecuteToolTest, ASlowToolTimesOutAtItsTimeoutAndIsCancelled) {
  auto stuck = given_tool("stuck");
  stuck->sleeps_for(10s).with_timeout(100ms).takes(clock_, 100ms);

  const auto started = std::chrono::steady_clock::now();
  auto result = run(call_of("stuck"));
  const auto took = elapsed_ms(started);

  expect_error(result, ErrorCode::gateway_timeout, "tool_timeout");
  EXPECT_THAT(result.error->message, HasSubstr("100 ms"));
  EXPECT_GE(took, 100);
  EXPECT_LT(took, 2000);
  EXPECT_EQ(result.duration_ms, 100);
  EXPECT_EQ(stuck->cancellations(), 1);
  EXPECT_EQ(stuck->running(), 0);
  ASSERT_EQ(audit_.records().size(), 1u);
  EXPECT_EQ(audit_.records()[0].error_code, "tool_timeout");
  EXPECT_EQ(audit_.records()[0].duration_ms, 100);
}

TEST_F(ExecuteToolTest, ACallCancelledByItsCallerIsStillAudited) {
  auto stuck = given_tool("stuck");
  stuck->sleeps_for(10s);
  auto cancel_soon = [this]() -> boost::asio::awaitable<bool> {
    using namespace boost::asio::experimental::awaitable_operators;
    boost::asio::steady_timer soon(co_await boost::asio::this_coro::executor, 50ms);
    auto call = call_of("stuck");
    const auto caller = api_key_caller();
    try {
      co_await (execute_.run(caller, std::move(call)) ||
                soon.async_wait(boost::asio::use_awaitable));
    } catch (const boost::system::system_error&) {
      co_return false;
    }
    co_return true;
  };

  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(run_sync(cancel_soon()));
  EXPECT_LT(elapsed_ms(started), 2000);

  ASSERT_EQ(audit_.records().size(), 1u);
  EXPECT_EQ(audit_.records()[0].tool, "stuck");
  EXPECT_EQ(audit_.records()[0].status, "error");
}

TEST_F(ExecuteToolTest, AToolWithinItsTimeoutIsNotCancelled) {
  auto slow = given_tool("slow");
  slow->sleeps_for(20ms).with_timeout(2s).takes(clock_, 20ms);

  auto result = run(call_of("slow"));

  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.duration_ms, 20);
  EXPECT_EQ(slow->cancellations(), 0);
}

TEST_F(ExecuteToolTest, EveryCallIsAuditedWithItsOutcome) {
  auto slow = given_tool("slow");
  slow->takes(clock_, 30ms);
  given_tool("flaky")->fails_with("broken");
  clock_.set(FakeClock::time_point(std::chrono::seconds(1'750'000'000)));

  run(call_of("slow", boost::json::object{{"q", 1}}));
  run(call_of("flaky"));

  const auto records = audit_.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].tool, "slow");
  EXPECT_EQ(records[0].status, "ok");
  EXPECT_FALSE(records[0].error_code);
  EXPECT_FALSE(records[0].error_message);
  EXPECT_EQ(records[0].duration_ms, 30);
  EXPECT_EQ(boost::json::parse(records[0].arguments), boost::json::parse(R"({"q":1})"));
  EXPECT_EQ(records[0].created_at, clock_.now());
  EXPECT_FALSE(records[0].conversation_id);
  EXPECT_EQ(records[1].tool, "flaky");
  EXPECT_EQ(records[1].status, "error");
  EXPECT_EQ(records[1].error_code, "tool_error");
  EXPECT_EQ(records[1].error_message, "broken");
  EXPECT_NE(records[0].id, records[1].id);
}

TEST_F(ExecuteToolTest, TheAuditRecordsArgumentsSentAsAStringAsTheJsonTheyHold) {
  given_tool("echo");

  run(call_of("echo", boost::json::string(R"({"q": 1})")));

  ASSERT_EQ(audit_.records().size(), 1u);
  EXPECT_EQ(boost::json::parse(audit_.records()[0].arguments), boost::json::parse(R"({"q":1})"));
}

TEST_F(ExecuteToolTest, TheAuditCapsLongArgumentsOnACharacterBoundary) {
  given_tool("echo");
  // 3000 three-byte characters: 9000 bytes, cut at 8 KiB, which falls inside one of them.
  std::string long_text;
  for (int i = 0; i < 3000; ++i) long_text += "\u20ac";

  run(call_of("echo", boost::json::object{{"text", long_text}}));

  const auto records = audit_.records();
  ASSERT_EQ(records.size(), 1u);
  const auto& stored = records[0].arguments;
  EXPECT_LE(stored.size(), kAuditedArgumentBytes + std::string("\u2026").size());
  EXPECT_THAT(stored, StartsWith("{\"text\":\"\u20ac\u20ac"));
  // The parser checks UTF-8: a split character would make it fail.
  boost::system::error_code ec;
  boost::json::parse(boost::json::serialize(boost::json::string(stored)), ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(ExecuteToolTest, AFailingAuditDoesNotFailTheCall) {
  given_tool("echo");
  audit_.fails_with(Error::unavailable("disk full"));

  auto result = run(call_of("echo"));

  EXPECT_TRUE(result.ok());
}

TEST_F(ExecuteToolTest, GeneratesAnIdForACallWithout) {
  given_tool("echo");

  auto first = run(call_of("echo"));
  auto second = run(call_of("echo"));
  auto named = run(call_of("echo", boost::json::object{}, "call_mine"));

  EXPECT_THAT(first.tool_call_id, StartsWith("call_"));
  EXPECT_GT(first.tool_call_id.size(), std::string("call_").size());
  EXPECT_NE(first.tool_call_id, second.tool_call_id);
  EXPECT_EQ(named.tool_call_id, "call_mine");
}

TEST_F(ExecuteToolTest, ABatchAnswersInInputOrderAndOneFailureHidesNothing) {
  given_tool("slow")->sleeps_for(60ms).returns(boost::json::parse(R"({"who":"slow"})"));
  given_tool("fast")->returns(boost::json::parse(R"({"who":"fast"})"));
  given_tool("flaky")->fails_with("no luck");
  std::vector<ToolCall> calls;
  calls.push_back(call_of("slow", boost::json::object{}, "a"));
  calls.push_back(call_of("fast", boost::json::object{}, "b"));
  calls.push_back(call_of("flaky", boost::json::object{}, "c"));
  calls.push_back(call_of("missing", boost::json::object{}, "d"));
  calls.push_back(call_of("fast", boost::json::string("not json"), "e"));
  calls.push_back(call_of("fast", boost::json::object{}, "f"));

  auto results = run_batch(std::move(calls));

  EXPECT_EQ(ids_of(results), (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
  ASSERT_EQ(results.size(), 6u);
  ASSERT_TRUE(results[0].ok());
  EXPECT_EQ(*results[0].result, boost::json::parse(R"({"who":"slow"})"));
  ASSERT_TRUE(results[1].ok());
  EXPECT_EQ(*results[1].result, boost::json::parse(R"({"who":"fast"})"));
  expect_error(results[2], ErrorCode::unprocessable, "tool_error");
  expect_error(results[3], ErrorCode::not_found, "tool_not_found");
  expect_error(results[4], ErrorCode::invalid_request, "invalid_arguments");
  ASSERT_TRUE(results[5].ok());
  EXPECT_EQ(results[5].name, "fast");
  EXPECT_EQ(audit_.records().size(), 6u);
}

TEST_F(ExecuteToolTest, ABatchChecksEachCallAgainstTheCallersList) {
  given_tool("calculator");
  given_tool("current_time");
  std::vector<ToolCall> calls;
  calls.push_back(call_of("calculator", boost::json::object{}, "a"));
  calls.push_back(call_of("current_time", boost::json::object{}, "b"));

  auto results =
      run_batch(std::move(calls), api_key_caller(std::vector<std::string>{"calculator"}));

  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].ok());
  expect_error(results[1], ErrorCode::forbidden, "tool_not_allowed");
}

TEST_F(ExecuteToolTest, ABatchRunsCallsConcurrentlyButNeverBeyondTheBound) {
  auto slow = given_tool("slow");
  slow->sleeps_for(40ms);
  std::vector<ToolCall> calls;
  calls.reserve(10);
  for (int i = 0; i < 10; ++i) calls.push_back(call_of("slow", boost::json::object{{"i", i}}));

  auto results = run_batch(std::move(calls));

  ASSERT_EQ(results.size(), 10u);
  for (const auto& result : results) EXPECT_TRUE(result.ok());
  EXPECT_EQ(slow->calls(), 10);
  // Exactly the bound: more would break it, fewer would mean the calls ran one by one.
  EXPECT_EQ(slow->most_at_once(), static_cast<int>(kConcurrency));
  // Each call got its own arguments, in order.
  const auto received = slow->received();
  ASSERT_EQ(received.size(), 10u);
  std::vector<std::int64_t> seen;
  seen.reserve(received.size());
  for (const auto& arguments : received) seen.push_back(arguments.at("i").as_int64());
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_F(ExecuteToolTest, ABatchGeneratesDistinctIdsAndAuditsEveryCall) {
  given_tool("echo");
  std::vector<ToolCall> calls(5, call_of("echo"));

  auto results = run_batch(std::move(calls));

  auto ids = ids_of(results);
  ASSERT_EQ(ids.size(), 5u);
  for (const auto& id : ids) EXPECT_THAT(id, StartsWith("call_"));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(audit_.records().size(), 5u);
}

TEST_F(ExecuteToolTest, AnEmptyBatchAnswersNothing) {
  EXPECT_TRUE(run_batch({}).empty());
  EXPECT_TRUE(audit_.records().empty());
}

TEST_F(ExecuteToolTest, ABatchOfSlowCallsEachTimesOutOnItsOwn) {
  auto stuck = given_tool("stuck");
  stuck->sleeps_for(10s).with_timeout(50ms);
  given_tool("fast");
  std::vector<ToolCall> calls;
  calls.reserve(4);
  for (int i = 0; i < 4; ++i) calls.push_back(call_of(i % 2 == 0 ? "stuck" : "fast"));

  auto results = run_batch(std::move(calls));

  ASSERT_EQ(results.size(), 4u);
  expect_error(results[0], ErrorCode::gateway_timeout, "tool_timeout");
  EXPECT_TRUE(results[1].ok());
  expect_error(results[2], ErrorCode::gateway_timeout, "tool_timeout");
  EXPECT_TRUE(results[3].ok());
  EXPECT_EQ(stuck->cancellations(), 2);
}

}  // namespace
}  // namespace agentd

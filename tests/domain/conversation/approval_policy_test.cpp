#include "domain/conversation/approval_policy.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

using namespace std::chrono_literals;

const Timestamp kNow = Timestamp{} + 1000h;

Approval pending(std::string tool_call_id, Timestamp expires_at = kNow + 1h) {
  Approval approval;
  approval.id = "approval-" + tool_call_id;
  approval.tool_call_id = std::move(tool_call_id);
  approval.tool = "shell";
  approval.arguments = "{}";
  approval.expires_at = expires_at;
  return approval;
}

ApprovalDecision decision(std::string tool_call_id, bool approved) {
  ApprovalDecision d;
  d.tool_call_id = std::move(tool_call_id);
  d.approved = approved;
  return d;
}

Principal caller_with_approval_list(std::vector<std::string> tools) {
  Principal caller;
  caller.user_id = "user-1";
  caller.approval_required_tools = std::move(tools);
  return caller;
}

TEST(ApprovalPolicy, AToolConfiguredForApprovalAlwaysWaits) {
  EXPECT_EQ(approval_requirement(ToolRequiresApproval::yes, caller_with_approval_list({}), "shell"),
            ApprovalRequirement::by_tool);
}

TEST(ApprovalPolicy, AKeyCanAskForApprovalOfAToolThatNeedsNone) {
  const auto caller = caller_with_approval_list({"http_get"});
  EXPECT_EQ(approval_requirement(ToolRequiresApproval::no, caller, "http_get"),
            ApprovalRequirement::by_caller_key);
  EXPECT_EQ(approval_requirement(ToolRequiresApproval::no, caller, "calculator"),
            ApprovalRequirement::none);
}

TEST(ApprovalPolicy, TheKeysOwnListIsNamedEvenWhenTheToolAlsoWaits) {
  const auto caller = caller_with_approval_list({"shell"});
  EXPECT_EQ(approval_requirement(ToolRequiresApproval::yes, caller, "shell"),
            ApprovalRequirement::by_caller_key);
}

TEST(ApprovalPolicy, NothingWaitsWithoutConfigurationOrKeyList) {
  EXPECT_EQ(
      approval_requirement(ToolRequiresApproval::no, caller_with_approval_list({}), "calculator"),
      ApprovalRequirement::none);
}

Approval waiting_call(std::optional<std::string> required_by_key) {
  Approval approval;
  approval.tool_call_id = "call-1";
  approval.tool = "shell";
  approval.required_by_api_key_id = std::move(required_by_key);
  return approval;
}

Principal key_caller(std::string key_id, bool can_approve) {
  Principal caller;
  caller.user_id = "user-1";
  caller.api_key_id = std::move(key_id);
  caller.can_approve = can_approve;
  return caller;
}

TEST(ApprovalDecider, APersonsSessionMayDecide) {
  User user;
  user.id = "user-1";
  const auto session = Principal::for_session(user, "session-1");
  EXPECT_TRUE(may_decide(session, waiting_call("key-1")));
}

TEST(ApprovalDecider, AKeyWithoutCanApproveMayNot) {
  auto refused = may_decide(key_caller("key-2", false), waiting_call(std::nullopt));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::forbidden);
  EXPECT_EQ(refused.error().code, "approval_not_allowed");
}

TEST(ApprovalDecider, AKeyMayNotDecideACallItsOwnListMadeWait) {
  auto refused = may_decide(key_caller("key-1", true), waiting_call("key-1"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorCode::forbidden);
  EXPECT_EQ(refused.error().code, "self_approval");
}

TEST(ApprovalDecider, AKeyThatMayApproveDecidesWhatAnotherKeyOrTheConfigMadeWait) {
  EXPECT_TRUE(may_decide(key_caller("key-1", true), waiting_call("key-2")));
  EXPECT_TRUE(may_decide(key_caller("key-1", true), waiting_call(std::nullopt)));
}

TEST(ApprovalDecisions, EveryPendingCallDecidedOnceIsAccepted) {
  const std::vector<Approval> approvals{pending("a"), pending("b")};
  EXPECT_TRUE(check_decisions(approvals, {decision("a", true), decision("b", false)}, kNow));
}

TEST(ApprovalDecisions, AnUnknownToolCallIsRefused) {
  const std::vector<Approval> approvals{pending("a")};
  auto checked = check_decisions(approvals, {decision("a", true), decision("zzz", true)}, kNow);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(checked.error().code, "unknown_tool_call");
}

TEST(ApprovalDecisions, AMissingDecisionIsRefused) {
  const std::vector<Approval> approvals{pending("a"), pending("b")};
  auto checked = check_decisions(approvals, {decision("a", true)}, kNow);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, "decisions_incomplete");
}

TEST(ApprovalDecisions, DecidingACallTwiceIsRefused) {
  const std::vector<Approval> approvals{pending("a")};
  auto checked = check_decisions(approvals, {decision("a", true), decision("a", false)}, kNow);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, "duplicate_decision");
}

TEST(ApprovalDecisions, ExpiredCallsNeedNoDecision) {
  const std::vector<Approval> approvals{pending("a"), pending("old", kNow - 1s)};
  EXPECT_TRUE(check_decisions(approvals, {decision("a", true)}, kNow));
  EXPECT_TRUE(check_decisions({pending("old", kNow)}, {}, kNow));
}

TEST(ApprovalDecisions, EditedArgumentsOnlyComeWithAnApproval) {
  const std::vector<Approval> approvals{pending("a")};
  auto reject = decision("a", false);
  reject.arguments = R"({"x":1})";
  EXPECT_FALSE(check_decisions(approvals, {reject}, kNow));
  auto approve = decision("a", true);
  approve.arguments = R"({"x":1})";
  EXPECT_TRUE(check_decisions(approvals, {approve}, kNow));
}

TEST(Approval, ExpiresOnlyWhilePendingAndOnceItsTimeHasCome) {
  auto approval = pending("a", kNow);
  EXPECT_TRUE(approval.is_expired(kNow));
  EXPECT_FALSE(approval.is_expired(kNow - 1s));
  approval.status = ApprovalStatus::approved;
  EXPECT_FALSE(approval.is_expired(kNow + 1h));
}

TEST(Approval, StatusNamesRoundTrip) {
  for (auto status : {ApprovalStatus::pending, ApprovalStatus::approved, ApprovalStatus::rejected,
                      ApprovalStatus::expired}) {
    EXPECT_EQ(parse_approval_status(to_string(status)), status);
  }
  EXPECT_EQ(parse_approval_status("maybe"), std::nullopt);
}

}  // namespace
}  // namespace agentd

#include "application/usage/usage_report.h"

#include <gtest/gtest.h>

#include "fakes/fake_usage_repository.h"
#include "fakes/fake_user_repository.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

const Timestamp kDay1 = std::chrono::sys_days{std::chrono::year{2026} / 3 / 14} + 9h;

class UsageReportTest : public ::testing::Test {
 protected:
  UsageReportTest() {
    for (const char* id : {"alice", "bob"}) {
      User user;
      user.id = id;
      user.email = std::string(id) + "@example.org";
      user.created_at = kDay1;
      if (!run_sync(users_.create(std::move(user)))) throw std::runtime_error("no user");
    }
    if (!run_sync(usage_.append({record("u1", "alice", "gpt", kDay1, 100, 5'000),
                                 record("u2", "alice", "claude", kDay1 + 24h, 10, std::nullopt),
                                 record("u3", "bob", "gpt", kDay1, 1'000, 7'000)}))) {
      throw std::runtime_error("no usage");
    }
  }

  static UsageRecord record(std::string id, std::string user, std::string model, Timestamp at,
                            std::int64_t input, std::optional<std::int64_t> cost) {
    UsageRecord record;
    record.id = std::move(id);
    record.user_id = std::move(user);
    record.model = std::move(model);
    record.created_at = at;
    record.input_tokens = input;
    record.output_tokens = 1;
    record.cost_nanos = cost;
    record.status = "ok";
    return record;
  }

  static Principal person(std::string id, Role role = Role::user) {
    Principal caller;
    caller.user_id = std::move(id);
    caller.role = role;
    return caller;
  }

  Result<UsageSummary> summarize(const Principal& caller, UsageQuery query) {
    return run_sync(report_.summarize(caller, std::move(query)));
  }

  FakeUsageRepository usage_;
  FakeUserRepository users_;
  UsageReport report_{usage_, users_};
};

TEST_F(UsageReportTest, APersonSeesOnlyTheirOwnUsageWithTotals) {
  UsageQuery query;
  query.group_by = UsageGrouping::model;
  auto summary = summarize(person("alice"), query);
  ASSERT_TRUE(summary);
  ASSERT_EQ(summary->page.items.size(), 2u);
  EXPECT_EQ(summary->page.items[0].key, "claude");
  EXPECT_EQ(summary->page.items[1].key, "gpt");
  EXPECT_EQ(summary->page.items[1].input_tokens, 100);
  EXPECT_EQ(summary->totals.requests, 2);
  EXPECT_EQ(summary->totals.input_tokens, 110);
  EXPECT_EQ(summary->totals.cost_nanos, 5'000);  // the unpriced call adds nothing
}

TEST_F(UsageReportTest, APersonMayNotReadAnotherUsersUsage) {
  UsageQuery query;
  query.user_id = "bob";
  auto summary = summarize(person("alice"), query);
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().kind, ErrorCode::forbidden);
}

TEST_F(UsageReportTest, AnAdministratorSeesEveryonesOrOneUsers) {
  UsageQuery everyone;
  everyone.group_by = UsageGrouping::model;
  auto all = summarize(person("root", Role::admin), everyone);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->totals.requests, 3);
  EXPECT_EQ(all->totals.cost_nanos, 12'000);

  UsageQuery bobs = everyone;
  bobs.user_id = "bob";
  auto one = summarize(person("root", Role::admin), bobs);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->totals.requests, 1);
  EXPECT_EQ(one->totals.input_tokens, 1'000);
}

TEST_F(UsageReportTest, AnUnknownUserIsNotFound) {
  UsageQuery query;
  query.user_id = "nobody";
  auto summary = summarize(person("root", Role::admin), query);
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().kind, ErrorCode::not_found);
}

TEST_F(UsageReportTest, PagesFollowTheCursorAndTotalsCoverTheWholeRange) {
  UsageQuery query;
  query.group_by = UsageGrouping::day;
  query.limit = 1;
  auto first = summarize(person("alice"), query);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->page.items.size(), 1u);
  EXPECT_EQ(first->page.items[0].key, "2026-03-14");
  EXPECT_TRUE(first->page.has_more);
  EXPECT_EQ(first->totals.requests, 2);

  query.after = "2026-03-14";
  auto second = summarize(person("alice"), query);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->page.items.size(), 1u);
  EXPECT_EQ(second->page.items[0].key, "2026-03-15");
  EXPECT_FALSE(second->page.has_more);
}

TEST_F(UsageReportTest, ARangeThatEndsBeforeItStartsIsRefused) {
  UsageQuery query;
  query.from = kDay1;
  query.to = kDay1 - 1h;
  auto summary = summarize(person("alice"), query);
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().code, "invalid_range");
}

TEST_F(UsageReportTest, TheRangeLimitsWhatIsSummed) {
  UsageQuery query;
  query.from = kDay1 + 1h;
  auto summary = summarize(person("alice"), query);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->totals.requests, 1);
  EXPECT_EQ(summary->totals.cost_nanos, std::nullopt);
}

}  // namespace
}  // namespace agentd

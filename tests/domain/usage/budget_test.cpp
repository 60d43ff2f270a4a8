#include "domain/usage/budget.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

// Wednesday 2026-12-30, 17:45 UTC.
const Timestamp kBudgetTestNow = sys_days{2026y / December / 30} + 17h + 45min;

TEST(BudgetPeriod, ADayRunsFromMidnightToMidnightUtc) {
  EXPECT_EQ(period_start(BudgetPeriod::day, kBudgetTestNow), sys_days{2026y / December / 30});
  EXPECT_EQ(period_end(BudgetPeriod::day, kBudgetTestNow), sys_days{2026y / December / 31});
}

TEST(BudgetPeriod, AWeekStartsOnMonday) {
  EXPECT_EQ(period_start(BudgetPeriod::week, kBudgetTestNow), sys_days{2026y / December / 28});
  EXPECT_EQ(period_end(BudgetPeriod::week, kBudgetTestNow), sys_days{2027y / January / 4});
  // Monday's first instant is in the new week; Sunday's last in the old one.
  const Timestamp monday = sys_days{2026y / December / 28};
  EXPECT_EQ(period_start(BudgetPeriod::week, monday), monday);
  EXPECT_EQ(period_start(BudgetPeriod::week, monday - 1us), sys_days{2026y / December / 21});
}

TEST(BudgetPeriod, AMonthEndsAtTheFirstOfTheNextYearIncluded) {
  EXPECT_EQ(period_start(BudgetPeriod::month, kBudgetTestNow), sys_days{2026y / December / 1});
  EXPECT_EQ(period_end(BudgetPeriod::month, kBudgetTestNow), sys_days{2027y / January / 1});
}

TEST(BudgetPeriod, TotalNeverResets) {
  EXPECT_EQ(period_start(BudgetPeriod::total, kBudgetTestNow), Timestamp{});
  EXPECT_EQ(period_end(BudgetPeriod::total, kBudgetTestNow), std::nullopt);
}

TEST(BudgetPeriod, NamesRoundTrip) {
  for (auto period :
       {BudgetPeriod::day, BudgetPeriod::week, BudgetPeriod::month, BudgetPeriod::total}) {
    EXPECT_EQ(parse_budget_period(to_string(period)), period);
  }
  EXPECT_EQ(parse_budget_period("year"), std::nullopt);
}

}  // namespace
}  // namespace agentd

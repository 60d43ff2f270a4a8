#include "domain/conversation/run.h"

#include <gtest/gtest.h>

namespace agentd {
namespace {

constexpr RunStatus kEveryStatus[] = {RunStatus::running, RunStatus::awaiting_approval,
                                      RunStatus::completed, RunStatus::failed,
                                      RunStatus::cancelled};

TEST(RunStatus, NamesRoundTrip) {
  for (auto status : kEveryStatus) {
    EXPECT_EQ(parse_run_status(to_string(status)), status) << to_string(status);
  }
  EXPECT_EQ(to_string(RunStatus::completed), "completed");
  EXPECT_EQ(to_string(RunStatus::awaiting_approval), "awaiting_approval");
  EXPECT_EQ(to_string(RunStatus::cancelled), "cancelled");
}

TEST(RunStatus, AnUnknownNameIsNotAStatus) {
  EXPECT_EQ(parse_run_status("canceled"), std::nullopt);
  EXPECT_EQ(parse_run_status("COMPLETED"), std::nullopt);
  EXPECT_EQ(parse_run_status(""), std::nullopt);
}

TEST(RunStatus, OnlyCompletedFailedAndCancelledAreFinal) {
  EXPECT_FALSE(is_final(RunStatus::running));
  EXPECT_FALSE(is_final(RunStatus::awaiting_approval));
  EXPECT_TRUE(is_final(RunStatus::completed));
  EXPECT_TRUE(is_final(RunStatus::failed));
  EXPECT_TRUE(is_final(RunStatus::cancelled));
}

TEST(Usage, AddsEveryCount) {
  Usage total{1, 2, 3};

  total += Usage{10, 20, 30};

  EXPECT_EQ(total, (Usage{11, 22, 33}));
}

}  // namespace
}  // namespace agentd

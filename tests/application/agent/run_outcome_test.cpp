// record_outcome: the one mapping from how a run's graph stopped to the run's final status.
#include "application/agent/run_outcome.h"

#include <gtest/gtest.h>

#include "application/agent/graph/graph_runner.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

const Timestamp kStarted = Timestamp{} + 1000h;
const Timestamp kNow = kStarted + 5s;

Run running_run() {
  Run run;
  run.id = "run-1";
  run.created_at = kStarted;
  run.updated_at = kStarted;
  return run;
}

graph::Report report_of(graph::Outcome outcome, std::optional<Error> error = std::nullopt) {
  graph::Report report;
  report.outcome = outcome;
  report.error = std::move(error);
  return report;
}

TEST(RecordOutcome, FinishedGraphCompletesTheRun) {
  auto run = running_run();
  auto error = record_outcome(run, report_of(graph::Outcome::finished), kNow);
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(run.status, RunStatus::completed);
  EXPECT_FALSE(run.error.has_value());
  EXPECT_EQ(run.updated_at, kNow);
  EXPECT_EQ(run.finished_at, kNow);
}

TEST(RecordOutcome, CancelledGraphCancelsTheRunWithoutAnError) {
  auto run = running_run();
  auto error = record_outcome(run, report_of(graph::Outcome::cancelled), kNow);
  EXPECT_FALSE(error.has_value());
  EXPECT_EQ(run.status, RunStatus::cancelled);
  EXPECT_FALSE(run.error.has_value());
  EXPECT_EQ(run.finished_at, kNow);
}

TEST(RecordOutcome, FailureKeepsItsErrorOnTheRunAndReturnsIt) {
  auto run = running_run();
  Error upstream{ErrorCode::bad_gateway, "the upstream broke", {}, "upstream_error"};
  auto error = record_outcome(run, report_of(graph::Outcome::failed, upstream), kNow);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorCode::bad_gateway);
  EXPECT_EQ(error->code, "upstream_error");
  EXPECT_EQ(run.status, RunStatus::failed);
  EXPECT_EQ(run.error, "the upstream broke");
  EXPECT_EQ(run.finished_at, kNow);
}

TEST(RecordOutcome, FailureWithoutAReasonStillSaysWhy) {
  auto run = running_run();
  auto error = record_outcome(run, report_of(graph::Outcome::failed), kNow);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorCode::internal);
  EXPECT_EQ(run.status, RunStatus::failed);
  EXPECT_EQ(run.error, error->message);
}

TEST(RecordOutcome, NodeLimitFailsTheRunAsAnInternalError) {
  auto run = running_run();
  auto error = record_outcome(run, report_of(graph::Outcome::node_limit), kNow);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorCode::internal);
  EXPECT_EQ(run.status, RunStatus::failed);
  EXPECT_EQ(run.error, "the run stopped at its node limit");
  EXPECT_EQ(run.finished_at, kNow);
}

}  // namespace
}  // namespace agentd

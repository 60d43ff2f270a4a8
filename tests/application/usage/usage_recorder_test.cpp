#include "application/usage/usage_recorder.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_usage_repository.h"
#include "fakes/recording_metrics.h"
#include "fakes/run_sync.h"

namespace agentd {
namespace {

using namespace std::chrono_literals;

class UsageRecorderTest : public ::testing::Test {
 protected:
  Principal key_caller() const {
    Principal caller;
    caller.user_id = "user-1";
    caller.api_key_id = "key-1";
    return caller;
  }

  // A call of 1,000 input and 200 output tokens that takes `duration`.
  void one_call(std::optional<ModelPrice> price, std::chrono::milliseconds duration = 40ms) {
    const auto call = recorder_.start(key_caller(), "gpt", "openai", price);
    clock_.advance(duration);
    recorder_.finish(call, clock_.steady_now(), "ok", Usage{1'000, 200, 1'200, 100});
  }

  FakeClock clock_;
  FakeIdGenerator ids_;
  FakeUsageRepository repository_;
  std::shared_ptr<RecordingMetrics> metrics_ = std::make_shared<RecordingMetrics>();
  UsageRecorder recorder_{repository_, ids_, clock_, metrics_, 3};
};

TEST_F(UsageRecorderTest, CallsWaitInTheBufferAndAreWrittenInOneBatchByFlush) {
  const auto started = clock_.now();
  one_call(std::nullopt, 40ms);
  one_call(std::nullopt);
  EXPECT_TRUE(repository_.records().empty());
  EXPECT_EQ(recorder_.buffered(), 2u);

  ASSERT_TRUE(run_sync(recorder_.flush()));

  EXPECT_EQ(repository_.batch_count(), 1u);
  const auto records = repository_.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "id-0001");
  EXPECT_EQ(records[0].user_id, "user-1");
  EXPECT_EQ(records[0].api_key_id, "key-1");
  EXPECT_EQ(records[0].model, "gpt");
  EXPECT_EQ(records[0].provider, "openai");
  EXPECT_EQ(records[0].input_tokens, 1'000);
  EXPECT_EQ(records[0].output_tokens, 200);
  EXPECT_EQ(records[0].cached_tokens, 100);
  EXPECT_EQ(records[0].latency_ms, 40);
  EXPECT_EQ(records[0].created_at, started + 40ms);  // when the call ended
  EXPECT_EQ(records[0].status, "ok");
  EXPECT_EQ(recorder_.buffered(), 0u);
}

TEST_F(UsageRecorderTest, CostComesFromTheModelsPriceAndIsNullWithoutOne) {
  one_call(ModelPrice{1.0, 2.0, 0.5});
  one_call(std::nullopt);
  ASSERT_TRUE(run_sync(recorder_.flush()));
  const auto records = repository_.records();
  ASSERT_EQ(records.size(), 2u);
  // 900 × $1/M + 100 × $0.5/M + 200 × $2/M, in nano-USD.
  EXPECT_EQ(records[0].cost_nanos, 900'000 + 50'000 + 400'000);
  EXPECT_EQ(records[1].cost_nanos, std::nullopt);
}

TEST_F(UsageRecorderTest, AFailedCallWithAPriceCostsNothingAndCountsNoTokens) {
  const auto call = recorder_.start(key_caller(), "gpt", "openai", ModelPrice{1.0, 2.0, {}});
  recorder_.finish(call, clock_.steady_now(), "error", std::nullopt);
  ASSERT_TRUE(run_sync(recorder_.flush()));
  const auto records = repository_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, "error");
  EXPECT_EQ(records[0].input_tokens, 0);
  EXPECT_EQ(records[0].cost_nanos, 0);
}

TEST_F(UsageRecorderTest, AFailedWriteKeepsTheRecordsForTheNextFlush) {
  one_call(std::nullopt);
  repository_.fail_appends(true);
  EXPECT_FALSE(run_sync(recorder_.flush()));
  EXPECT_EQ(recorder_.buffered(), 1u);

  one_call(std::nullopt);
  repository_.fail_appends(false);
  ASSERT_TRUE(run_sync(recorder_.flush()));
  const auto records = repository_.records();
  ASSERT_EQ(records.size(), 2u);
  // In the order they were made, each with one id only.
  EXPECT_EQ(records[0].id, "id-0001");
  EXPECT_EQ(records[1].id, "id-0002");
}

TEST_F(UsageRecorderTest, BeyondTheBoundTheOldestCallsAreDroppedAndCounted) {
  for (int i = 0; i < 5; ++i) one_call(std::nullopt, std::chrono::milliseconds(i + 1));
  EXPECT_EQ(recorder_.buffered(), 3u);
  EXPECT_EQ(recorder_.dropped(), 2u);
  ASSERT_TRUE(run_sync(recorder_.flush()));
  const auto records = repository_.records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].latency_ms, 3);  // the first two were dropped
}

TEST_F(UsageRecorderTest, EachCallIsReportedToTheMetricsAsItEnds) {
  one_call(ModelPrice{1.0, 2.0, std::nullopt});
  ASSERT_EQ(metrics_->usage_records.size(), 1u);
  EXPECT_EQ(metrics_->usage_records[0].api_key_id, "key-1");
  EXPECT_EQ(metrics_->usage_records[0].model, "gpt");
  EXPECT_EQ(metrics_->usage_records[0].cost_nanos, 1'000'000 + 400'000);
}

TEST_F(UsageRecorderTest, FlushingNothingWritesNothing) {
  ASSERT_TRUE(run_sync(recorder_.flush()));
  EXPECT_EQ(repository_.batch_count(), 0u);
}

}  // namespace
}  // namespace agentd

#include "infrastructure/metrics/prometheus_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agentd::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

TEST(PrometheusMetricsTest, RequestsAreCountedByRouteTemplateMethodAndStatus) {
  PrometheusMetrics metrics("1.2.3");
  metrics.request_finished({"GET", "/v1/runs/{id}", 200, 3ms, {}, false});
  metrics.request_finished({"GET", "/v1/runs/{id}", 200, 3ms, {}, false});
  const auto text = metrics.render();
  EXPECT_THAT(text, HasSubstr("http_server_request_duration_seconds_count{http_request_method="
                              "\"GET\",http_route=\"/v1/runs/{id}\",http_response_status_code="
                              "\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("agentd_build_info{version=\"1.2.3\"} 1\n"));
}

TEST(PrometheusMetricsTest, UnmatchedPathsAndUnknownMethodsShareOneLabelValueEach) {
  PrometheusMetrics metrics("1");
  metrics.request_finished({"BREW", "", 404, 1ms, {}, false});
  const auto text = metrics.render();
  EXPECT_THAT(text, HasSubstr("http_request_method=\"_OTHER\",http_route=\"unmatched\","
                              "http_response_status_code=\"404\""));
  EXPECT_THAT(text, Not(HasSubstr("BREW")));
}

TEST(PrometheusMetricsTest, TheGatewayOverheadIsTheRequestTimeLessTheUpstreamWait) {
  PrometheusMetrics metrics("1");
  metrics.request_finished({"POST", "/v1/chat/completions", 200, 20ms, 19'970us, false});
  const auto text = metrics.render();
  // 30 µs: above the 25 µs bound, within the 50 µs one.
  EXPECT_THAT(text, HasSubstr("agentd_gateway_overhead_seconds_bucket{stream=\"false\","
                              "le=\"2.5e-05\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("agentd_gateway_overhead_seconds_bucket{stream=\"false\","
                              "le=\"5e-05\"} 1\n"));
}

TEST(PrometheusMetricsTest, ModelCallsFollowTheGenAiConventions) {
  PrometheusMetrics metrics("1");
  metrics.model_call({"fast", "openai", true, "ok", 2s, 150ms, Usage{100, 20, 120}});
  metrics.model_call({"fast", "openai", false, "upstream_timeout", 30s, {}, {}});
  const auto text = metrics.render();
  EXPECT_THAT(text, HasSubstr("gen_ai_client_operation_duration_seconds_count{gen_ai_operation_"
                              "name=\"chat\",gen_ai_provider_name=\"openai\",gen_ai_request_model="
                              "\"fast\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("gen_ai_request_model=\"fast\",error_type=\"upstream_timeout\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gen_ai_client_operation_time_to_first_chunk_seconds_count{"));
  EXPECT_THAT(text, HasSubstr("gen_ai_client_token_usage_sum{gen_ai_operation_name=\"chat\","
                              "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"fast\","
                              "gen_ai_token_type=\"input\"} 100\n"));
}

TEST(PrometheusMetricsTest, ConnectionsAndStreamsAreGaugesOfWhatIsOpenNow) {
  PrometheusMetrics metrics("1");
  metrics.connection_opened();
  metrics.connection_opened();
  metrics.connection_closed();
  metrics.stream_opened();
  const auto text = metrics.render();
  EXPECT_THAT(text, HasSubstr("agentd_http_open_connections 1\n"));
  EXPECT_THAT(text, HasSubstr("agentd_http_open_streams 1\n"));
}

TEST(PrometheusMetricsTest, RunCountsFromTheDatabaseAreGauges) {
  PrometheusMetrics metrics("1");
  metrics.set_run_counts({3, 2, 5});
  metrics.run_ended("completed");
  const auto text = metrics.render();
  EXPECT_THAT(text, HasSubstr("agentd_runs{status=\"running\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("agentd_runs{status=\"awaiting_approval\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("agentd_approvals_pending 5\n"));
  EXPECT_THAT(text, HasSubstr("agentd_runs_ended_total{status=\"completed\"} 1\n"));
}

}  // namespace
}  // namespace agentd::metrics

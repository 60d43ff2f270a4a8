// agentd's metrics, named after Prometheus conventions and, where one exists, the
// OpenTelemetry semantic conventions (http.server.request.duration,
// gen_ai.client.operation.duration, gen_ai.client.token.usage, gen_ai.execute_tool.duration),
// written by GET /metrics. Receives what the use cases report (Metrics) and what the server
// sees (ServerObserver).
#pragma once

#include <string>

#include "application/ports/metrics.h"
#include "application/ports/run_repository.h"
#include "infrastructure/http/server_observer.h"
#include "infrastructure/metrics/metric_families.h"

namespace agentd::metrics {

class PrometheusMetrics final : public Metrics, public http::ServerObserver {
 public:
  explicit PrometheusMetrics(std::string_view version);

  void model_call(const ModelCall& call) override;
  void tool_call(std::string_view tool, std::string_view outcome,
                 std::chrono::nanoseconds duration) override;
  void run_ended(std::string_view status) override;
  void rate_limited(std::string_view limit) override;
  void webhook_delivery(std::string_view outcome) override;
  void usage_recorded(const UsageRecord& record) override;

  void connection_opened() override;
  void connection_closed() override;
  void stream_opened() override;
  void stream_closed() override;
  void request_finished(const http::FinishedRequest& request) override;

  // Counted in the database, whichever replica runs them: asked for at each scrape.
  void set_run_counts(const RunCounts& counts);
  // The whole exposition, text format 0.0.4.
  std::string render() const;

 private:
  Gauge build_info_;
  Histogram request_duration_;
  Histogram gateway_overhead_;
  Gauge open_connections_;
  Gauge open_streams_;
  Counter rate_limited_;
  Histogram model_duration_;
  Histogram time_to_first_chunk_;
  Histogram token_usage_;
  Histogram tool_duration_;
  Counter runs_ended_;
  Counter webhook_deliveries_;
  Counter usage_tokens_;
  Counter usage_cost_;
  Gauge runs_;
  Gauge approvals_pending_;
};

}  // namespace agentd::metrics

#include "infrastructure/metrics/prometheus_metrics.h"

#include <array>

#include "domain/usage/model_price.h"

namespace agentd::metrics {
namespace {

using Seconds = std::chrono::duration<double>;

double seconds(std::chrono::nanoseconds duration) { return Seconds(duration).count(); }

// OpenTelemetry's advice for request durations, from 5 ms; agentd answers many requests
// faster, so it starts at 0.5 ms.
const std::vector<double> kRequestBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                          0.075,  0.1,   0.25,   0.5,   0.75, 1,     2.5,
                                          5,      7.5,   10,     30,    60};
// The gateway's own time: tens of microseconds when all is well.
const std::vector<double> kOverheadBuckets{0.00001, 0.000025, 0.00005, 0.0001, 0.00025,
                                           0.0005,  0.001,    0.0025,  0.005,  0.01,
                                           0.025,   0.05,     0.1,     0.25};
// OpenTelemetry's advice for gen_ai.client.operation.duration and time to first chunk.
const std::vector<double> kModelBuckets{0.01, 0.02, 0.04, 0.08,  0.16,  0.32,  0.64,
                                        1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92};
// OpenTelemetry's advice for gen_ai.client.token.usage.
const std::vector<double> kTokenBuckets{1,     4,     16,     64,      256,     1024,     4096,
                                        16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864};
const std::vector<double> kToolBuckets{0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1,
                                       0.25,   0.5,    1,     2.5,   5,    10,   30};

// Methods outside the standard set share one label value, as OpenTelemetry asks: a client
// cannot make up label values.
std::string_view method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kKnown{
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (auto known : kKnown) {
    if (method == known) return known;
  }
  return "_OTHER";
}

std::string_view status_label(int status, std::array<char, 4>& text) {
  if (status < 100 || status > 999) return "0";
  text = {static_cast<char>('0' + status / 100), static_cast<char>('0' + status / 10 % 10),
          static_cast<char>('0' + status % 10), '\0'};
  return {text.data(), 3};
}

}  // namespace

PrometheusMetrics::PrometheusMetrics(std::string_view version)
    : build_info_("agentd_build_info", "The running agentd's version; always 1.", {"version"}),
      request_duration_("http_server_request_duration_seconds",
                        "Time from a request read whole to its response written.",
                        {"http_request_method", "http_route", "http_response_status_code"},
                        kRequestBuckets),
      gateway_overhead_("agentd_gateway_overhead_seconds",
                        "Time a proxied chat completion spent in agentd itself: the request's "
                        "time minus the time spent waiting on the model provider.",
                        {"stream"}, kOverheadBuckets),
      open_connections_("agentd_http_open_connections", "Client connections open now."),
      open_streams_("agentd_http_open_streams", "Server-Sent Events responses being streamed now."),
      rate_limited_("agentd_rate_limited_requests_total",
                    "Requests refused with 429 by a rate limit.", {"limit"}),
      model_duration_(
          "gen_ai_client_operation_duration_seconds",
          "Time of each call to a model provider, to its last chunk for a stream.",
          {"gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "error_type"},
          kModelBuckets),
      time_to_first_chunk_(
          "gen_ai_client_operation_time_to_first_chunk_seconds",
          "Time from a streamed model call to its first chunk.",
          {"gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"}, kModelBuckets),
      token_usage_("gen_ai_client_token_usage",
                   "Tokens per model call, by type (input, output), as the provider counted them.",
                   {"gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model",
                    "gen_ai_token_type"},
                   kTokenBuckets),
      tool_duration_("gen_ai_execute_tool_duration_seconds",
                     "Time of each tool call, refused calls included (error_type says why).",
                     {"gen_ai_tool_name", "error_type"}, kToolBuckets),
      runs_ended_("agentd_runs_ended_total",
                  "Runs of this replica that ended or paused, by the status they reached.",
                  {"status"}),
      webhook_deliveries_("agentd_webhook_deliveries_total",
                          "Webhook delivery attempts of this replica by outcome (delivered, "
                          "retrying, failed), and events that could not be stored "
                          "(publish_failed).",
                          {"outcome"}),
      usage_tokens_("agentd_usage_tokens_total",
                    "Tokens of the model calls accounted, by model, API key (\"none\" for a "
                    "session) and type (input, output, cached).",
                    {"model", "api_key_id", "type"}),
      usage_cost_("agentd_usage_cost_usd_total",
                  "Cost of the model calls accounted, from the models' prices, by model and API "
                  "key; models without a price add nothing.",
                  {"model", "api_key_id"}),
      runs_("agentd_runs", "Runs not finished, in the database, by status.", {"status"}),
      approvals_pending_("agentd_approvals_pending",
                         "Tool calls waiting for a person's decision, in the database.") {
  build_info_.set({version}, 1);
  open_connections_.set({}, 0);
  open_streams_.set({}, 0);
}

void PrometheusMetrics::model_call(const ModelCall& call) {
  const std::string_view error = call.outcome == "ok" ? std::string_view{} : call.outcome;
  model_duration_.observe({"chat", call.provider, call.model, error}, seconds(call.duration));
  if (call.time_to_first_chunk) {
    time_to_first_chunk_.observe({"chat", call.provider, call.model},
                                 seconds(*call.time_to_first_chunk));
  }
  if (call.usage) {
    token_usage_.observe({"chat", call.provider, call.model, "input"},
                         static_cast<double>(call.usage->prompt_tokens));
    token_usage_.observe({"chat", call.provider, call.model, "output"},
                         static_cast<double>(call.usage->completion_tokens));
  }
}

void PrometheusMetrics::tool_call(std::string_view tool, std::string_view outcome,
                                  std::chrono::nanoseconds duration) {
  tool_duration_.observe({tool, outcome == "ok" ? std::string_view{} : outcome}, seconds(duration));
}

void PrometheusMetrics::run_ended(std::string_view status) { runs_ended_.add({status}); }

void PrometheusMetrics::rate_limited(std::string_view limit) { rate_limited_.add({limit}); }

void PrometheusMetrics::webhook_delivery(std::string_view outcome) {
  webhook_deliveries_.add({outcome});
}

void PrometheusMetrics::usage_recorded(const UsageRecord& record) {
  const std::string_view key = record.api_key_id ? std::string_view(*record.api_key_id) : "none";
  usage_tokens_.add({record.model, key, "input"}, static_cast<double>(record.input_tokens));
  usage_tokens_.add({record.model, key, "output"}, static_cast<double>(record.output_tokens));
  usage_tokens_.add({record.model, key, "cached"}, static_cast<double>(record.cached_tokens));
  if (record.cost_nanos) {
    usage_cost_.add({record.model, key}, static_cast<double>(*record.cost_nanos) / kNanosPerUsd);
  }
}

void PrometheusMetrics::connection_opened() { open_connections_.add({}, 1); }
void PrometheusMetrics::connection_closed() { open_connections_.add({}, -1); }
void PrometheusMetrics::stream_opened() { open_streams_.add({}, 1); }
void PrometheusMetrics::stream_closed() { open_streams_.add({}, -1); }

void PrometheusMetrics::request_finished(const http::FinishedRequest& request) {
  std::array<char, 4> status_text{};
  // Unmatched paths share one label value: a scanner's paths must not become series.
  const std::string_view route = request.route.empty() ? "unmatched" : request.route;
  request_duration_.observe(
      {method_label(request.method), route, status_label(request.status, status_text)},
      seconds(request.duration));
  if (request.upstream_wait && request.status < 400) {
    const auto own = request.duration - *request.upstream_wait;
    gateway_overhead_.observe({request.stream ? "true" : "false"},
                              seconds(std::max(own, std::chrono::nanoseconds::zero())));
  }
}

void PrometheusMetrics::set_run_counts(const RunCounts& counts) {
  runs_.set({"running"}, static_cast<double>(counts.running));
  runs_.set({"awaiting_approval"}, static_cast<double>(counts.awaiting_approval));
  approvals_pending_.set({}, static_cast<double>(counts.approvals_pending));
}

std::string PrometheusMetrics::render() const {
  std::string out;
  out.reserve(16 * 1024);
  for (const Family* family : std::initializer_list<const Family*>{
           &build_info_, &request_duration_, &gateway_overhead_, &open_connections_, &open_streams_,
           &rate_limited_, &model_duration_, &time_to_first_chunk_, &token_usage_, &tool_duration_,
           &runs_ended_, &webhook_deliveries_, &usage_tokens_, &usage_cost_, &runs_,
           &approvals_pending_}) {
    family->write(out);
  }
  return out;
}

}  // namespace agentd::metrics

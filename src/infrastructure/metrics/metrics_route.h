// GET /metrics: the Prometheus exposition. Without a token it answers loopback callers only
// (a scraper on the same host, not a client through a proxy); with AGENTD_METRICS_TOKEN set,
// any caller that presents it as a bearer token.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "domain/common/result.h"
#include "infrastructure/http/router.h"
#include "infrastructure/metrics/prometheus_metrics.h"

namespace agentd::metrics {

// What the database says of runs and approvals, asked at each scrape.
using RunCounter = std::function<boost::asio::awaitable<Result<RunCounts>>()>;

void add_metrics_route(http::Router& router, PrometheusMetrics& metrics, std::string token,
                       RunCounter count_runs);

}  // namespace agentd::metrics

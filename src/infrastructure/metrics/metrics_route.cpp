#include "infrastructure/metrics/metrics_route.h"

#include <boost/asio/ip/address.hpp>
#include <memory>

#include "infrastructure/http/error_response.h"
#include "infrastructure/logging/log.h"

namespace agentd::metrics {
namespace {

using http::Request;
using http::Response;

bool is_loopback(std::string_view address) {
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(address, ec);
  if (ec) return false;
  if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, parsed.to_v6())
        .is_loopback();
  }
  return parsed.is_loopback();
}

// Compared in time that does not depend on where the strings differ.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

std::optional<Error> refusal(const Request& request, const std::string& token) {
  if (token.empty()) {
    // A reverse proxy on this host connects from loopback: what it forwards is not.
    if (is_loopback(request.remote_address) && !request.header("x-forwarded-for")) {
      return std::nullopt;
    }
    return Error{ErrorCode::forbidden,
                 "metrics are served to loopback only; set AGENTD_METRICS_TOKEN to scrape from "
                 "elsewhere",
                 {},
                 "forbidden"};
  }
  constexpr std::string_view kBearer = "Bearer ";
  const auto authorization = request.header("authorization").value_or("");
  if (authorization.substr(0, kBearer.size()) == kBearer &&
      same_secret(authorization.substr(kBearer.size()), token)) {
    return std::nullopt;
  }
  return Error{
      ErrorCode::unauthenticated, "a valid metrics token is required", {}, "invalid_token"};
}

}  // namespace

void add_metrics_route(http::Router& router, PrometheusMetrics& metrics, std::string token,
                       RunCounter count_runs) {
  router.add("GET", "/metrics",
             [&metrics, token = std::move(token), count_runs = std::move(count_runs)](
                 Request& request) -> boost::asio::awaitable<Response> {
               if (auto refused = refusal(request, token)) co_return http::error_response(*refused);
               // A database that does not answer leaves the last figures in place: the
               // rest of the metrics matter most when it is down.
               auto counts = co_await count_runs();
               if (counts) {
                 metrics.set_run_counts(*counts);
               } else {
                 log::warn("metrics_run_counts_failed", {{"error", counts.error().message}});
               }
               Response response;
               response.body = metrics.render();
               response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
               response.set_header("Cache-Control", "no-store");
               co_return response;
             });
}

}  // namespace agentd::metrics

// What the server tells its metrics: connections and streams as they open and close, and each
// request once its response is written. Called on I/O threads: implementations must be quick
// and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace agentd::http {

struct FinishedRequest {
  std::string_view method;
  std::string_view route;  // the route's pattern ("/v1/runs/{id}"); empty when none matched
  int status = 0;
  std::chrono::nanoseconds duration{};  // from the whole request read to the response written
  // Of that, the time the handler waited on an upstream (model provider), when it called one.
  std::optional<std::chrono::nanoseconds> upstream_wait;
  bool stream = false;  // the response was streamed (Server-Sent Events)
};

class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  virtual void connection_opened() = 0;
  virtual void connection_closed() = 0;
  virtual void stream_opened() = 0;
  virtual void stream_closed() = 0;
  virtual void request_finished(const FinishedRequest& request) = 0;
};

}  // namespace agentd::http

#include "application/chat/model_router.h"

#include <algorithm>

namespace agentd {
namespace {

// Yields the delta that proved the stream alive, then the rest of the stream.
class PrimedStream : public ChatStream {
 public:
  PrimedStream(std::unique_ptr<ChatStream> inner, std::optional<ChatDelta> first)
      : inner_(std::move(inner)), first_(std::move(first)), ended_(!first_.has_value()) {}

  boost::asio::awaitable<Result<std::optional<ChatDelta>>> next() override {
    if (first_) {
      std::optional<ChatDelta> first = std::move(first_);
      first_.reset();
      co_return first;
    }
    if (ended_) co_return std::optional<ChatDelta>{};
    co_return co_await inner_->next();
  }

  bool next_is_ready() const override {
    return first_.has_value() || ended_ || inner_->next_is_ready();
  }

 private:
  std::unique_ptr<ChatStream> inner_;
  std::optional<ChatDelta> first_;
  bool ended_;  // the stream ended before its first delta
};

}  // namespace

bool is_retryable(const Error& error) {
  // A request its caller cancelled is not a failure of the upstream.
  if (error.code == "cancelled") return false;
  return error.kind == ErrorCode::bad_gateway || error.kind == ErrorCode::rate_limited ||
         error.kind == ErrorCode::unavailable;
}

ModelRouter::ModelRouter(const ModelCatalog& catalog, Delay& delay, RetryPolicy policy,
                         std::function<double()> jitter)
    : catalog_(catalog), delay_(delay), policy_(policy), jitter_(std::move(jitter)) {}

Result<const ModelRoute*> ModelRouter::resolve(const Principal& caller,
                                               std::string_view model) const {
  if (catalog_.empty()) {
    return Error::unavailable("no model provider configured", "no_model_provider");
  }
  const std::string_view name = model.empty() ? std::string_view(catalog_.default_model()) : model;
  const auto* route = catalog_.find(name);
  if (route == nullptr) {
    return Error{ErrorCode::not_found, "the model '" + std::string(name) + "' does not exist",
                 "model", "model_not_found"};
  }
  if (!caller.may_use_model(name)) {
    return Error{ErrorCode::forbidden,
                 "this credential may not use the model '" + std::string(name) + "'", "model",
                 "model_not_allowed"};
  }
  return route;
}

std::vector<const ModelRoute*> ModelRouter::candidates(const Principal& caller,
                                                       const ModelRoute& primary) const {
  std::vector<const ModelRoute*> routes{&primary};
  for (const auto& name : primary.fallbacks) {
    const auto* fallback = catalog_.find(name);
    if (fallback != nullptr && caller.may_use_model(name) &&
        std::find(routes.begin(), routes.end(), fallback) == routes.end()) {
      routes.push_back(fallback);
    }
  }
  return routes;
}

std::chrono::milliseconds ModelRouter::backoff(int attempt, const Error& error) const {
  if (error.retry_after) return std::min(*error.retry_after, policy_.max_delay);
  // Exponential with full jitter: spreads retries of many clients over the window.
  const auto ceiling =
      std::min(policy_.max_delay, policy_.base_delay * (1 << std::min(attempt, 10)));
  return std::chrono::milliseconds(
      static_cast<long>(static_cast<double>(ceiling.count()) * jitter_()));
}

template <typename T>
boost::asio::awaitable<Result<T>> ModelRouter::with_retries(const Principal& caller,
                                                            ChatRequest request,
                                                            const Attempt<T>& attempt) {
  auto primary = resolve(caller, request.model);
  if (!primary) co_return primary.error();
  Error last = Error::internal("no model route was tried");
  const auto routes = candidates(caller, **primary);
  for (std::size_t r = 0; r < routes.size(); ++r) {
    const auto* route = routes[r];
    for (int tries = 0; tries <= route->max_retries; ++tries) {
      if (tries > 0) co_await delay_.wait(backoff(tries - 1, last));
      // The last possible attempt takes the request itself; the others a copy, since another
      // may follow (a large prompt is then not held twice in the common case).
      const bool is_last = r + 1 == routes.size() && tries == route->max_retries;
      ChatRequest upstream = is_last ? std::move(request) : ChatRequest(request);
      upstream.model = route->upstream_model;
      auto outcome = co_await attempt(*route, std::move(upstream));
      if (outcome) co_return outcome;
      last = std::move(outcome).take_error();
      if (!is_retryable(last)) co_return last;
    }
  }
  co_return last;
}

boost::asio::awaitable<Result<ChatCompletion>> ModelRouter::complete(const Principal& caller,
                                                                     ChatRequest request) {
  const Attempt<ChatCompletion> attempt =
      [](const ModelRoute& route,
         ChatRequest upstream) -> boost::asio::awaitable<Result<ChatCompletion>> {
    auto completion = co_await route.provider->complete(std::move(upstream));
    if (completion) completion->model = route.name;
    co_return completion;
  };
  co_return co_await with_retries(caller, std::move(request), attempt);
}

boost::asio::awaitable<Result<RoutedStream>> ModelRouter::stream(const Principal& caller,
                                                                 ChatRequest request) {
  const Attempt<RoutedStream> attempt =
      [](const ModelRoute& route,
         ChatRequest upstream) -> boost::asio::awaitable<Result<RoutedStream>> {
    auto opened = co_await route.provider->stream(std::move(upstream));
    if (!opened) co_return std::move(opened).take_error();
    // Nothing has reached the client yet: a failure before the first delta is retried.
    auto first = co_await (*opened)->next();
    if (!first) co_return std::move(first).take_error();
    RoutedStream routed{route.name,
                        std::make_unique<PrimedStream>(std::move(*opened), std::move(*first))};
    co_return routed;
  };
  co_return co_await with_retries(caller, std::move(request), attempt);
}

}  // namespace agentd

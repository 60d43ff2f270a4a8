#include "application/chat/model_router.h"

#include <algorithm>

#include "application/agent/context_fit.h"

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

// Settles a request's budget hold once, when its stream ends or is dropped, to the usage the
// stream reported. A stream that reported none (cut off, or an upstream that does not say)
// keeps its worst case: the tokens may well have been spent.
class SettlingStream final : public ChatStream {
 public:
  SettlingStream(std::unique_ptr<ChatStream> inner, std::shared_ptr<BudgetGate> budgets,
                 BudgetHold hold)
      : inner_(std::move(inner)), budgets_(std::move(budgets)), hold_(std::move(hold)) {}

  ~SettlingStream() override { settle(); }

  boost::asio::awaitable<Result<std::optional<ChatDelta>>> next() override {
    auto delta = co_await inner_->next();
    if (delta && *delta && (*delta)->usage) used_ = (*delta)->usage;
    if (!delta || !*delta) settle();
    co_return delta;
  }

  bool next_is_ready() const override { return inner_->next_is_ready(); }

 private:
  void settle() {
    if (is_settled_ || !used_) return;
    is_settled_ = true;
    budgets_->settle(std::move(hold_), used_);
  }

  std::unique_ptr<ChatStream> inner_;
  std::shared_ptr<BudgetGate> budgets_;
  BudgetHold hold_;
  std::optional<Usage> used_;
  bool is_settled_ = false;
};

// Accounts one streamed call once: when it ends or fails, or, dropped before its end (the
// client left), as "cancelled" when destroyed. The destructor may run after the server's
// other objects are gone, so it reads no clock: it uses the time of the last chunk.
class AccountedStream final : public ChatStream {
 public:
  AccountedStream(std::unique_ptr<ChatStream> inner, std::shared_ptr<UsageRecorder> usage,
                  MeteredCall call)
      : inner_(std::move(inner)),
        usage_(std::move(usage)),
        clock_(usage_->clock()),
        call_(std::move(call)),
        last_seen_(call_.started) {}

  ~AccountedStream() override {
    if (!is_reported_) usage_->finish(call_, last_seen_, "cancelled", reported_);
  }

  boost::asio::awaitable<Result<std::optional<ChatDelta>>> next() override {
    auto delta = co_await inner_->next();
    last_seen_ = clock_.steady_now();
    if (!delta) {
      report("error");
    } else if (!*delta) {
      report("ok");
    } else if ((*delta)->usage) {
      reported_ = (*delta)->usage;
    }
    co_return delta;
  }

  bool next_is_ready() const override { return inner_->next_is_ready(); }

 private:
  void report(std::string_view status) {
    is_reported_ = true;
    usage_->finish(call_, last_seen_, status, reported_);
  }

  std::unique_ptr<ChatStream> inner_;
  std::shared_ptr<UsageRecorder> usage_;
  const Clock& clock_;
  MeteredCall call_;
  std::chrono::steady_clock::time_point last_seen_;
  std::optional<Usage> reported_;
  bool is_reported_ = false;
};

}  // namespace

bool is_retryable(const Error& error) {
  // A request its caller cancelled is not a failure of the upstream.
  if (error.code == "cancelled") return false;
  return error.kind == ErrorCode::bad_gateway || error.kind == ErrorCode::rate_limited ||
         error.kind == ErrorCode::unavailable;
}

ModelRouter::ModelRouter(const ModelCatalog& catalog, Delay& delay, RetryPolicy policy,
                         std::function<double()> jitter, Accounting accounting)
    : catalog_(catalog),
      delay_(delay),
      policy_(policy),
      jitter_(std::move(jitter)),
      usage_(std::move(accounting.usage)),
      budgets_(std::move(accounting.budgets)) {}

boost::asio::awaitable<Result<BudgetHold>> ModelRouter::reserve(const Principal& caller,
                                                                const ChatRequest& request) {
  if (!budgets_ || !caller.has_spending_limits()) co_return BudgetHold{};
  auto route = resolve(caller, request.model);
  if (!route) co_return route.error();
  const auto prompt = estimated_tokens(request.messages) + estimated_tokens(request.tools);
  // Without max_tokens the answer may be as long as the model writes.
  const auto output = request.max_tokens.value_or((*route)->limits.max_output_tokens);
  co_return co_await budgets_->reserve(caller, prompt, output, (*route)->price);
}

void ModelRouter::settle(BudgetHold hold, const std::optional<Usage>& used) {
  if (budgets_) budgets_->settle(std::move(hold), used);
}

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
      [&](const ModelRoute& route,
          ChatRequest upstream) -> boost::asio::awaitable<Result<ChatCompletion>> {
    if (!usage_) {
      auto completion = co_await route.provider->complete(std::move(upstream));
      if (completion) completion->model = route.name;
      co_return completion;
    }
    const auto call = usage_->start(caller, route.name, route.owned_by, route.price);
    try {
      auto completion = co_await route.provider->complete(std::move(upstream));
      const auto ended = usage_->clock().steady_now();
      if (completion) {
        completion->model = route.name;
        usage_->finish(call, ended, "ok", completion->usage);
      } else {
        usage_->finish(call, ended, "error", std::nullopt);
      }
      co_return completion;
    } catch (...) {
      // Cancelled with the request that waited for it.
      usage_->finish(call, usage_->clock().steady_now(), "cancelled", std::nullopt);
      throw;
    }
  };
  auto hold = co_await reserve(caller, request);
  if (!hold) co_return hold.error();
  // A refused or failed call gives its reservation back; an answer settles to its usage, or
  // keeps the worst case when the upstream did not report one. A call cut off by its client
  // keeps it too: the upstream may have spent the tokens.
  auto completion = co_await with_retries(caller, std::move(request), attempt);
  if (!completion) {
    settle(std::move(*hold), std::nullopt);
  } else if (completion->usage) {
    settle(std::move(*hold), completion->usage);
  }
  co_return completion;
}

boost::asio::awaitable<Result<RoutedStream>> ModelRouter::stream(const Principal& caller,
                                                                 ChatRequest request) {
  const Attempt<RoutedStream> attempt =
      [&](const ModelRoute& route,
          ChatRequest upstream) -> boost::asio::awaitable<Result<RoutedStream>> {
    std::optional<MeteredCall> call;
    if (usage_) call = usage_->start(caller, route.name, route.owned_by, route.price);
    auto opened = co_await route.provider->stream(std::move(upstream));
    if (!opened) {
      if (call) usage_->finish(*call, usage_->clock().steady_now(), "error", std::nullopt);
      co_return std::move(opened).take_error();
    }
    std::unique_ptr<ChatStream> upstream_stream = std::move(*opened);
    if (call) {
      upstream_stream =
          std::make_unique<AccountedStream>(std::move(upstream_stream), usage_, std::move(*call));
    }
    // Nothing has reached the client yet: a failure before the first delta is retried.
    auto first = co_await upstream_stream->next();
    if (!first) co_return std::move(first).take_error();
    RoutedStream routed{
        route.name, std::make_unique<PrimedStream>(std::move(upstream_stream), std::move(*first))};
    co_return routed;
  };
  auto hold = co_await reserve(caller, request);
  if (!hold) co_return hold.error();
  auto routed = co_await with_retries(caller, std::move(request), attempt);
  if (!routed || hold->charges.empty()) {
    settle(std::move(*hold), std::nullopt);
    co_return routed;
  }
  routed->stream =
      std::make_unique<SettlingStream>(std::move(routed->stream), budgets_, std::move(*hold));
  co_return routed;
}

}  // namespace agentd

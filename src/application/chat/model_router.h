// Sends a chat request to the model a caller asked for: checks the caller may use it,
// retries temporary failures with backoff and jitter, then tries the fallbacks in order.
// Streams are retried only until their first delta, i.e. before anything reached a client.
// Every upstream call it makes is accounted (UsageRecorder), and every request is held to its
// key's budget (BudgetGate): this is the one seam all paths to a model share, so none escapes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "application/chat/model_catalog.h"
#include "application/ports/delay.h"
#include "application/usage/budget_gate.h"
#include "application/usage/usage_recorder.h"

namespace agentd {

struct RetryPolicy {
  std::chrono::milliseconds base_delay{250};
  std::chrono::milliseconds max_delay{8'000};
};

// Where calls are accounted and budgets kept; either may be null (tests of routing alone).
struct Accounting {
  std::shared_ptr<UsageRecorder> usage;
  std::shared_ptr<BudgetGate> budgets;
};

// A routed stream names the model that actually answered (a fallback, perhaps).
struct RoutedStream {
  std::string model;
  std::unique_ptr<ChatStream> stream;
};

class ModelRouter {
 public:
  // `jitter` returns a factor in [0, 1) that scales each backoff delay.
  ModelRouter(const ModelCatalog& catalog, Delay& delay, RetryPolicy policy,
              std::function<double()> jitter, Accounting accounting = {});

  // The route for `model` (empty: the default model), or 404/403/503.
  Result<const ModelRoute*> resolve(const Principal& caller, std::string_view model) const;
  // The model a request without one uses; empty when the server has no model.
  const std::string& default_model() const { return catalog_.default_model(); }

  // `request.model` is the public name; the answer's `model` is the route that served it.
  boost::asio::awaitable<Result<ChatCompletion>> complete(const Principal& caller,
                                                          ChatRequest request);
  boost::asio::awaitable<Result<RoutedStream>> stream(const Principal& caller, ChatRequest request);

 private:
  // The primary route followed by its fallbacks that exist and the caller may use.
  std::vector<const ModelRoute*> candidates(const Principal& caller,
                                            const ModelRoute& primary) const;
  std::chrono::milliseconds backoff(int attempt, const Error& error) const;
  // Reserves the request's worst case on the caller's budget (429 when it cannot).
  boost::asio::awaitable<Result<BudgetHold>> reserve(const Principal& caller,
                                                     const ChatRequest& request);
  void settle(BudgetHold hold, const std::optional<Usage>& used);

  // One try on one route; with_retries decides whether and where to try again. Taken by
  // reference: a closure passed by value to a coroutine is miscompiled (docs/coroutines.md).
  template <typename T>
  using Attempt = std::function<boost::asio::awaitable<Result<T>>(const ModelRoute& route,
                                                                  ChatRequest upstream)>;
  template <typename T>
  boost::asio::awaitable<Result<T>> with_retries(const Principal& caller, ChatRequest request,
                                                 const Attempt<T>& attempt);

  const ModelCatalog& catalog_;
  Delay& delay_;
  RetryPolicy policy_;
  std::function<double()> jitter_;
  std::shared_ptr<UsageRecorder> usage_;
  std::shared_ptr<BudgetGate> budgets_;
};

// Connect errors, 429 and 5xx are worth another try; a 4xx answer is not.
bool is_retryable(const Error& error);

}  // namespace agentd

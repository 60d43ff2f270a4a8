#include "application/chat/metered_provider.h"

namespace agentd {
namespace {

using Instant = std::chrono::steady_clock::time_point;

// Reports once: when the stream ends or fails, or, dropped before its end (the client left),
// as "cancelled" when destroyed. A stream may be destroyed after the server's objects (a
// run cut off by shutdown), so the destructor reads neither the clock nor the provider:
// it keeps its own names, the metrics alive, and the time of the last chunk.
class MeteredStream final : public ChatStream {
 public:
  MeteredStream(std::unique_ptr<ChatStream> inner, std::shared_ptr<Metrics> metrics,
                const Clock& clock, std::string model, std::string provider, Instant started)
      : inner_(std::move(inner)),
        metrics_(std::move(metrics)),
        clock_(clock),
        model_(std::move(model)),
        provider_(std::move(provider)),
        started_(started),
        last_seen_(started) {}

  ~MeteredStream() override {
    if (!reported_) report("cancelled", last_seen_);
  }

  boost::asio::awaitable<Result<std::optional<ChatDelta>>> next() override {
    auto delta = co_await inner_->next();
    last_seen_ = clock_.steady_now();
    if (!delta) {
      report(outcome_of(delta.error()), last_seen_);
    } else if (!*delta) {
      report("ok", last_seen_);
    } else {
      if (!time_to_first_chunk_) time_to_first_chunk_ = last_seen_ - started_;
      if ((*delta)->usage) usage_ = (*delta)->usage;
    }
    co_return delta;
  }

  bool next_is_ready() const override { return inner_->next_is_ready(); }

 private:
  void report(std::string_view outcome, Instant ended) {
    reported_ = true;
    metrics_->model_call(
        {model_, provider_, true, outcome, ended - started_, time_to_first_chunk_, usage_});
  }

  std::unique_ptr<ChatStream> inner_;
  std::shared_ptr<Metrics> metrics_;
  const Clock& clock_;
  std::string model_;
  std::string provider_;
  Instant started_;
  Instant last_seen_;
  std::optional<std::chrono::nanoseconds> time_to_first_chunk_;
  std::optional<Usage> usage_;
  bool reported_ = false;
};

}  // namespace

boost::asio::awaitable<Result<ChatCompletion>> MeteredProvider::complete(ChatRequest request) {
  const auto started = clock_.steady_now();
  ModelCall call{model_, provider_, false, "ok", {}, {}, {}};
  try {
    auto completion = co_await inner_->complete(std::move(request));
    call.duration = clock_.steady_now() - started;
    if (completion) {
      call.usage = completion->usage;
    } else {
      call.outcome = outcome_of(completion.error());
    }
    metrics_->model_call(call);
    co_return completion;
  } catch (...) {
    // Cancelled with the request that waited for it.
    call.outcome = "cancelled";
    call.duration = clock_.steady_now() - started;
    metrics_->model_call(call);
    throw;
  }
}

boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> MeteredProvider::stream(
    ChatRequest request) {
  const auto started = clock_.steady_now();
  auto opened = co_await inner_->stream(std::move(request));
  if (!opened) {
    metrics_->model_call({model_, provider_, true, outcome_of(opened.error()),
                          clock_.steady_now() - started, std::nullopt, std::nullopt});
    co_return opened;
  }
  co_return std::unique_ptr<ChatStream>(std::make_unique<MeteredStream>(
      std::move(*opened), metrics_, clock_, model_, provider_, started));
}

}  // namespace agentd

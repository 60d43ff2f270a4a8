// A model provider that reports each call it passes on (outcome, duration, time to the first
// chunk of a stream, tokens) to the metrics. Wraps each configured model's provider.
#pragma once

#include <memory>
#include <string>

#include "application/ports/clock.h"
#include "application/ports/llm_provider.h"
#include "application/ports/metrics.h"

namespace agentd {

class MeteredProvider final : public LlmProvider {
 public:
  // Shared: a stream may report after its provider is gone (see MeteredStream).
  MeteredProvider(std::shared_ptr<LlmProvider> inner, std::shared_ptr<Metrics> metrics,
                  const Clock& clock, std::string model, std::string provider)
      : inner_(std::move(inner)),
        metrics_(std::move(metrics)),
        clock_(clock),
        model_(std::move(model)),
        provider_(std::move(provider)) {}

  boost::asio::awaitable<Result<ChatCompletion>> complete(ChatRequest request) override;
  boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> stream(ChatRequest request) override;

 private:
  std::shared_ptr<LlmProvider> inner_;
  std::shared_ptr<Metrics> metrics_;
  const Clock& clock_;
  std::string model_;
  std::string provider_;
};

}  // namespace agentd

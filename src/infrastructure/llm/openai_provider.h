// LlmProvider for any OpenAI-compatible /chat/completions API (OpenAI, LiteLLM, vLLM,
// Ollama, llama.cpp server).
#pragma once

#include "application/ports/llm_provider.h"
#include "infrastructure/llm/provider_endpoint.h"
#include "infrastructure/llm/streaming.h"
#include "infrastructure/net/http_client.h"

namespace agentd::llm {

class OpenAiProvider : public LlmProvider {
 public:
  OpenAiProvider(net::HttpClient& client, ProviderEndpoint endpoint)
      : client_(client), endpoint_(std::move(endpoint)) {}

  boost::asio::awaitable<Result<ChatCompletion>> complete(ChatRequest request) override;
  boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> stream(ChatRequest request) override;

 private:
  net::HttpRequest http_request(const ChatRequest& request, Streaming streaming) const;

  net::HttpClient& client_;
  ProviderEndpoint endpoint_;
};

}  // namespace agentd::llm

// LlmProvider for Anthropic's native Messages API, translated to the same chat port.
#pragma once

#include "application/ports/llm_provider.h"
#include "infrastructure/llm/provider_endpoint.h"
#include "infrastructure/llm/streaming.h"
#include "infrastructure/net/http_client.h"

namespace agentd::llm {

class AnthropicProvider : public LlmProvider {
 public:
  static constexpr std::string_view kApiVersion = "2023-06-01";
  static constexpr std::int64_t kDefaultMaxTokens = 4096;

  AnthropicProvider(net::HttpClient& client, ProviderEndpoint endpoint)
      : client_(client), endpoint_(std::move(endpoint)) {}

  boost::asio::awaitable<Result<ChatCompletion>> complete(ChatRequest request) override;
  boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> stream(ChatRequest request) override;

 private:
  net::HttpRequest http_request(const ChatRequest& request, Streaming streaming) const;

  net::HttpClient& client_;
  ProviderEndpoint endpoint_;
};

}  // namespace agentd::llm

#include "application/agent/context_fit.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstddef>

namespace agentd {
namespace {

constexpr std::int64_t kBytesPerToken = 4;
constexpr std::int64_t kTokensPerMessage = 4;  // role and framing
// Estimates err by a tenth or so either way; the budget keeps that much back.
constexpr double kMargin = 0.9;

std::int64_t tokens_of_bytes(std::size_t bytes) {
  return (static_cast<std::int64_t>(bytes) + kBytesPerToken - 1) / kBytesPerToken;
}

std::int64_t corrected(std::int64_t estimate, double ratio) {
  if (ratio <= 0) return estimate;
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(estimate) * ratio));
}

}  // namespace

std::int64_t estimated_tokens(const ChatMessage& message) {
  std::size_t bytes = message.content.size() + message.name.size() + message.tool_call_id.size();
  if (message.content_parts) bytes += boost::json::serialize(*message.content_parts).size();
  for (const auto& call : message.tool_calls) {
    bytes += call.id.size() + call.name.size() + call.arguments.size();
  }
  return kTokensPerMessage + tokens_of_bytes(bytes);
}

std::int64_t estimated_tokens(const std::vector<ChatMessage>& messages) {
  std::int64_t total = 0;
  for (const auto& message : messages) total += estimated_tokens(message);
  return total;
}

std::int64_t estimated_tokens(const std::vector<ToolDefinition>& tools) {
  std::int64_t total = 0;
  for (const auto& tool : tools) {
    const auto bytes =
        tool.name.size() + tool.description.size() + boost::json::serialize(tool.parameters).size();
    total += kTokensPerMessage + tokens_of_bytes(bytes);
  }
  return total;
}

double learned_token_ratio(std::int64_t reported_prompt_tokens, std::int64_t estimated) {
  if (reported_prompt_tokens <= 0 || estimated <= 0) return 0;
  const double ratio = static_cast<double>(reported_prompt_tokens) / static_cast<double>(estimated);
  return std::clamp(ratio, 0.25, 4.0);
}

FittedHistory fit_history(const std::vector<ChatMessage>& messages, std::int64_t budget,
                          double ratio) {
  FittedHistory fitted;
  std::size_t system_end = 0;
  while (system_end < messages.size() && messages[system_end].role == "system") ++system_end;
  // Where each turn starts; anything before the first user message counts as one turn.
  std::vector<std::size_t> turn_starts;
  for (std::size_t i = system_end; i < messages.size(); ++i) {
    if (messages[i].role == "user" || i == system_end) turn_starts.push_back(i);
  }
  std::int64_t estimate = 0;
  for (std::size_t i = 0; i < system_end; ++i) estimate += estimated_tokens(messages[i]);
  // Whole turns, newest first, while they fit; the newest always.
  std::size_t first_kept = messages.size();
  for (auto start = turn_starts.rbegin(); start != turn_starts.rend(); ++start) {
    std::int64_t turn = 0;
    for (std::size_t i = *start; i < first_kept; ++i) turn += estimated_tokens(messages[i]);
    const bool newest = first_kept == messages.size();
    if (!newest && corrected(estimate + turn, ratio) > budget) break;
    estimate += turn;
    first_kept = *start;
  }
  fitted.messages.reserve(system_end + messages.size() - first_kept);
  fitted.messages.insert(fitted.messages.end(), messages.begin(),
                         messages.begin() + static_cast<std::ptrdiff_t>(system_end));
  fitted.messages.insert(fitted.messages.end(),
                         messages.begin() + static_cast<std::ptrdiff_t>(first_kept),
                         messages.end());
  fitted.left_out = static_cast<int>(first_kept - system_end);
  fitted.estimated = estimate;
  return fitted;
}

std::int64_t history_budget(const ContextLimits& limits, std::int64_t max_tokens,
                            std::int64_t tool_tokens) {
  const auto answer = max_tokens > 0 ? max_tokens : limits.max_output_tokens;
  const auto left = limits.context_window - answer - tool_tokens;
  return static_cast<std::int64_t>(static_cast<double>(std::max<std::int64_t>(left, 0)) * kMargin);
}

}  // namespace agentd

// A LlmProvider that answers from a script: each request takes the next scripted answer
// (content pieces and/or tool calls, usage) and streams it as deltas, slowly when told to.
// It keeps every request it received. Cancelled while it stalls, it reports the cancellation
// as the HTTP adapters do (an error with code "cancelled"), or, when told, by letting Asio's
// operation_aborted through.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "application/ports/llm_provider.h"

namespace agentd {

struct ScriptedAnswer {
  std::vector<std::string> pieces;                 // one content delta each
  std::vector<ModelToolCall> tool_calls;           // streamed after the content
  std::optional<Usage> usage;                      // on the last delta
  std::optional<Error> failure;                    // stream() fails with it instead of answering
  std::chrono::milliseconds first_delta_after{0};  // the upstream is slow to start
  std::chrono::milliseconds next_deltas_after{0};  // and slow between deltas

  static ScriptedAnswer says(std::string content) {
    ScriptedAnswer answer;
    answer.pieces.push_back(std::move(content));
    return answer;
  }
  static ScriptedAnswer says_in_pieces(std::vector<std::string> pieces) {
    ScriptedAnswer answer;
    answer.pieces = std::move(pieces);
    return answer;
  }
  static ScriptedAnswer calls(std::vector<ModelToolCall> tool_calls) {
    ScriptedAnswer answer;
    answer.tool_calls = std::move(tool_calls);
    return answer;
  }
  static ScriptedAnswer fails(Error error) {
    ScriptedAnswer answer;
    answer.failure = std::move(error);
    return answer;
  }

  ScriptedAnswer& with_usage(Usage spent) {
    usage = spent;
    return *this;
  }
  ScriptedAnswer& with_calls(std::vector<ModelToolCall> more) {
    tool_calls = std::move(more);
    return *this;
  }
  ScriptedAnswer& starting_after(std::chrono::milliseconds pause) {
    first_delta_after = pause;
    return *this;
  }
  ScriptedAnswer& streaming_every(std::chrono::milliseconds pause) {
    next_deltas_after = pause;
    return *this;
  }
};

class ScriptedLlmProvider : public LlmProvider {
 public:
  enum class CancelReport { as_error, as_exception };

  ScriptedLlmProvider& then(ScriptedAnswer answer) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(answer));
    return *this;
  }
  ScriptedLlmProvider& reports_cancellation(CancelReport how) {
    std::lock_guard lock(mutex_);
    cancel_report_ = how;
    return *this;
  }

  boost::asio::awaitable<Result<ChatCompletion>> complete(ChatRequest request) override {
    auto answer = take(std::move(request));
    if (!answer) co_return answer.error();
    ChatCompletion completion;
    completion.id = "cmpl-scripted";
    completion.message.role = "assistant";
    for (const auto& piece : answer->pieces) completion.message.content += piece;
    completion.message.tool_calls = answer->tool_calls;
    completion.finish_reason = answer->tool_calls.empty() ? "stop" : "tool_calls";
    completion.usage = answer->usage;
    co_return completion;
  }

  boost::asio::awaitable<Result<std::unique_ptr<ChatStream>>> stream(ChatRequest request) override {
    auto answer = take(std::move(request));
    if (!answer) co_return answer.error();
    CancelReport how;
    {
      std::lock_guard lock(mutex_);
      how = cancel_report_;
    }
    std::unique_ptr<ChatStream> stream = std::make_unique<Stream>(std::move(*answer), how);
    co_return stream;
  }

  // Every request received, in order.
  std::vector<ChatRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  class Stream : public ChatStream {
   public:
    Stream(ScriptedAnswer answer, CancelReport how)
        : deltas_(deltas_of(answer)),
          first_after_(answer.first_delta_after),
          next_after_(answer.next_deltas_after),
          how_(how) {}

    boost::asio::awaitable<Result<std::optional<ChatDelta>>> next() override {
      if (next_ >= deltas_.size()) co_return std::optional<ChatDelta>{};
      const auto pause = next_ == 0 ? first_after_ : next_after_;
      if (pause.count() > 0) {
        auto stalled = co_await stall(pause);
        if (!stalled) co_return stalled.error();
      }
      co_return std::optional<ChatDelta>(deltas_[next_++]);
    }

   private:
    static std::vector<ChatDelta> deltas_of(const ScriptedAnswer& answer) {
      std::vector<ChatDelta> deltas;
      for (const auto& piece : answer.pieces) {
        ChatDelta delta;
        delta.content = piece;
        deltas.push_back(std::move(delta));
      }
      if (!answer.tool_calls.empty()) {
        // Each call in two fragments, as OpenAI streams them: id and name, then arguments.
        ChatDelta delta;
        for (std::size_t i = 0; i < answer.tool_calls.size(); ++i) {
          const auto& call = answer.tool_calls[i];
          ToolCallDelta head;
          head.index = static_cast<int>(i);
          head.id = call.id;
          head.name = call.name;
          ToolCallDelta arguments;
          arguments.index = static_cast<int>(i);
          arguments.arguments = call.arguments;
          delta.tool_calls.push_back(std::move(head));
          delta.tool_calls.push_back(std::move(arguments));
        }
        deltas.push_back(std::move(delta));
      }
      ChatDelta last;
      last.finish_reason = answer.tool_calls.empty() ? "stop" : "tool_calls";
      last.usage = answer.usage;
      deltas.push_back(std::move(last));
      return deltas;
    }

    boost::asio::awaitable<Status> stall(std::chrono::milliseconds pause) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, pause);
      bool is_cancelled = false;
      try {
        co_await timer.async_wait(boost::asio::use_awaitable);
      } catch (const boost::system::system_error& e) {
        if (e.code() != boost::asio::error::operation_aborted ||
            how_ == CancelReport::as_exception) {
          throw;
        }
        is_cancelled = true;
      }
      if (is_cancelled) {
        co_return Error{
            ErrorCode::unavailable, "the upstream request was cancelled", {}, "cancelled"};
      }
      co_return ok_status();
    }

    std::vector<ChatDelta> deltas_;
    std::chrono::milliseconds first_after_;
    std::chrono::milliseconds next_after_;
    CancelReport how_;
    std::size_t next_ = 0;
  };

  Result<ScriptedAnswer> take(ChatRequest request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
    if (script_.empty()) {
      return Error::internal("the script has no answer for request " +
                             std::to_string(requests_.size()));
    }
    ScriptedAnswer answer = std::move(script_.front());
    script_.pop_front();
    if (answer.failure) return *answer.failure;
    return answer;
  }

  mutable std::mutex mutex_;
  std::deque<ScriptedAnswer> script_;
  std::vector<ChatRequest> requests_;
  CancelReport cancel_report_ = CancelReport::as_error;
};

}  // namespace agentd

// Feeds arbitrary bytes to the chat-completions request parser: any input is JSON that
// fails, a 400 with a message, or a request; never a crash.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "infrastructure/http/dto/chat_dto.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  auto body = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto parsed = agentd::http::parse_chat_completions_request(body);
  if (!parsed) {
    if (parsed.error().kind != agentd::ErrorCode::invalid_request ||
        parsed.error().message.empty()) {
      __builtin_trap();
    }
  } else if (parsed->chat.messages.empty() ||
             parsed->chat.messages.size() > agentd::http::kMaxMessages) {
    __builtin_trap();
  }
  return 0;
}

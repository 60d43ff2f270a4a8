// Feeds arbitrary bytes to the Responses API's request parser: any input is JSON that fails,
// a 400 with a message, or a request whose stored echo and input items are JSON; never a
// crash.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "infrastructure/http/dto/response_dto.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  auto body = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  auto parsed = agentd::http::parse_response_request(body);
  if (!parsed) {
    const auto kind = parsed.error().kind;
    if ((kind != agentd::ErrorCode::invalid_request && kind != agentd::ErrorCode::not_found) ||
        parsed.error().message.empty()) {
      __builtin_trap();
    }
    return 0;
  }
  auto echo = boost::json::parse(parsed->request.echo, ec);
  if (ec || !echo.is_object()) __builtin_trap();
  auto items = boost::json::parse(parsed->request.input_items, ec);
  if (ec || !items.is_array()) __builtin_trap();
  return 0;
}

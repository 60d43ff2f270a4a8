#include "infrastructure/http/json_body.h"

#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <string>

namespace agentd::http {
namespace {

// Boost.JSON's default of 32 refuses real documents (JSON Schemas of tool parameters nest
// deeply); a limit stays because code that walks a value (validation, serialising) recurses
// once per level.
constexpr std::size_t kMaxNesting = 64;

bool is_json_content_type(std::string_view value) {
  auto semicolon = value.find(';');
  auto media = value.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json";
}

}  // namespace

Result<boost::json::value> parse_json_body(const Request& request) {
  auto content_type = request.header("content-type");
  if (!content_type || !is_json_content_type(*content_type)) {
    return Error{ErrorCode::unsupported_media_type,
                 "Content-Type must be application/json",
                 {},
                 "unsupported_media_type"};
  }
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = kMaxNesting;
  auto value = boost::json::parse(request.body, ec, {}, options);
  if (ec == boost::json::error::too_deep) {
    return Error{ErrorCode::invalid_json,
                 "request body is not accepted: JSON nesting deeper than " +
                     std::to_string(kMaxNesting) + " levels",
                 {},
                 "invalid_json"};
  }
  if (ec) {
    return Error{ErrorCode::invalid_json,
                 "request body is not valid JSON: " + ec.message(),
                 {},
                 "invalid_json"};
  }
  return value;
}

Response json_response(int status, const boost::json::value& body) {
  return Response::json(status, boost::json::serialize(body));
}

}  // namespace agentd::http

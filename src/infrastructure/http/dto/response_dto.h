// The Responses API on the wire (OpenAI's and the Open Responses specification's shapes): the
// create request read into a ResponseRequest, and the response object and its output items
// built from a stored response and the messages of its part of the run.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "application/responses/create_response.h"
#include "application/responses/manage_responses.h"

namespace agentd::http {

struct ParsedResponseRequest {
  ResponseRequest request;
  bool stream = false;
};

Result<ParsedResponseRequest> parse_response_request(const boost::json::value& body);

// "resp_" + id; and back, nullopt for an id that is not one of ours.
std::string response_wire_id(std::string_view id);
std::optional<std::string> response_store_id(std::string_view wire_id);

// The response object; `status` overrides the stored one (a stream's first events say
// in_progress whatever happened since).
boost::json::object to_json(const ResponseView& view,
                            std::optional<ResponseStatus> status = std::nullopt);
// The stored input items, each with its id.
boost::json::array input_items_json(const StoredResponse& response);

// Output items, as both the response object and its stream show them.
boost::json::object message_item(std::string id, std::string_view text, std::string_view status);
boost::json::object output_text_part(std::string_view text);
boost::json::object mcp_call_item(std::string_view call_id, std::string_view name,
                                  std::string_view arguments, std::string_view status);
boost::json::object function_call_item(std::string_view call_id, std::string_view name,
                                       std::string_view arguments, std::string_view status);
boost::json::object approval_request_item(std::string_view approval_id, std::string_view name,
                                          std::string_view arguments);
// The id of a response's `n`th message item (0-based): the same in its stream and its object.
std::string message_item_id(std::string_view response_id, int n);
// The names of the function tools a response offered (those the client runs).
std::vector<std::string> client_tool_names(const StoredResponse& response);

}  // namespace agentd::http

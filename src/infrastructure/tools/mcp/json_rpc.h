// JSON-RPC 2.0 message shapes, the framing MCP uses on every transport.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string_view>

namespace agentd::json_rpc {

inline constexpr std::int64_t kMethodNotFound = -32601;

enum class Kind { request, notification, response, invalid };

boost::json::object request(std::int64_t id, std::string_view method, boost::json::object params);
boost::json::object notification(std::string_view method, boost::json::object params);
boost::json::object result_response(const boost::json::value& id, boost::json::value result);
boost::json::object error_response(const boost::json::value& id, std::int64_t code,
                                   std::string_view message);

Kind kind_of(const boost::json::value& message);

}  // namespace agentd::json_rpc

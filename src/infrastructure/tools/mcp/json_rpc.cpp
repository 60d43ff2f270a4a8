#include "infrastructure/tools/mcp/json_rpc.h"

#include <utility>

namespace agentd::json_rpc {

boost::json::object request(std::int64_t id, std::string_view method, boost::json::object params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

boost::json::object notification(std::string_view method, boost::json::object params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

boost::json::object result_response(const boost::json::value& id, boost::json::value result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

boost::json::object error_response(const boost::json::value& id, std::int64_t code,
                                   std::string_view message) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"error", boost::json::object{{"code", code}, {"message", message}}}};
}

Kind kind_of(const boost::json::value& message) {
  const auto* object = message.if_object();
  if (object == nullptr) return Kind::invalid;
  const auto* method = object->if_contains("method");
  const bool has_id = object->contains("id");
  if (method != nullptr) {
    if (!method->is_string()) return Kind::invalid;
    return has_id ? Kind::request : Kind::notification;
  }
  if (has_id && (object->contains("result") || object->contains("error"))) return Kind::response;
  return Kind::invalid;
}

}  // namespace agentd::json_rpc

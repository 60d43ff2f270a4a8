#include "infrastructure/tools/mcp/mcp_call_result.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <string>
#include <string_view>

#include "application/ports/tool.h"

namespace agentd {
namespace {

namespace json = boost::json;

std::string_view string_field(const json::object& object, std::string_view key) {
  const auto* field = object.if_contains(key);
  return field && field->is_string() ? std::string_view(field->get_string()) : std::string_view{};
}

// Binary payloads (base64 images, audio, blobs) would flood a model's context; a note that they
// exist is what the model can use.
std::string describe_block(const json::object& block) {
  const auto type = string_field(block, "type");
  if (type == "text") return std::string(string_field(block, "text"));
  if (type == "image" || type == "audio") {
    return "[" + std::string(type) + " " + std::string(string_field(block, "mimeType")) + "]";
  }
  if (type == "resource_link") {
    return "[resource link " + std::string(string_field(block, "uri")) + "]";
  }
  if (type == "resource") {
    if (const auto* resource = block.if_contains("resource"); resource && resource->is_object()) {
      const auto& contents = resource->get_object();
      if (contents.contains("text")) return std::string(string_field(contents, "text"));
      return "[resource " + std::string(string_field(contents, "uri")) + "]";
    }
  }
  return "[" + (type.empty() ? std::string("unknown") : std::string(type)) + " content]";
}

std::string joined_content(const json::object& result) {
  std::string text;
  const auto* content = result.if_contains("content");
  if (content == nullptr || !content->is_array()) return text;
  for (const auto& block : content->get_array()) {
    if (!block.is_object()) continue;
    if (!text.empty()) text += '\n';
    text += describe_block(block.get_object());
  }
  return text;
}

}  // namespace

Result<json::value> map_call_result(const json::value& result) {
  const auto* object = result.if_object();
  if (object == nullptr) return tool_error("the MCP server sent a malformed tool result");
  auto text = joined_content(*object);
  if (const auto* is_error = object->if_contains("isError");
      is_error && is_error->is_bool() && is_error->get_bool()) {
    return tool_error(text.empty() ? "the MCP tool reported an error" : std::move(text));
  }
  if (const auto* structured = object->if_contains("structuredContent");
      structured && !structured->is_null()) {
    return *structured;
  }
  boost::system::error_code not_json;
  auto parsed = json::parse(text, not_json);
  if (!not_json) return parsed;
  return json::value(text);
}

}  // namespace agentd

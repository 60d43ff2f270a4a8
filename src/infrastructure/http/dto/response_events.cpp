#include "infrastructure/http/dto/response_events.h"

#include <algorithm>

#include "infrastructure/http/dto/response_dto.h"

namespace agentd::http {
namespace {

namespace json = boost::json;

std::string_view text_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string_view(value->get_string())
                                                : std::string_view{};
}

}  // namespace

std::string_view final_event_type(ResponseStatus status) {
  switch (status) {
    case ResponseStatus::completed:
      return "response.completed";
    case ResponseStatus::incomplete:
      return "response.incomplete";
    default:
      return "response.failed";
  }
}

json::object ResponseEventWriter::event(std::string_view type, json::object fields) {
  json::object out{{"type", type}, {"sequence_number", sequence_++}};
  for (auto& [key, value] : fields) out[key] = std::move(value);
  return out;
}

bool ResponseEventWriter::is_client(std::string_view name) const {
  return std::find(client_tools_.begin(), client_tools_.end(), name) != client_tools_.end();
}

std::vector<json::object> ResponseEventWriter::start(const json::object& response) {
  std::vector<json::object> out;
  out.push_back(event("response.created", {{"response", response}}));
  out.push_back(event("response.in_progress", {{"response", response}}));
  return out;
}

void ResponseEventWriter::close_message(std::vector<json::object>& out, std::string_view status) {
  if (!message_index_) return;
  const int index = *message_index_;
  const auto id = message_item_id(response_id_, messages_ - 1);
  out.push_back(event("response.output_text.done", {{"item_id", id},
                                                    {"output_index", index},
                                                    {"content_index", 0},
                                                    {"text", message_text_},
                                                    {"logprobs", json::array{}}}));
  out.push_back(event("response.content_part.done", {{"item_id", id},
                                                     {"output_index", index},
                                                     {"content_index", 0},
                                                     {"part", output_text_part(message_text_)}}));
  out.push_back(
      event("response.output_item.done",
            {{"output_index", index}, {"item", message_item(id, message_text_, status)}}));
  message_index_.reset();
  message_text_.clear();
}

void ResponseEventWriter::started_call(const json::object& call, std::vector<json::object>& out) {
  const std::string id(text_of(call, "tool_call_id"));
  const std::string name(text_of(call, "name"));
  const std::string arguments(text_of(call, "arguments"));
  const int index = output_index_++;
  if (is_client(name)) {
    const auto item_id = "fc_" + id;
    out.push_back(event(
        "response.output_item.added",
        {{"output_index", index}, {"item", function_call_item(id, name, "", "in_progress")}}));
    out.push_back(event("response.function_call_arguments.delta",
                        {{"item_id", item_id}, {"output_index", index}, {"delta", arguments}}));
    out.push_back(event(
        "response.function_call_arguments.done",
        {{"item_id", item_id}, {"output_index", index}, {"name", name}, {"arguments", arguments}}));
    out.push_back(event(
        "response.output_item.done",
        {{"output_index", index}, {"item", function_call_item(id, name, arguments, "completed")}}));
    return;
  }
  const auto item_id = "mcp_" + id;
  out.push_back(
      event("response.output_item.added",
            {{"output_index", index}, {"item", mcp_call_item(id, name, "", "in_progress")}}));
  out.push_back(event("response.mcp_call_arguments.delta",
                      {{"item_id", item_id}, {"output_index", index}, {"delta", arguments}}));
  out.push_back(event("response.mcp_call_arguments.done",
                      {{"item_id", item_id}, {"output_index", index}, {"arguments", arguments}}));
  out.push_back(
      event("response.mcp_call.in_progress", {{"item_id", item_id}, {"output_index", index}}));
  calls_[id] = OpenCall{index, name, arguments};
}

void ResponseEventWriter::completed_call(const json::object& result,
                                         std::vector<json::object>& out) {
  const std::string id(text_of(result, "tool_call_id"));
  auto open = calls_.find(id);
  if (open == calls_.end()) {
    // Run without a start in this stream (an interrupted call answered on takeover).
    json::object call{{"tool_call_id", id}, {"name", text_of(result, "name")}, {"arguments", ""}};
    started_call(call, out);
    open = calls_.find(id);
    if (open == calls_.end()) return;  // a client's call: nothing runs here
  }
  const auto item_id = "mcp_" + id;
  const bool failed = result.contains("error");
  auto item =
      mcp_call_item(id, open->second.name, open->second.arguments, failed ? "failed" : "completed");
  if (failed) {
    const auto& error = result.at("error");
    item["error"] = error.is_object() ? json::value(text_of(error.get_object(), "message"))
                                      : json::value("the tool failed");
  } else if (const auto* output = result.if_contains("result")) {
    item["output"] = output->is_string() ? *output : json::value(json::serialize(*output));
  }
  out.push_back(event(failed ? "response.mcp_call.failed" : "response.mcp_call.completed",
                      {{"item_id", item_id}, {"output_index", open->second.output_index}}));
  out.push_back(event("response.output_item.done",
                      {{"output_index", open->second.output_index}, {"item", std::move(item)}}));
  calls_.erase(open);
}

std::vector<json::object> ResponseEventWriter::on_run_event(std::string_view name,
                                                            const json::value& data) {
  std::vector<json::object> out;
  if (!data.is_object()) return out;
  const auto& object = data.get_object();
  if (name == "message.delta") {
    const auto delta = text_of(object, "content");
    if (!message_index_) {
      message_index_ = output_index_++;
      const auto id = message_item_id(response_id_, messages_++);
      out.push_back(event(
          "response.output_item.added",
          {{"output_index", *message_index_}, {"item", message_item(id, "", "in_progress")}}));
      out.push_back(event("response.content_part.added", {{"item_id", id},
                                                          {"output_index", *message_index_},
                                                          {"content_index", 0},
                                                          {"part", output_text_part("")}}));
    }
    message_text_ += delta;
    out.push_back(event("response.output_text.delta",
                        {{"item_id", message_item_id(response_id_, messages_ - 1)},
                         {"output_index", *message_index_},
                         {"content_index", 0},
                         {"delta", delta},
                         {"logprobs", json::array{}}}));
  } else if (name == "tool_call.started") {
    close_message(out);
    started_call(object, out);
  } else if (name == "tool_call.completed") {
    close_message(out);
    completed_call(object, out);
  } else if (name == "approval.required") {
    close_message(out);
    const auto* approvals = object.if_contains("approvals");
    if (approvals == nullptr || !approvals->is_array()) return out;
    for (const auto& value : approvals->get_array()) {
      if (!value.is_object()) continue;
      const auto& approval = value.get_object();
      const int index = output_index_++;
      auto item = approval_request_item(text_of(approval, "id"), text_of(approval, "tool"),
                                        text_of(approval, "arguments"));
      out.push_back(event("response.output_item.added", {{"output_index", index}, {"item", item}}));
      out.push_back(event("response.output_item.done", {{"output_index", index}, {"item", item}}));
    }
  }
  return out;
}

std::vector<json::object> ResponseEventWriter::replayed_item(const json::object& item) {
  const int index = output_index_++;
  std::vector<json::object> out;
  out.push_back(event("response.output_item.added", {{"output_index", index}, {"item", item}}));
  out.push_back(event("response.output_item.done", {{"output_index", index}, {"item", item}}));
  return out;
}

std::vector<json::object> ResponseEventWriter::finish(const json::object& response,
                                                      ResponseStatus status) {
  std::vector<json::object> out;
  close_message(out, status == ResponseStatus::incomplete ? "incomplete" : "completed");
  out.push_back(event(final_event_type(status), {{"response", response}}));
  return out;
}

}  // namespace agentd::http

// A response's stream: the run's events (run.started, message.delta, tool_call.*,
// approval.required, run.completed, error) told as the Responses API's streamed events, each
// with its sequence_number. The same run events always give the same events and numbers, so a
// client may resume a stream after any sequence number.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/responses/response.h"

namespace agentd::http {

class ResponseEventWriter {
 public:
  ResponseEventWriter(std::string response_id, std::vector<std::string> client_tools)
      : response_id_(std::move(response_id)), client_tools_(std::move(client_tools)) {}

  // response.created and response.in_progress, with the response as it began.
  std::vector<boost::json::object> start(const boost::json::object& response);
  // What one of the run's events (not its terminal one) adds to the stream.
  std::vector<boost::json::object> on_run_event(std::string_view name,
                                                const boost::json::value& data);
  // A stored output item told as added and done, for a response whose run events are gone.
  std::vector<boost::json::object> replayed_item(const boost::json::object& item);
  // The end: what is still open is closed, then response.completed, .failed or .incomplete
  // with the response as it ended.
  std::vector<boost::json::object> finish(const boost::json::object& response,
                                          ResponseStatus status);

 private:
  struct OpenCall {
    int output_index = 0;
    std::string name;
    std::string arguments;
  };

  boost::json::object event(std::string_view type, boost::json::object fields);
  void close_message(std::vector<boost::json::object>& out, std::string_view status = "completed");
  void started_call(const boost::json::object& call, std::vector<boost::json::object>& out);
  void completed_call(const boost::json::object& result, std::vector<boost::json::object>& out);
  bool is_client(std::string_view name) const;

  std::string response_id_;
  std::vector<std::string> client_tools_;
  int sequence_ = 0;
  int output_index_ = 0;
  int messages_ = 0;
  // The message item being written, while deltas come.
  std::optional<int> message_index_;
  std::string message_text_;
  std::map<std::string, OpenCall> calls_;  // mcp calls started, by tool_call_id
};

// The event name of a response that ended with `status`.
std::string_view final_event_type(ResponseStatus status);

}  // namespace agentd::http

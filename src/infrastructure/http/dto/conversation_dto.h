// Wire shapes of conversations, messages, runs and run events, and the bodies that
// start a run.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "application/agent/run_event.h"
#include "application/agent/run_event_log.h"
#include "application/conversations/conversation_runs.h"
#include "application/conversations/manage_conversations.h"
#include "application/ports/run_event_feed.h"

namespace agentd::http {

// {"id","title","model","status","created_at","updated_at","message_count"}
boost::json::object to_json(const Conversation& conversation);
// {"id","role","content","tool_calls"?,"tool_call_id"?,"name"?,"created_at","usage"?}
boost::json::object to_json(const Message& message);
// {"id","conversation_id","run_id","status","steps","usage","model","attempts","created_at",
//  "updated_at","error"?,"finished_at"?,"cancel_requested_at"?}
boost::json::object to_json(const Run& run);
// {"id","conversation_id","run_id","tool_call_id","tool","arguments","status","created_at",
//  "expires_at","decided_at"?,"decided_by":{"user_id","api_key_id"}|null,"reason":…|null,
//  "edited_arguments"?}
boost::json::object to_json(const Approval& approval);
// {"run":Run,"message":Message|null,"pending_approvals":[…]}
boost::json::object to_json(const RunResult& result);
// The `data` of a named stream event.
boost::json::value event_data(const RunEvent& event);
// "id: 3\nevent: message.delta\ndata: {…}\n\n"
std::string sse_event(std::int64_t id, const RunEvent& event);
// The event as the replicas' shared feed carries it: its name and JSON data.
FeedEvent feed_event(const NumberedEvent& numbered);

// {"title"?,"model"?,"system_prompt"?,"message"?}; `message` is returned separately.
struct CreateConversationBody {
  NewConversation conversation;
  std::optional<std::string> message;
};
Result<CreateConversationBody> parse_create_conversation(const boost::json::value& body);

// {"message","model"?,"tools"?,"max_steps"?,"stream"?,"background"?}
struct TurnBody {
  TurnRequest turn;
  bool stream = false;
};
Result<TurnBody> parse_turn(const boost::json::value& body);

// {"decisions":[{"tool_call_id","approved","reason"?,"arguments"?}],"stream"?,"background"?}
// or the short form {"approved","reason"?,"stream"?,"background"?}.
struct ApproveBody {
  ApproveRequest approve;
  bool stream = false;
};
Result<ApproveBody> parse_approve(const boost::json::value& body);

}  // namespace agentd::http

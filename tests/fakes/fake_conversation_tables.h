// The rows the conversation and run fakes share, as the tables of one database: both
// repositories of a store see each other's writes, under one lock.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "domain/conversation/approval.h"
#include "domain/conversation/conversation.h"
#include "domain/conversation/message.h"
#include "domain/conversation/run.h"

namespace agentd {

struct FakeConversationTables {
  // The user's conversation, or nullptr when it is missing or someone else's.
  Conversation* owned(const std::string& user_id, const std::string& conversation_id) {
    auto found = conversations.find(conversation_id);
    if (found == conversations.end() || found->second.user_id != user_id) return nullptr;
    return &found->second;
  }

  Approval* pending_approval(const std::string& run_id, const std::string& approval_id) {
    for (auto& stored : approvals) {
      if (stored.id == approval_id && stored.run_id == run_id &&
          stored.status == ApprovalStatus::pending) {
        return &stored;
      }
    }
    return nullptr;
  }

  std::mutex mutex;                                      // held by every call of either fake
  std::map<std::string, Conversation> conversations;     // by id
  std::map<std::string, std::vector<Message>> messages;  // by conversation id, in order
  std::map<std::string, Run> runs;                       // by id
  std::vector<Approval> approvals;                       // in the order they were stored
  struct Lease {
    std::string owner;
    Timestamp until;
  };
  std::map<std::string, Lease> leases;  // by run id, while a replica holds the run
};

}  // namespace agentd

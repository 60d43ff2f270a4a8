// Reading, deleting and cancelling stored responses, strictly per owner: another user's
// response does not exist for them.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "application/conversations/manage_runs.h"
#include "application/ports/response_repository.h"

namespace agentd {

// A response with what its output is made of: the conversation's messages of its part, and
// the approvals its run asked for.
struct ResponseView {
  StoredResponse response;
  std::vector<Message> output;
  std::vector<Approval> approvals;
};

class ManageResponses {
 public:
  ManageResponses(ResponseRepository& responses, ConversationRepository& conversations,
                  RunRepository& runs, ManageRuns& manage_runs)
      : responses_(responses),
        conversations_(conversations),
        runs_(runs),
        manage_runs_(manage_runs) {}

  boost::asio::awaitable<Result<ResponseView>> get(const Principal& caller, std::string id);
  boost::asio::awaitable<Result<StoredResponse>> find(const Principal& caller, std::string id);
  boost::asio::awaitable<Status> remove(const Principal& caller, std::string id);
  // Stops a background response's run (waiting a while for it to stop) and answers the
  // response as it then is. 400 for a response not made in background mode, 409 for one that
  // has already ended.
  boost::asio::awaitable<Result<ResponseView>> cancel(const Principal& caller, std::string id);

  // The view of a response already read.
  boost::asio::awaitable<Result<ResponseView>> view(StoredResponse response);

 private:
  ResponseRepository& responses_;
  ConversationRepository& conversations_;
  RunRepository& runs_;
  ManageRuns& manage_runs_;
};

}  // namespace agentd

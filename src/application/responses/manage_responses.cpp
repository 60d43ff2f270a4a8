#include "application/responses/manage_responses.h"

namespace agentd {

namespace asio = boost::asio;

asio::awaitable<Result<StoredResponse>> ManageResponses::find(const Principal& caller,
                                                              std::string id) {
  co_return co_await responses_.find(caller.user_id, std::move(id));
}

asio::awaitable<Result<ResponseView>> ManageResponses::get(const Principal& caller,
                                                           std::string id) {
  auto response = co_await responses_.find(caller.user_id, std::move(id));
  if (!response) co_return response.error();
  co_return co_await view(std::move(*response));
}

asio::awaitable<Result<ResponseView>> ManageResponses::view(StoredResponse response) {
  ResponseView view;
  auto messages = co_await conversations_.messages(response.conversation_id);
  if (!messages) co_return messages.error();
  for (auto& message : *messages) {
    if (message.position <= response.output_after) continue;
    if (response.output_until && message.position > *response.output_until) break;
    view.output.push_back(std::move(message));
  }
  auto approvals = co_await runs_.run_approvals(response.run_id);
  if (!approvals) co_return approvals.error();
  view.approvals = std::move(*approvals);
  view.response = std::move(response);
  co_return view;
}

asio::awaitable<Status> ManageResponses::remove(const Principal& caller, std::string id) {
  co_return co_await responses_.remove(caller.user_id, std::move(id));
}

asio::awaitable<Result<ResponseView>> ManageResponses::cancel(const Principal& caller,
                                                              std::string id) {
  auto response = co_await responses_.find(caller.user_id, id);
  if (!response) co_return response.error();
  if (!response->background) {
    co_return Error::invalid("only a response created with background: true can be cancelled", {},
                             "not_background");
  }
  if (is_final(response->status)) {
    co_return Error{ErrorCode::conflict,
                    "this response has already ended: " + std::string(to_string(response->status)),
                    {},
                    "response_not_active"};
  }
  auto cancelled = co_await manage_runs_.cancel(caller, response->run_id);
  if (!cancelled && cancelled.error().code != "run_not_active") co_return cancelled.error();
  co_return co_await get(caller, std::move(id));
}

}  // namespace agentd

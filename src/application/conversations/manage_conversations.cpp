#include "application/conversations/manage_conversations.h"

namespace agentd {

boost::asio::awaitable<Result<Conversation>> ManageConversations::create(const Principal& caller,
                                                                         NewConversation request) {
  Conversation conversation;
  if (request.title) {
    if (request.title->size() > kMaxTitleInputBytes) {
      co_return Error::invalid("title must be at most 1000 bytes", "title");
    }
    conversation.title = derive_title(*request.title);
  }
  if (request.model && !request.model->empty()) {
    // Checked now, so a conversation never names a model its owner may not use.
    auto route = models_.resolve(caller, *request.model);
    if (!route) co_return route.error();
    conversation.model = *request.model;
  } else {
    // Stored, so the conversation shows the model its runs use.
    conversation.model = models_.default_model();
  }
  if (request.system_prompt) conversation.system_prompt = std::move(*request.system_prompt);
  if (request.truncation) conversation.truncation = *request.truncation;
  conversation.id = ids_.new_id();
  conversation.user_id = caller.user_id;
  conversation.created_at = clock_.now();
  conversation.updated_at = conversation.created_at;
  auto created = co_await conversations_.create(conversation);
  if (!created) co_return created.error();
  co_return conversation;
}

boost::asio::awaitable<Result<Page<Conversation>>> ManageConversations::list(
    const Principal& caller, int limit, std::optional<std::string> after) {
  co_return co_await conversations_.list(caller.user_id, limit, std::move(after));
}

boost::asio::awaitable<Result<ConversationDetail>> ManageConversations::get(
    const Principal& caller, std::string conversation_id) {
  auto conversation = co_await conversations_.find(caller.user_id, conversation_id);
  if (!conversation) co_return conversation.error();
  auto messages = co_await conversations_.messages(conversation_id);
  if (!messages) co_return messages.error();
  ConversationDetail detail{std::move(*conversation), std::move(*messages)};
  co_return detail;
}

boost::asio::awaitable<Result<Conversation>> ManageConversations::find(
    const Principal& caller, std::string conversation_id) {
  co_return co_await conversations_.find(caller.user_id, std::move(conversation_id));
}

boost::asio::awaitable<Status> ManageConversations::remove(const Principal& caller,
                                                           std::string conversation_id) {
  auto conversation = co_await conversations_.find(caller.user_id, conversation_id);
  if (!conversation) co_return conversation.error();
  if (conversation->status != ConversationStatus::idle) {
    auto latest = co_await runs_.list_runs(conversation_id, 1, std::nullopt);
    if (!latest) co_return latest.error();
    for (const auto& run : latest->items) {
      if (is_final(run.status)) continue;
      auto cancelled = co_await manage_runs_.cancel(caller, run.id);
      // Ended on its own meanwhile: nothing left to cancel.
      if (!cancelled && cancelled.error().code != "run_not_active") co_return cancelled.error();
    }
  }
  auto removed = co_await conversations_.remove(caller.user_id, conversation_id);
  if (!removed) co_return removed.error();
  live_runs_.forget(conversation_id);
  co_return ok_status();
}

boost::asio::awaitable<Result<Page<Approval>>> ManageConversations::list_approvals(
    const Principal& caller, std::optional<ApprovalStatus> status, int limit,
    std::optional<std::string> after) {
  co_return co_await runs_.list_approvals(caller.user_id, status, clock_.now(), limit,
                                          std::move(after));
}

}  // namespace agentd

// An in-memory ConversationRepository with the port's rules: owner-scoped reads and
// positions counted per conversation. Its tables are shared with a FakeRunRepository.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "application/ports/conversation_repository.h"
#include "domain/conversation/conversation_errors.h"
#include "fakes/fake_conversation_tables.h"

namespace agentd {

class FakeConversationRepository : public ConversationRepository {
 public:
  explicit FakeConversationRepository(FakeConversationTables& tables) : tables_(tables) {}

  boost::asio::awaitable<Status> create(Conversation conversation) override {
    std::lock_guard lock(tables_.mutex);
    tables_.conversations[conversation.id] = std::move(conversation);
    co_return ok_status();
  }

  boost::asio::awaitable<Result<Conversation>> find(std::string user_id,
                                                    std::string conversation_id) override {
    std::lock_guard lock(tables_.mutex);
    const auto* conversation = tables_.owned(user_id, conversation_id);
    if (conversation == nullptr) co_return conversation_not_found();
    co_return *conversation;
  }

  boost::asio::awaitable<Result<Page<Conversation>>> list(
      std::string user_id, int limit, std::optional<std::string> after) override {
    if (limit < 1) co_return Error::invalid("limit must be at least 1", "limit", "invalid_limit");
    std::lock_guard lock(tables_.mutex);
    std::vector<Conversation> listed;
    // Newest first is largest id first.
    for (auto it = tables_.conversations.rbegin(); it != tables_.conversations.rend(); ++it) {
      if (it->second.user_id == user_id) listed.push_back(it->second);
    }
    co_return page_after(std::move(listed), limit, after,
                         [](const Conversation& conversation) { return conversation.id; });
  }

  boost::asio::awaitable<Status> remove(std::string user_id, std::string conversation_id) override {
    std::lock_guard lock(tables_.mutex);
    const auto* conversation = tables_.owned(user_id, conversation_id);
    if (conversation == nullptr) co_return conversation_not_found();
    if (conversation->status == ConversationStatus::running) co_return run_in_progress();
    tables_.conversations.erase(conversation_id);
    tables_.messages.erase(conversation_id);
    std::erase_if(tables_.runs, [&](const auto& entry) {
      return entry.second.conversation_id == conversation_id;
    });
    std::erase_if(tables_.approvals, [&](const Approval& approval) {
      return approval.conversation_id == conversation_id;
    });
    co_return ok_status();
  }

  boost::asio::awaitable<Result<std::vector<Message>>> messages(
      std::string conversation_id) override {
    std::lock_guard lock(tables_.mutex);
    auto found = tables_.messages.find(conversation_id);
    if (found == tables_.messages.end()) co_return std::vector<Message>{};
    co_return found->second;
  }

  boost::asio::awaitable<Result<Message>> append_message(Message message) override {
    std::lock_guard lock(tables_.mutex);
    auto found = tables_.conversations.find(message.conversation_id);
    if (found == tables_.conversations.end()) co_return conversation_not_found();
    Conversation& conversation = found->second;
    message.position = ++conversation.message_count;
    conversation.updated_at = message.created_at;
    tables_.messages[message.conversation_id].push_back(message);
    co_return message;
  }

  boost::asio::awaitable<Status> set_title_if_empty(std::string conversation_id,
                                                    std::string title) override {
    std::lock_guard lock(tables_.mutex);
    auto found = tables_.conversations.find(conversation_id);
    if (found == tables_.conversations.end()) co_return conversation_not_found();
    if (found->second.title.empty()) found->second.title = std::move(title);
    co_return ok_status();
  }

 private:
  FakeConversationTables& tables_;
};

}  // namespace agentd

// What every ResponseRepository adapter must do: responses are their owner's alone, an open
// response is found by its run, and it ends once.
#include "fakes/run_sync.h"
#include "infrastructure/persistence/conversation_store_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

StoredResponse sample_response(std::string id, const Run& run, Timestamp at) {
  StoredResponse response;
  response.id = std::move(id);
  response.user_id = run.user_id;
  response.api_key_id = numbered("key", 1);
  response.conversation_id = run.conversation_id;
  response.run_id = run.id;
  response.status = ResponseStatus::in_progress;
  response.model = "gpt-test";
  response.background = true;
  response.request = R"({"instructions":"be brief","metadata":{"team":"a"}})";
  response.input_items = R"([{"type":"message","role":"user","content":"hi"}])";
  response.output_after = 2;
  response.events_after = 5;
  response.usage_before = Usage{10, 4, 14};
  response.created_at = at;
  return response;
}

ResponseEnd sample_end(ResponseStatus status) {
  ResponseEnd end;
  end.status = status;
  end.output_until = 6;
  end.usage = Usage{30, 9, 39};
  end.completed_at = kT0 + 5min;
  return end;
}

TEST_P(ResponseRepositoryContract, StoredResponseIsFoundByItsOwnerOnly) {
  const auto run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const auto response = sample_response(numbered("resp", 1), run, kT0 + 1min);
  ASSERT_TRUE(run_sync(responses().create(response)));

  auto found = run_sync(responses().find(kOwner, response.id));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, response);

  auto foreign = run_sync(responses().find(kStranger, response.id));
  ASSERT_FALSE(foreign);
  expect_not_found(foreign.error(), "response_not_found");
  auto unknown = run_sync(responses().find(kOwner, numbered("resp", 9)));
  ASSERT_FALSE(unknown);
  expect_not_found(unknown.error(), "response_not_found");
}

TEST_P(ResponseRepositoryContract, OpenResponseIsFoundByItsRunUntilItEnds) {
  const auto run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const auto response = sample_response(numbered("resp", 1), run, kT0 + 1min);
  ASSERT_TRUE(run_sync(responses().create(response)));

  auto open = run_sync(responses().find_open_by_run(run.id));
  ASSERT_TRUE(open);
  ASSERT_TRUE(*open);
  EXPECT_EQ((*open)->id, response.id);

  auto end = sample_end(ResponseStatus::completed);
  ASSERT_TRUE(run_sync(responses().finish(response.id, end)));
  auto after = run_sync(responses().find_open_by_run(run.id));
  ASSERT_TRUE(after);
  EXPECT_FALSE(*after);

  auto ended = run_sync(responses().find(kOwner, response.id));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->status, ResponseStatus::completed);
  EXPECT_EQ(ended->output_until, 6);
  EXPECT_EQ(ended->usage, (Usage{30, 9, 39}));
  EXPECT_EQ(ended->usage_before, (Usage{10, 4, 14}));
  EXPECT_EQ(ended->completed_at, kT0 + 5min);
}

TEST_P(ResponseRepositoryContract, EndedResponseDoesNotEndAgain) {
  const auto run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const auto response = sample_response(numbered("resp", 1), run, kT0 + 1min);
  ASSERT_TRUE(run_sync(responses().create(response)));
  auto failed = sample_end(ResponseStatus::failed);
  failed.error_code = "upstream_error";
  failed.error_message = "the model failed";
  ASSERT_TRUE(run_sync(responses().finish(response.id, failed)));
  ASSERT_TRUE(run_sync(responses().finish(response.id, sample_end(ResponseStatus::completed))));

  auto stored = run_sync(responses().find(kOwner, response.id));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, ResponseStatus::failed);
  EXPECT_EQ(stored->error_code, "upstream_error");
  EXPECT_EQ(stored->error_message, "the model failed");
}

TEST_P(ResponseRepositoryContract, LatestInConversationIsTheNewest) {
  const auto conversation = given_conversation(numbered("conv", 1));
  const auto run = given_run(numbered("run", 1), conversation);
  auto none = run_sync(responses().latest_in_conversation(conversation.id));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  ASSERT_TRUE(run_sync(responses().create(sample_response(numbered("resp", 1), run, kT0 + 1min))));
  ASSERT_TRUE(run_sync(responses().create(sample_response(numbered("resp", 2), run, kT0 + 2min))));
  auto latest = run_sync(responses().latest_in_conversation(conversation.id));
  ASSERT_TRUE(latest);
  ASSERT_TRUE(*latest);
  EXPECT_EQ(**latest, numbered("resp", 2));
}

TEST_P(ResponseRepositoryContract, RemoveDeletesOnlyTheOwnersResponse) {
  const auto run = given_run(numbered("run", 1), given_conversation(numbered("conv", 1)));
  const auto response = sample_response(numbered("resp", 1), run, kT0 + 1min);
  ASSERT_TRUE(run_sync(responses().create(response)));

  auto foreign = run_sync(responses().remove(kStranger, response.id));
  ASSERT_FALSE(foreign);
  expect_not_found(foreign.error(), "response_not_found");
  ASSERT_TRUE(run_sync(responses().remove(kOwner, response.id)));
  EXPECT_FALSE(run_sync(responses().find(kOwner, response.id)));
  auto again = run_sync(responses().remove(kOwner, response.id));
  ASSERT_FALSE(again);
  expect_not_found(again.error(), "response_not_found");
}

}  // namespace
}  // namespace agentd::contract

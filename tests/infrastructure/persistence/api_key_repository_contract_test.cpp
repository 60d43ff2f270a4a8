// What every ApiKeyRepository adapter must do.
#include "fakes/run_sync.h"
#include "infrastructure/persistence/identity_repository_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> ids_of(const Page<ApiKey>& page) {
  std::vector<std::string> ids;
  for (const auto& key : page.items) ids.push_back(key.id);
  return ids;
}

TEST_P(ApiKeyRepositoryContract, CreatedKeyIsFoundByTheHashOfItsSecret) {
  given_user(numbered("user", 1));
  const ApiKey key = given_key(sample_key(numbered("key", 1), numbered("user", 1)));

  auto found = run_sync(api_keys().find_by_hash(key.secret_hash));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, key);
}

TEST_P(ApiKeyRepositoryContract, KeyWithOnlyRequiredFieldsRoundTrips) {
  given_user(numbered("user", 1));
  ApiKey key = sample_key(numbered("key", 1), numbered("user", 1));
  key.allowed_tools.reset();
  key.allowed_models.reset();
  key.approval_required_tools.clear();
  key.expires_at.reset();
  key.rate_limit_per_minute.reset();
  key.limits = {};
  given_key(key);

  auto found = run_sync(api_keys().find_by_hash(key.secret_hash));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, key);
}

TEST_P(ApiKeyRepositoryContract, LimitsAreChangedAndRemovedOnlyByTheKeysOwner) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  const ApiKey key = given_key(sample_key(numbered("key", 1), numbered("user", 1)));

  const SpendingLimits cost_only{Budget{std::nullopt, 700, BudgetPeriod::total}, std::nullopt};
  auto changed = run_sync(api_keys().update_limits(numbered("user", 1), key.id, cost_only));
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->limits, cost_only);
  EXPECT_EQ(changed->name, key.name);
  EXPECT_EQ(must(run_sync(api_keys().find_by_id(key.id))).limits, cost_only);

  auto removed = run_sync(api_keys().update_limits(numbered("user", 1), key.id, {}));
  ASSERT_TRUE(removed);
  EXPECT_EQ(must(run_sync(api_keys().find_by_hash(key.secret_hash))).limits, SpendingLimits{});

  auto others = run_sync(api_keys().update_limits(numbered("user", 2), key.id, cost_only));
  ASSERT_FALSE(others);
  EXPECT_EQ(others.error().code, "api_key_not_found");
  auto unknown = run_sync(api_keys().update_limits(numbered("user", 1), kNotAUuid, cost_only));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "api_key_not_found");
}

TEST_P(ApiKeyRepositoryContract, UnknownHashIsNotFound) {
  auto found = run_sync(api_keys().find_by_hash("hash-of-nothing"));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, ErrorCode::not_found);
  EXPECT_EQ(found.error().code, "api_key_not_found");
}

// Absent means every tool, [] means none, ["*"] means every tool by name: three meanings
// storage must not blur.
TEST_P(ApiKeyRepositoryContract, AllowListsKeepAbsentEmptyAndWildcardApart) {
  given_user(numbered("user", 1));
  const std::vector<NameAllowList> lists = {std::nullopt, std::vector<std::string>{},
                                            std::vector<std::string>{"*"}};
  for (std::size_t i = 0; i < lists.size(); ++i) {
    ApiKey key = sample_key(numbered("key", static_cast<int>(i)), numbered("user", 1));
    key.allowed_tools = lists[i];
    key.allowed_models = lists[(i + 1) % lists.size()];
    given_key(key);

    auto found = run_sync(api_keys().find_by_hash(key.secret_hash));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->allowed_tools, key.allowed_tools) << "list " << i;
    EXPECT_EQ(found->allowed_models, key.allowed_models) << "list " << i;
  }
}

TEST_P(ApiKeyRepositoryContract, ListPagesNewestFirstWithACursor) {
  given_user(numbered("user", 1));
  for (int i = 1; i <= 5; ++i) given_key(sample_key(numbered("key", i), numbered("user", 1)));

  auto first = run_sync(api_keys().list(numbered("user", 1), 2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{numbered("key", 5), numbered("key", 4)}));
  EXPECT_TRUE(first->has_more);

  auto second = run_sync(api_keys().list(numbered("user", 1), 2, first->items.back().id));
  ASSERT_TRUE(second);
  EXPECT_EQ(ids_of(*second), (std::vector<std::string>{numbered("key", 3), numbered("key", 2)}));
  EXPECT_TRUE(second->has_more);

  auto last = run_sync(api_keys().list(numbered("user", 1), 2, second->items.back().id));
  ASSERT_TRUE(last);
  EXPECT_EQ(ids_of(*last), (std::vector<std::string>{numbered("key", 1)}));
  EXPECT_FALSE(last->has_more);
}

TEST_P(ApiKeyRepositoryContract, PageThatEndsExactlyOnTheLastKeyHasNoMore) {
  given_user(numbered("user", 1));
  for (int i = 1; i <= 3; ++i) given_key(sample_key(numbered("key", i), numbered("user", 1)));

  auto page = run_sync(api_keys().list(numbered("user", 1), 3, std::nullopt));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 3u);
  EXPECT_FALSE(page->has_more);
}

TEST_P(ApiKeyRepositoryContract, ListShowsOnlyTheOwnersKeysWithEveryField) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  const ApiKey mine = given_key(sample_key(numbered("key", 1), numbered("user", 1)));
  given_key(sample_key(numbered("key", 2), numbered("user", 2)));

  auto page = run_sync(api_keys().list(numbered("user", 1), 10, std::nullopt));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items.front(), mine);
  EXPECT_FALSE(page->has_more);
}

TEST_P(ApiKeyRepositoryContract, CursorThatNamesNoKeyOfTheUserIsInvalid) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  given_key(sample_key(numbered("key", 1), numbered("user", 1)));
  given_key(sample_key(numbered("key", 2), numbered("user", 2)));

  // Another user's key is answered like a missing one: its existence is private.
  for (const std::string& cursor : {numbered("key", 2), numbered("key", 99)}) {
    auto page = run_sync(api_keys().list(numbered("user", 1), 10, cursor));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().kind, ErrorCode::invalid_request) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor") << cursor;
    EXPECT_EQ(page.error().param, "after") << cursor;
  }
}

TEST_P(ApiKeyRepositoryContract, CursorThatIsNotAUuidIsInvalid) {
  given_user(numbered("user", 1));
  given_key(sample_key(numbered("key", 1), numbered("user", 1)));

  auto page = run_sync(api_keys().list(numbered("user", 1), 10, kNotAUuid));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(page.error().code, "invalid_cursor");
  EXPECT_EQ(page.error().param, "after");
}

TEST_P(ApiKeyRepositoryContract, ListRejectsALimitBelowOne) {
  auto page = run_sync(api_keys().list(numbered("user", 1), 0, std::nullopt));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
}

TEST_P(ApiKeyRepositoryContract, KeyIsFoundByItsIdRevokedOrNot) {
  given_user(numbered("user", 1));
  const ApiKey key = given_key(sample_key(numbered("key", 1), numbered("user", 1)));

  auto found = run_sync(api_keys().find_by_id(key.id));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, key);

  ASSERT_TRUE(run_sync(api_keys().revoke(key.user_id, key.id, kT0 + 1h)));
  auto revoked = run_sync(api_keys().find_by_id(key.id));
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->revoked_at, kT0 + 1h);
}

TEST_P(ApiKeyRepositoryContract, UnknownIdIsNotFound) {
  given_user(numbered("user", 1));
  given_key(sample_key(numbered("key", 1), numbered("user", 1)));
  for (const std::string& id : {numbered("key", 2), kNotAUuid}) {
    auto found = run_sync(api_keys().find_by_id(id));
    ASSERT_FALSE(found) << id;
    EXPECT_EQ(found.error().kind, ErrorCode::not_found) << id;
    EXPECT_EQ(found.error().code, "api_key_not_found") << id;
  }
}

TEST_P(ApiKeyRepositoryContract, ListAllPagesEveryUsersKeysNewestFirst) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  for (int i = 1; i <= 3; ++i) {
    given_key(sample_key(numbered("key", i), numbered("user", 1 + i % 2)));
  }

  auto first = run_sync(api_keys().list_all(2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{numbered("key", 3), numbered("key", 2)}));
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(first->items.front(), sample_key(numbered("key", 3), numbered("user", 2)));

  auto last = run_sync(api_keys().list_all(2, first->items.back().id));
  ASSERT_TRUE(last);
  EXPECT_EQ(ids_of(*last), (std::vector<std::string>{numbered("key", 1)}));
  EXPECT_FALSE(last->has_more);
}

TEST_P(ApiKeyRepositoryContract, ListAllRefusesACursorThatNamesNoKey) {
  given_user(numbered("user", 1));
  given_key(sample_key(numbered("key", 1), numbered("user", 1)));
  for (const std::string& cursor : {numbered("key", 99), kNotAUuid}) {
    auto page = run_sync(api_keys().list_all(10, cursor));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().code, "invalid_cursor") << cursor;
  }
  EXPECT_FALSE(run_sync(api_keys().list_all(0, std::nullopt)));
}

TEST_P(ApiKeyRepositoryContract, OwnerRevokesTheirKeyOnceForAll) {
  given_user(numbered("user", 1));
  const ApiKey key = given_key(sample_key(numbered("key", 1), numbered("user", 1)));

  ASSERT_TRUE(run_sync(api_keys().revoke(numbered("user", 1), numbered("key", 1), kT0 + 1h)));
  ASSERT_TRUE(run_sync(api_keys().revoke(numbered("user", 1), numbered("key", 1), kT0 + 2h)));

  // Revoked keys are still found, so authentication can tell why a key fails.
  auto found = run_sync(api_keys().find_by_hash(key.secret_hash));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->revoked_at, kT0 + 1h);
}

TEST_P(ApiKeyRepositoryContract, AnotherUserCannotRevokeTheKey) {
  given_user(numbered("user", 1));
  given_user(numbered("user", 2));
  const ApiKey key = given_key(sample_key(numbered("key", 1), numbered("user", 1)));

  auto revoked = run_sync(api_keys().revoke(numbered("user", 2), numbered("key", 1), kT0 + 1h));
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().kind, ErrorCode::not_found);
  EXPECT_EQ(revoked.error().code, "api_key_not_found");
  auto found = run_sync(api_keys().find_by_hash(key.secret_hash));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->revoked_at);
}

TEST_P(ApiKeyRepositoryContract, RevokingAnUnknownKeyIsNotFound) {
  given_user(numbered("user", 1));
  auto revoked = run_sync(api_keys().revoke(numbered("user", 1), numbered("key", 99), kT0));
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, "api_key_not_found");
}

TEST_P(ApiKeyRepositoryContract, RevokingAKeyWhoseIdIsNotAUuidIsNotFound) {
  given_user(numbered("user", 1));
  auto revoked = run_sync(api_keys().revoke(numbered("user", 1), kNotAUuid, kT0));
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().kind, ErrorCode::not_found);
  EXPECT_EQ(revoked.error().code, "api_key_not_found");
}

TEST_P(ApiKeyRepositoryContract, RecordUseKeepsTheLatestUse) {
  given_user(numbered("user", 1));
  const ApiKey key = given_key(sample_key(numbered("key", 1), numbered("user", 1)));

  ASSERT_TRUE(run_sync(api_keys().record_use(numbered("key", 1), kT0 + 2h)));
  // A request that started earlier may finish later; it must not move the time back.
  ASSERT_TRUE(run_sync(api_keys().record_use(numbered("key", 1), kT0 + 1h)));

  auto found = run_sync(api_keys().find_by_hash(key.secret_hash));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->last_used_at, kT0 + 2h);
}

TEST_P(ApiKeyRepositoryContract, RecordingUseOfAnUnknownKeyIsNotFound) {
  auto recorded = run_sync(api_keys().record_use(numbered("key", 99), kT0));
  ASSERT_FALSE(recorded);
  EXPECT_EQ(recorded.error().code, "api_key_not_found");
}

}  // namespace
}  // namespace agentd::contract

// What every UserRepository adapter must do.
#include <algorithm>

#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"
#include "infrastructure/persistence/identity_repository_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(UserRepositoryContract, CreatedUserIsFoundByIdAndByEmail) {
  const User user = sample_user(numbered("user", 1), "ada@example.org");
  auto created = run_sync(users().create(user));
  ASSERT_TRUE(created);
  EXPECT_EQ(*created, user);

  auto by_id = run_sync(users().find_by_id(numbered("user", 1)));
  ASSERT_TRUE(by_id);
  EXPECT_EQ(*by_id, user);
  auto by_email = run_sync(users().find_by_email("ada@example.org"));
  ASSERT_TRUE(by_email);
  EXPECT_EQ(*by_email, user);
}

TEST_P(UserRepositoryContract, UnknownUserIsNotFound) {
  given_user(numbered("user", 1));
  for (const auto& found : {run_sync(users().find_by_id(numbered("user", 2))),
                            run_sync(users().find_by_email("nobody@example.org"))}) {
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().kind, ErrorCode::not_found);
    EXPECT_EQ(found.error().code, "user_not_found");
  }
}

TEST_P(UserRepositoryContract, IdThatIsNotAUuidIsNotFound) {
  given_user(numbered("user", 1));
  auto found = run_sync(users().find_by_id(kNotAUuid));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, ErrorCode::not_found);
  EXPECT_EQ(found.error().code, "user_not_found");
}

TEST_P(UserRepositoryContract, TakenEmailIsAConflictAndKeepsTheFirstAccount) {
  const User first = given_user(numbered("user", 1));
  auto second = run_sync(users().create(sample_user(numbered("user", 2), first.email)));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorCode::conflict);
  EXPECT_EQ(second.error().message, "email is already registered");
  EXPECT_EQ(second.error().param, "email");
  EXPECT_EQ(second.error().code, "email_taken");

  auto stored = run_sync(users().find_by_email(first.email));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, numbered("user", 1));
  EXPECT_FALSE(run_sync(users().find_by_id(numbered("user", 2))));
}

TEST_P(UserRepositoryContract, ConcurrentRegistrationsOfOneEmailLetExactlyOneSucceed) {
  std::vector<boost::asio::awaitable<Result<User>>> registrations;
  for (int i = 1; i <= 8; ++i) {
    registrations.push_back(users().create(sample_user(numbered("user", i), "race@example.org")));
  }
  auto results = run_concurrently(std::move(registrations));

  const auto succeeded = std::count_if(results.begin(), results.end(),
                                       [](const Result<User>& result) { return result.ok(); });
  EXPECT_EQ(succeeded, 1);
  for (const auto& result : results) {
    if (!result) {
      EXPECT_EQ(result.error().code, "email_taken");
    }
  }
  auto winner = std::find_if(results.begin(), results.end(),
                             [](const Result<User>& result) { return result.ok(); });
  ASSERT_NE(winner, results.end());
  auto stored = run_sync(users().find_by_email("race@example.org"));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, (*winner)->id);
}

std::vector<std::string> ids_of(const Page<User>& page) {
  std::vector<std::string> ids;
  for (const auto& user : page.items) ids.push_back(user.id);
  return ids;
}

void expect_invalid_cursor(const Result<Page<User>>& page) {
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
  EXPECT_EQ(page.error().code, "invalid_cursor");
  EXPECT_EQ(page.error().param, "after");
}

TEST_P(UserRepositoryContract, ListPagesEveryUserNewestFirstWithACursor) {
  for (int i = 1; i <= 5; ++i) given_user(numbered("user", i));

  auto first = run_sync(users().list(2, std::nullopt));
  ASSERT_TRUE(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{numbered("user", 5), numbered("user", 4)}));
  EXPECT_TRUE(first->has_more);

  auto second = run_sync(users().list(2, first->items.back().id));
  ASSERT_TRUE(second);
  EXPECT_EQ(ids_of(*second), (std::vector<std::string>{numbered("user", 3), numbered("user", 2)}));
  EXPECT_TRUE(second->has_more);

  auto last = run_sync(users().list(2, second->items.back().id));
  ASSERT_TRUE(last);
  EXPECT_EQ(ids_of(*last), (std::vector<std::string>{numbered("user", 1)}));
  EXPECT_FALSE(last->has_more);
}

TEST_P(UserRepositoryContract, ListShowsEveryFieldAndAPageEndingOnTheLastUserHasNoMore) {
  given_user(numbered("user", 1));
  const User disabled = must(run_sync(users().set_disabled(numbered("user", 1), kT0)));

  auto page = run_sync(users().list(1, std::nullopt));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items.front(), disabled);
  EXPECT_FALSE(page->has_more);
}

TEST_P(UserRepositoryContract, ListOfNoUsersIsAnEmptyPage) {
  auto page = run_sync(users().list(10, std::nullopt));
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->items.empty());
  EXPECT_FALSE(page->has_more);
}

TEST_P(UserRepositoryContract, CursorThatNamesNoUserIsInvalid) {
  given_user(numbered("user", 1));
  expect_invalid_cursor(run_sync(users().list(10, numbered("user", 99))));
  expect_invalid_cursor(run_sync(users().list(10, kNotAUuid)));
}

TEST_P(UserRepositoryContract, ListRejectsALimitBelowOne) {
  auto page = run_sync(users().list(0, std::nullopt));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorCode::invalid_request);
}

TEST_P(UserRepositoryContract, DisabledUserIsFoundDisabledSinceTheGivenTime) {
  const User user = given_user(numbered("user", 1));

  auto disabled = run_sync(users().set_disabled(user.id, kT0 + 1h));
  ASSERT_TRUE(disabled);
  User expected = user;
  expected.disabled_at = kT0 + 1h;
  EXPECT_EQ(*disabled, expected);
  EXPECT_EQ(run_sync(users().find_by_id(user.id)).value(), expected);
  EXPECT_EQ(run_sync(users().find_by_email(user.email)).value(), expected);
}

TEST_P(UserRepositoryContract, DisablingADisabledUserKeepsTheFirstTime) {
  const User user = given_user(numbered("user", 1));
  ASSERT_TRUE(run_sync(users().set_disabled(user.id, kT0 + 1h)));

  auto again = run_sync(users().set_disabled(user.id, kT0 + 2h));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->disabled_at, kT0 + 1h);
  EXPECT_EQ(run_sync(users().find_by_id(user.id))->disabled_at, kT0 + 1h);
}

TEST_P(UserRepositoryContract, EnablingClearsTheDisabledTime) {
  const User user = given_user(numbered("user", 1));
  ASSERT_TRUE(run_sync(users().set_disabled(user.id, kT0 + 1h)));

  auto enabled = run_sync(users().set_disabled(user.id, std::nullopt));
  ASSERT_TRUE(enabled);
  EXPECT_EQ(*enabled, user);
  EXPECT_FALSE(run_sync(users().find_by_id(user.id))->is_disabled());
}

TEST_P(UserRepositoryContract, DisablingAnUnknownUserIsNotFound) {
  given_user(numbered("user", 1));
  for (const std::string& id : {numbered("user", 2), kNotAUuid}) {
    auto disabled = run_sync(users().set_disabled(id, kT0));
    ASSERT_FALSE(disabled) << id;
    EXPECT_EQ(disabled.error().kind, ErrorCode::not_found) << id;
    EXPECT_EQ(disabled.error().code, "user_not_found") << id;
  }
  EXPECT_FALSE(run_sync(users().find_by_id(numbered("user", 1)))->is_disabled());
}

TEST_P(UserRepositoryContract, LimitsAreStoredWholeAndRemovedWhole) {
  const User user = given_user(numbered("user", 1));
  SpendingLimits limits;
  limits.budget = Budget{std::nullopt, 2'500'000'000, BudgetPeriod::week};
  limits.tokens_per_minute = 9'000;

  auto limited = run_sync(users().set_limits(user.id, limits));
  ASSERT_TRUE(limited);
  User expected = user;
  expected.limits = limits;
  EXPECT_EQ(*limited, expected);
  EXPECT_EQ(run_sync(users().find_by_id(user.id)).value(), expected);
  EXPECT_EQ(run_sync(users().find_by_email(user.email)).value(), expected);
  EXPECT_EQ(run_sync(users().list(10, std::nullopt))->items.front(), expected);

  limits.budget = Budget{40, std::nullopt, BudgetPeriod::total};
  limits.tokens_per_minute.reset();
  EXPECT_EQ(run_sync(users().set_limits(user.id, limits))->limits, limits);
  // Disabling keeps the limits, and removing them keeps the account as it was.
  EXPECT_EQ(run_sync(users().set_disabled(user.id, kT0 + 1h))->limits, limits);
  auto cleared = run_sync(users().set_limits(user.id, {}));
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->limits.is_limited());
  EXPECT_EQ(cleared->disabled_at, kT0 + 1h);
}

TEST_P(UserRepositoryContract, LimitsOfAnUnknownUserAreNotFound) {
  for (const std::string& id : {numbered("user", 2), kNotAUuid}) {
    auto limited = run_sync(users().set_limits(id, SpendingLimits{std::nullopt, 5}));
    ASSERT_FALSE(limited) << id;
    EXPECT_EQ(limited.error().code, "user_not_found") << id;
  }
}

}  // namespace
}  // namespace agentd::contract

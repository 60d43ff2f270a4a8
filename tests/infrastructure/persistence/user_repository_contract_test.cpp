// What every UserRepository adapter must do.
#include <algorithm>

#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"
#include "infrastructure/persistence/identity_repository_contract.h"

namespace agentd::contract {
namespace {

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
  for (auto found : {run_sync(users().find_by_id(numbered("user", 2))),
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

}  // namespace
}  // namespace agentd::contract

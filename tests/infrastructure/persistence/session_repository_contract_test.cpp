// What every SessionRepository adapter must do, refresh-token rotation above all.
#include <algorithm>
#include <vector>

#include "fakes/run_concurrently.h"
#include "fakes/run_sync.h"
#include "infrastructure/persistence/identity_repository_contract.h"

namespace agentd::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(SessionRepositoryContract, CreatedSessionIsFoundByIdAndByItsRefreshToken) {
  given_user(numbered("user", 1));
  const Session session = given_session(numbered("session", 1), numbered("user", 1), "hash-1");

  auto by_id = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(by_id);
  EXPECT_EQ(*by_id, session);
  auto by_token = run_sync(sessions().find_by_refresh_token("hash-1"));
  ASSERT_TRUE(by_token);
  EXPECT_EQ(*by_token, session);
}

TEST_P(SessionRepositoryContract, UnknownSessionAndTokenAreNotFound) {
  auto by_id = run_sync(sessions().find(numbered("session", 99)));
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().kind, ErrorCode::not_found);
  EXPECT_EQ(by_id.error().code, "session_not_found");

  auto by_token = run_sync(sessions().find_by_refresh_token("hash-99"));
  ASSERT_FALSE(by_token);
  EXPECT_EQ(by_token.error().kind, ErrorCode::not_found);
  EXPECT_EQ(by_token.error().code, "refresh_token_not_found");
}

TEST_P(SessionRepositoryContract, UsedRefreshTokenStillNamesItsSession) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  ASSERT_EQ(must(rotate("hash-1", "hash-2", kT0 + 1h)).outcome, RefreshOutcome::rotated);

  auto by_used_token = run_sync(sessions().find_by_refresh_token("hash-1"));
  ASSERT_TRUE(by_used_token);
  EXPECT_EQ(by_used_token->id, numbered("session", 1));
}

TEST_P(SessionRepositoryContract, RevokeKeepsTheFirstRevocationTime) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");

  ASSERT_TRUE(run_sync(sessions().revoke(numbered("session", 1), kT0 + 1h)));
  ASSERT_TRUE(run_sync(sessions().revoke(numbered("session", 1), kT0 + 2h)));

  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->revoked_at, kT0 + 1h);
}

TEST_P(SessionRepositoryContract, RevokingAnUnknownSessionIsNotFound) {
  auto revoked = run_sync(sessions().revoke(numbered("session", 99), kT0));
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, "session_not_found");
}

TEST_P(SessionRepositoryContract, RotationReplacesTheTokenAndExtendsTheSession) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  const Timestamp now = kT0 + 1h;

  auto rotation = rotate("hash-1", "hash-2", now);
  ASSERT_TRUE(rotation);
  EXPECT_EQ(rotation->outcome, RefreshOutcome::rotated);
  EXPECT_EQ(rotation->session.id, numbered("session", 1));
  EXPECT_EQ(rotation->session.expires_at, now + kRefreshTtl);
  EXPECT_FALSE(rotation->session.revoked_at);

  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->expires_at, now + kRefreshTtl);
  auto successor = rotate("hash-2", "hash-3", now + 1h);
  ASSERT_TRUE(successor);
  EXPECT_EQ(successor->outcome, RefreshOutcome::rotated);
}

TEST_P(SessionRepositoryContract, ReusedTokenRevokesTheSessionAndKillsItsSuccessor) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  ASSERT_EQ(must(rotate("hash-1", "hash-2", kT0 + 1h)).outcome, RefreshOutcome::rotated);

  auto reuse = rotate("hash-1", "hash-3", kT0 + 2h);
  ASSERT_TRUE(reuse);
  EXPECT_EQ(reuse->outcome, RefreshOutcome::reused);
  EXPECT_EQ(reuse->session.id, numbered("session", 1));
  EXPECT_EQ(reuse->session.revoked_at, kT0 + 2h);

  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->revoked_at, kT0 + 2h);
  auto successor = rotate("hash-2", "hash-4", kT0 + 3h);
  ASSERT_TRUE(successor);
  EXPECT_EQ(successor->outcome, RefreshOutcome::unknown);
  EXPECT_FALSE(run_sync(sessions().find_by_refresh_token("hash-3")));
  EXPECT_FALSE(run_sync(sessions().find_by_refresh_token("hash-4")));
}

TEST_P(SessionRepositoryContract, UnknownTokenIsUnknownAndStoresNothing) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");

  auto rotation = rotate("hash-99", "hash-2", kT0 + 1h);
  ASSERT_TRUE(rotation);
  EXPECT_EQ(rotation->outcome, RefreshOutcome::unknown);
  EXPECT_FALSE(run_sync(sessions().find_by_refresh_token("hash-2")));
}

TEST_P(SessionRepositoryContract, TokenOfAnExpiredSessionIsUnknown) {
  given_user(numbered("user", 1));
  const Session session = given_session(numbered("session", 1), numbered("user", 1), "hash-1");

  auto rotation = rotate("hash-1", "hash-2", session.expires_at);
  ASSERT_TRUE(rotation);
  EXPECT_EQ(rotation->outcome, RefreshOutcome::unknown);
  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, session);
}

TEST_P(SessionRepositoryContract, TokenOfARevokedSessionIsUnknown) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  ASSERT_TRUE(run_sync(sessions().revoke(numbered("session", 1), kT0 + 1h)));

  auto rotation = rotate("hash-1", "hash-2", kT0 + 2h);
  ASSERT_TRUE(rotation);
  EXPECT_EQ(rotation->outcome, RefreshOutcome::unknown);
  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->revoked_at, kT0 + 1h);
}

TEST_P(SessionRepositoryContract, TokenUsedWithinTheWindowIsReplayedWithItsSealedSuccessor) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  const Timestamp rotated_at = kT0 + 1h;
  ASSERT_EQ(must(rotate("hash-1", "hash-2", rotated_at)).outcome, RefreshOutcome::rotated);

  auto replay = rotate("hash-1", "hash-3", rotated_at + kReuseWindow - 1s);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->outcome, RefreshOutcome::replayed);
  EXPECT_EQ(replay->session.id, numbered("session", 1));
  EXPECT_EQ(replay->successor_sealed, sealed_successor("hash-2"));

  // Nothing changed: no new token, the session still active, its successor still current.
  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->revoked_at);
  EXPECT_EQ(stored->expires_at, rotated_at + kRefreshTtl);
  EXPECT_FALSE(run_sync(sessions().find_by_refresh_token("hash-3")));
  EXPECT_EQ(must(rotate("hash-2", "hash-4", rotated_at + 1h)).outcome, RefreshOutcome::rotated);
}

TEST_P(SessionRepositoryContract, TokenUsedJustAsTheWindowClosesRevokesTheSession) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  const Timestamp rotated_at = kT0 + 1h;
  ASSERT_EQ(must(rotate("hash-1", "hash-2", rotated_at)).outcome, RefreshOutcome::rotated);

  auto reuse = rotate("hash-1", "hash-3", rotated_at + kReuseWindow);
  ASSERT_TRUE(reuse);
  EXPECT_EQ(reuse->outcome, RefreshOutcome::reused);
  EXPECT_TRUE(reuse->successor_sealed.empty());
  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->revoked_at, rotated_at + kReuseWindow);
}

TEST_P(SessionRepositoryContract, WithoutAWindowAUsedTokenIsNeverReplayed) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  ASSERT_EQ(must(rotate("hash-1", "hash-2", kT0 + 1h)).outcome, RefreshOutcome::rotated);

  // Even a request that read the clock before the rotation happened.
  auto reuse_request = rotation_request("hash-1", "hash-3", kT0 + 1h - 1s);
  reuse_request.reuse_window_start = std::nullopt;
  auto reuse = run_sync(sessions().rotate_refresh_token(std::move(reuse_request)));
  ASSERT_TRUE(reuse);
  EXPECT_EQ(reuse->outcome, RefreshOutcome::reused);
}

TEST_P(SessionRepositoryContract, TokenRotatedWithoutASealedSuccessorIsNeverReplayed) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  auto without_successor = rotation_request("hash-1", "hash-2", kT0 + 1h);
  without_successor.successor_sealed.clear();
  ASSERT_EQ(must(run_sync(sessions().rotate_refresh_token(std::move(without_successor)))).outcome,
            RefreshOutcome::rotated);

  auto reuse = rotate("hash-1", "hash-3", kT0 + 1h + 1s);
  ASSERT_TRUE(reuse);
  EXPECT_EQ(reuse->outcome, RefreshOutcome::reused);
}

TEST_P(SessionRepositoryContract, ConcurrentRotationsOfOneTokenRotateOnceAndReplayTheSuccessor) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");

  std::vector<boost::asio::awaitable<Result<RefreshRotation>>> rotations;
  for (int i = 1; i <= 2; ++i) {
    auto request = rotation_request("hash-1", "successor-" + std::to_string(i), kT0 + 1h);
    rotations.push_back(sessions().rotate_refresh_token(std::move(request)));
  }
  const auto results = run_concurrently(std::move(rotations));

  ASSERT_TRUE(results[0] && results[1]);
  const int winner = results[0]->outcome == RefreshOutcome::rotated ? 0 : 1;
  const RefreshRotation& loser = *results[1 - winner];
  EXPECT_EQ(results[winner]->outcome, RefreshOutcome::rotated);
  EXPECT_EQ(loser.outcome, RefreshOutcome::replayed);
  // The loser is handed what the winner stored, so both callers end with the same token.
  EXPECT_EQ(loser.successor_sealed, sealed_successor("successor-" + std::to_string(winner + 1)));
  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->revoked_at);
}

TEST_P(SessionRepositoryContract, ConcurrentReusesAfterTheWindowRevokeTheSession) {
  given_user(numbered("user", 1));
  given_session(numbered("session", 1), numbered("user", 1), "hash-1");
  ASSERT_EQ(must(rotate("hash-1", "hash-2", kT0 + 1h)).outcome, RefreshOutcome::rotated);

  std::vector<boost::asio::awaitable<Result<RefreshRotation>>> rotations;
  for (int i = 1; i <= 2; ++i) {
    auto request = rotation_request("hash-1", "successor-" + std::to_string(i), kT0 + 2h);
    rotations.push_back(sessions().rotate_refresh_token(std::move(request)));
  }
  std::vector<RefreshOutcome> outcomes;
  for (const auto& result : run_concurrently(std::move(rotations))) {
    outcomes.push_back(must(result).outcome);
  }
  std::sort(outcomes.begin(), outcomes.end());
  // The first revokes; the second finds the session already ended.
  EXPECT_EQ(outcomes, (std::vector{RefreshOutcome::reused, RefreshOutcome::unknown}));
  auto stored = run_sync(sessions().find(numbered("session", 1)));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->revoked_at, kT0 + 2h);
}

}  // namespace
}  // namespace agentd::contract

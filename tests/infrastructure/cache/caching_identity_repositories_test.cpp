#include "infrastructure/cache/caching_identity_repositories.h"

#include <gtest/gtest.h>

#include <thread>

#include "fakes/fake_api_key_repository.h"
#include "fakes/fake_notices.h"
#include "fakes/fake_session_repository.h"
#include "fakes/fake_user_repository.h"
#include "fakes/run_sync.h"

namespace agentd::cache {
namespace {

using namespace std::chrono_literals;

const Timestamp kNow = Timestamp{} + 1000h;
const CacheSettings kLong{std::chrono::milliseconds(60'000), 100};

Session session(std::string id) {
  return Session{std::move(id), "user-1", kNow, kNow + 24h, std::nullopt};
}

// A rotation at kNow with no reuse window: presenting `old_hash` again revokes at once.
RefreshRotationRequest rotation(std::string old_hash, std::string new_hash) {
  return {std::move(old_hash), std::move(new_hash), "sealed", kNow, kNow + 48h, std::nullopt};
}

ApiKey key(std::string id, std::string hash) {
  ApiKey key;
  key.id = std::move(id);
  key.user_id = "user-1";
  key.name = "ci";
  key.prefix = "sk-agentd-abc";
  key.secret_hash = std::move(hash);
  key.created_at = kNow;
  return key;
}

User user(std::string id) {
  User user;
  user.id = std::move(id);
  user.email = user.id + "@example.com";
  user.name = "Ada";
  user.created_at = kNow;
  return user;
}

TEST(CachingUserRepository, ServesARepeatedLookupFromTheCache) {
  FakeUserRepository stored;
  CachingUserRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(stored.create(user("u1"))));
  ASSERT_FALSE(run_sync(cached.find_by_id("u1"))->is_disabled());
  // Changed behind the cache's back (another process): the cached row is what a second
  // lookup sees, until the entry expires or the change is announced.
  ASSERT_TRUE(run_sync(stored.set_disabled("u1", kNow)));
  EXPECT_FALSE(run_sync(cached.find_by_id("u1"))->is_disabled());
  cached.forget("u1");
  EXPECT_TRUE(run_sync(cached.find_by_id("u1"))->is_disabled());
}

TEST(CachingUserRepository, DisablingAndEnablingThroughItTakeEffectOnTheNextLookup) {
  FakeUserRepository stored;
  CachingUserRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(cached.create(user("u1"))));
  ASSERT_FALSE(run_sync(cached.find_by_id("u1"))->is_disabled());

  auto disabled = run_sync(cached.set_disabled("u1", kNow));
  ASSERT_TRUE(disabled);
  EXPECT_EQ(disabled->disabled_at, kNow);
  EXPECT_EQ(run_sync(cached.find_by_id("u1"))->disabled_at, kNow);

  ASSERT_TRUE(run_sync(cached.set_disabled("u1", std::nullopt)));
  EXPECT_FALSE(run_sync(cached.find_by_id("u1"))->is_disabled());
}

TEST(CachingUserRepository, NewLimitsTakeEffectOnTheNextLookup) {
  FakeUserRepository stored;
  CachingUserRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(cached.create(user("u1"))));
  ASSERT_FALSE(run_sync(cached.find_by_id("u1"))->limits.is_limited());

  const SpendingLimits limits{std::nullopt, 100};
  ASSERT_TRUE(run_sync(cached.set_limits("u1", limits)));
  EXPECT_EQ(run_sync(cached.find_by_id("u1"))->limits, limits);
}

TEST(CachingUserRepository, AnnouncesEveryChangeToTheOtherReplicas) {
  FakeUserRepository stored;
  FakeNotices notices;
  CachingUserRepository cached(stored, kLong);
  cached.announce_to(notices);
  ASSERT_TRUE(run_sync(cached.create(user("u1"))));

  ASSERT_TRUE(run_sync(cached.set_disabled("u1", kNow)));
  ASSERT_TRUE(run_sync(cached.set_disabled("u1", std::nullopt)));
  EXPECT_FALSE(run_sync(cached.set_disabled("nobody", kNow)));
  ASSERT_TRUE(run_sync(cached.set_limits("u1", SpendingLimits{std::nullopt, 5})));
  EXPECT_FALSE(run_sync(cached.set_limits("nobody", {})));

  const std::vector<Notice> expected{{Notice::Kind::user_changed, "u1"},
                                     {Notice::Kind::user_changed, "u1"},
                                     {Notice::Kind::user_changed, "u1"}};
  EXPECT_EQ(notices.published(), expected);
}

TEST(CachingSessionRepository, ServesARepeatedLookupFromTheCache) {
  FakeSessionRepository stored;
  CachingSessionRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(stored.create(session("s1"), "hash")));
  ASSERT_TRUE(run_sync(cached.find("s1")));
  // Changed behind the cache's back: the cached row is what a second lookup sees.
  ASSERT_TRUE(run_sync(stored.revoke("s1", kNow)));
  auto again = run_sync(cached.find("s1"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->is_active(kNow));
}

TEST(CachingSessionRepository, RevokingThroughItTakesEffectOnTheNextLookup) {
  FakeSessionRepository stored;
  CachingSessionRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(cached.create(session("s1"), "hash")));
  ASSERT_TRUE(run_sync(cached.find("s1"))->is_active(kNow));
  ASSERT_TRUE(run_sync(cached.revoke("s1", kNow)));
  auto after = run_sync(cached.find("s1"));
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->is_active(kNow));
}

TEST(CachingSessionRepository, RefreshTokenReuseDropsTheRevokedSession) {
  FakeSessionRepository stored;
  CachingSessionRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(cached.create(session("s1"), "first")));
  auto first_use = rotation("first", "second");
  ASSERT_TRUE(run_sync(cached.rotate_refresh_token(std::move(first_use))));
  ASSERT_TRUE(run_sync(cached.find("s1"))->is_active(kNow));
  auto second_use = rotation("first", "third");
  auto reuse = run_sync(cached.rotate_refresh_token(std::move(second_use)));
  ASSERT_TRUE(reuse);
  ASSERT_EQ(reuse->outcome, RefreshOutcome::reused);
  EXPECT_FALSE(run_sync(cached.find("s1"))->is_active(kNow));
}

TEST(CachingSessionRepository, EntriesLiveOnlyForTheTtl) {
  FakeSessionRepository stored;
  CachingSessionRepository cached(stored, CacheSettings{std::chrono::milliseconds(1), 100});
  ASSERT_TRUE(run_sync(stored.create(session("s1"), "hash")));
  ASSERT_TRUE(run_sync(cached.find("s1")));
  ASSERT_TRUE(run_sync(stored.revoke("s1", kNow)));
  std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(run_sync(cached.find("s1"))->is_active(kNow));
}

TEST(CachingApiKeyRepository, RevokingAKeyByIdDropsItsEntryByHash) {
  FakeApiKeyRepository stored;
  CachingApiKeyRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(cached.create(key("k1", "h1"))));
  ASSERT_TRUE(run_sync(cached.find_by_hash("h1"))->is_usable(kNow));
  ASSERT_TRUE(run_sync(cached.revoke("user-1", "k1", kNow)));
  auto after = run_sync(cached.find_by_hash("h1"));
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->is_usable(kNow));
}

TEST(CachingApiKeyRepository, RecordingAUseUpdatesTheCachedKey) {
  FakeApiKeyRepository stored;
  CachingApiKeyRepository cached(stored, kLong);
  ASSERT_TRUE(run_sync(cached.create(key("k1", "h1"))));
  ASSERT_FALSE(run_sync(cached.find_by_hash("h1"))->last_used_at);
  ASSERT_TRUE(run_sync(cached.record_use("k1", kNow)));
  EXPECT_EQ(run_sync(cached.find_by_hash("h1"))->last_used_at, kNow);
}

TEST(CachingApiKeyRepository, NewLimitsTakeEffectOnTheNextLookupAndAreAnnounced) {
  FakeApiKeyRepository stored;
  FakeNotices notices;
  CachingApiKeyRepository cached(stored, kLong);
  cached.announce_to(notices);
  ASSERT_TRUE(run_sync(cached.create(key("k1", "h1"))));
  ASSERT_FALSE(run_sync(cached.find_by_hash("h1"))->limits.is_limited());

  const SpendingLimits limits{std::nullopt, 100};
  ASSERT_TRUE(run_sync(cached.update_limits(key("k1", "h1").user_id, "k1", limits)));
  EXPECT_EQ(run_sync(cached.find_by_hash("h1"))->limits, limits);
  EXPECT_EQ(notices.published(), (std::vector<Notice>{{Notice::Kind::api_key_changed, "k1"}}));
}

TEST(CachingApiKeyRepository, AnUnknownKeyIsNotRemembered) {
  FakeApiKeyRepository stored;
  CachingApiKeyRepository cached(stored, kLong);
  EXPECT_FALSE(run_sync(cached.find_by_hash("h1")));
  ASSERT_TRUE(run_sync(stored.create(key("k1", "h1"))));
  EXPECT_TRUE(run_sync(cached.find_by_hash("h1")));
}

TEST(TtlCache, StaysWithinItsBoundAndKeepsTheNewestEntry) {
  TtlCache<int> cache(std::chrono::milliseconds(60'000), 2);
  cache.put("a", 1);
  cache.put("b", 2);
  cache.put("c", 3);
  EXPECT_EQ(cache.find("c"), 3);
  EXPECT_FALSE(cache.find("a") && cache.find("b"));
}

// A read from storage that began before a revocation must not cache what it found after the
// revocation dropped the entry: the next lookup would pass for the cache's whole lifetime.
TEST(TtlCache, AValueReadBeforeAChangeIsNotCachedAfterIt) {
  TtlCache<int> cache(std::chrono::milliseconds(60'000), 10);
  const auto before_read = cache.changes();
  cache.erase("a");  // the notice of a revocation arrives while the read is under way
  cache.put_unless_changed("a", 1, before_read);
  EXPECT_EQ(cache.find("a"), std::nullopt);

  const auto after_change = cache.changes();
  cache.put_unless_changed("a", 2, after_change);
  EXPECT_EQ(cache.find("a"), 2);
}

}  // namespace
}  // namespace agentd::cache

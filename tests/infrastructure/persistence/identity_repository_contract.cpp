// Sample data and comparisons shared by the identity repository contract tests.
#include "infrastructure/persistence/identity_repository_contract.h"

#include "fakes/run_sync.h"

namespace agentd::contract {

using namespace std::chrono_literals;

User IdentityRepositoryTest::sample_user(std::string id, std::string email) {
  User user;
  user.id = std::move(id);
  user.email = std::move(email);
  user.name = "Ada Lovelace";
  user.role = Role::admin;
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  user.created_at = kT0;
  return user;
}

Session IdentityRepositoryTest::sample_session(std::string id, std::string user_id) {
  Session session;
  session.id = std::move(id);
  session.user_id = std::move(user_id);
  session.created_at = kT0;
  session.expires_at = kT0 + kRefreshTtl;
  return session;
}

ApiKey IdentityRepositoryTest::sample_key(std::string id, std::string user_id) {
  ApiKey key;
  key.secret_hash = "hash-of-" + id;
  key.id = std::move(id);
  key.user_id = std::move(user_id);
  key.name = "deploy bot";
  key.prefix = "sk-agentd-AbCdEf";
  key.allowed_tools = std::vector<std::string>{"calculator", "web_search"};
  key.allowed_models = std::vector<std::string>{"gpt-4o-mini"};
  key.approval_required_tools = {"http_get"};
  key.expires_at = kT0 + 24h * 90;
  key.rate_limit_per_minute = 60;
  key.limits = {Budget{50'000, 2'500'000'000, BudgetPeriod::week}, 9'000};
  key.created_at = kT0;
  return key;
}

User IdentityRepositoryTest::given_user(std::string id) {
  auto email = id + "@example.org";
  return must(run_sync(users().create(sample_user(std::move(id), std::move(email)))));
}

Session IdentityRepositoryTest::given_session(std::string id, std::string user_id,
                                              std::string refresh_hash) {
  auto session = sample_session(std::move(id), std::move(user_id));
  must(run_sync(sessions().create(session, std::move(refresh_hash))));
  return session;
}

ApiKey IdentityRepositoryTest::given_key(ApiKey key) {
  must(run_sync(api_keys().create(key)));
  return key;
}

RefreshRotationRequest IdentityRepositoryTest::rotation_request(std::string old_hash,
                                                                std::string new_hash,
                                                                Timestamp now) {
  std::string sealed = sealed_successor(new_hash);
  return {std::move(old_hash), std::move(new_hash), std::move(sealed), now,
          now + kRefreshTtl,   now - kReuseWindow};
}

Result<RefreshRotation> IdentityRepositoryTest::rotate(std::string old_hash, std::string new_hash,
                                                       Timestamp now) {
  auto request = rotation_request(std::move(old_hash), std::move(new_hash), now);
  return run_sync(sessions().rotate_refresh_token(std::move(request)));
}

}  // namespace agentd::contract

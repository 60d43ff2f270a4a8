// The identity use cases wired to fakes of every port they need, with helpers that put a
// test's starting state in place through the use cases themselves.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "application/api_keys/manage_api_keys.h"
#include "application/auth/authenticate.h"
#include "application/auth/current_user.h"
#include "application/auth/login.h"
#include "application/auth/logout.h"
#include "application/auth/refresh_session.h"
#include "application/auth/register_user.h"
#include "application/auth/session_tokens.h"
#include "application/chat/model_catalog.h"
#include "application/tools/tool_registry.h"
#include "application/users/manage_users.h"
#include "fakes/fake_api_key_repository.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_id_generator.h"
#include "fakes/fake_password_hasher.h"
#include "fakes/fake_schema_compiler.h"
#include "fakes/fake_secret_generator.h"
#include "fakes/fake_secret_sealer.h"
#include "fakes/fake_session_repository.h"
#include "fakes/fake_token_signer.h"
#include "fakes/fake_tool.h"
#include "fakes/fake_user_repository.h"
#include "fakes/run_sync.h"

namespace agentd {

inline constexpr std::string_view kPassword = "correct horse battery";
inline constexpr std::string_view kMcpServer = "github";

// Lifetimes unlike the defaults, so a test sees which ones were used.
inline AuthSettings test_auth_settings() {
  return {.access_ttl = std::chrono::minutes(7),
          .refresh_ttl = std::chrono::hours(24 * 3),
          .refresh_reuse_window = std::chrono::seconds(4)};
}

// The value of a Result that a set-up step needs; a failure ends the test with its message.
template <typename T>
T must(Result<T> result) {
  if (!result) throw std::runtime_error("set-up step failed: " + result.error().message);
  return std::move(result).value();
}

// A key request with only its name set; tests set the fields they are about.
inline NewApiKey key_request(std::string name) {
  NewApiKey request;
  request.name = std::move(name);
  return request;
}

struct IdentityEnv {
  // The server offers the tools calculator and shell, the model gpt-4o, and the tools of the
  // MCP server kMcpServer: what keys of these tests may name.
  explicit IdentityEnv(AuthSettings settings = test_auth_settings())
      : tokens(signer, secrets, settings) {
    for (const char* name : {"calculator", "shell"}) {
      if (!tools.add(std::make_shared<FakeTool>(name))) throw std::runtime_error("tool refused");
    }
    ModelRoute model;
    model.name = "gpt-4o";
    if (!models.add(std::move(model))) throw std::runtime_error("model refused");
  }

  User given_user(std::string email = "ada@example.com", Role role = Role::user) {
    return must(run_sync(register_user({std::move(email), std::string(kPassword), "Ada", role})));
  }
  TokenPair given_login(const User& user) {
    return must(run_sync(login(user.email, std::string(kPassword))));
  }
  // The claims the signer put into an access token.
  AccessClaims claims_of(const TokenPair& pair) {
    return must(signer.verify(pair.access_token, clock.now()));
  }
  CreatedApiKey given_api_key(const User& user, NewApiKey request = key_request("ci")) {
    return must(run_sync(
        api_keys.create(Principal::for_session(user, "session-of-owner"), std::move(request))));
  }

  FakeClock clock;
  FakeIdGenerator ids;
  FakePasswordHasher hasher;
  FakeSecretGenerator secrets;
  FakeSecretSealer sealer;
  FakeTokenSigner signer;
  FakeUserRepository user_store;
  FakeSessionRepository session_store;
  FakeApiKeyRepository key_store;

  SessionTokens tokens;
  RegisterUser register_user{user_store, hasher, ids, clock};
  Login login{user_store, session_store, hasher, tokens, ids, clock};
  RefreshSession refresh{user_store, session_store, tokens, sealer, clock};
  Logout logout{session_store, tokens, clock};
  Authenticate authenticate{user_store, session_store, key_store, signer, secrets, clock};
  CurrentUser current_user{user_store};
  FakeSchemaCompiler schemas;
  ToolRegistry tools{schemas};
  ModelCatalog models;
  ManageApiKeys api_keys{key_store, secrets, ids, clock, tools, models, {std::string(kMcpServer)}};
  ManageUsers manage_users{user_store, clock};
};

}  // namespace agentd

// agentd's SQLite schema, one migration per step; never edit a migration once released.
#include "infrastructure/persistence/sqlite/migrations.h"

namespace agentd::sqlite {
namespace {

// Times are RFC 3339 UTC text with microseconds (persistence/time_codec.h). Name lists are
// JSON arrays; NULL means "absent", which is not the same as an empty list.
constexpr std::string_view kIdentity = R"sql(
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
-- Deleting a user cascades here; without the index that would scan every session.
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE refresh_tokens (
  hash       TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  used_at    TEXT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);

CREATE TABLE api_keys (
  id                      TEXT PRIMARY KEY,
  user_id                 TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name                    TEXT NOT NULL,
  prefix                  TEXT NOT NULL,
  secret_hash             TEXT NOT NULL UNIQUE,
  allowed_tools           TEXT CHECK (allowed_tools IS NULL OR json_type(allowed_tools) = 'array'),
  allowed_models          TEXT CHECK (allowed_models IS NULL OR json_type(allowed_models) = 'array'),
  approval_required_tools TEXT NOT NULL DEFAULT '[]'
                          CHECK (json_type(approval_required_tools) = 'array'),
  expires_at              TEXT,
  rate_limit_per_minute   INTEGER,
  created_at              TEXT NOT NULL,
  last_used_at            TEXT,
  revoked_at              TEXT
);
-- A user's keys are listed newest first by id (UUIDv7 ids are time-ordered).
CREATE INDEX api_keys_by_user ON api_keys(user_id, id);
)sql";

// Every tool run, by anyone, through any path: the audit trail.
constexpr std::string_view kToolExecutions = R"sql(
CREATE TABLE tool_executions (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  api_key_id      TEXT,
  conversation_id TEXT,
  tool            TEXT NOT NULL,
  arguments       TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  error_code      TEXT,
  error_message   TEXT,
  duration_ms     INTEGER NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX tool_executions_by_user ON tool_executions(user_id, created_at);
)sql";

constexpr Migration kMigrations[] = {
    {1, "identity", kIdentity},
    {2, "tool_executions", kToolExecutions},
};

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

}  // namespace agentd::sqlite

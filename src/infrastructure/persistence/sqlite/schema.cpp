// agentd's SQLite schema, one migration per step; never edit a migration once released.
#include "infrastructure/persistence/sqlite/migrations.h"

namespace agentd::sqlite {
namespace {

// Times are RFC 3339 UTC text with microseconds (text/rfc3339.h). Name lists are
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

// Conversations with their messages, runs and the runs' graph checkpoints; deleting a
// conversation (or its user) deletes all of them.
constexpr std::string_view kConversations = R"sql(
CREATE TABLE conversations (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title         TEXT NOT NULL,
  model         TEXT NOT NULL,
  system_prompt TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('idle', 'running', 'awaiting_approval')),
  message_count INTEGER NOT NULL CHECK (message_count >= 0),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
-- A user's conversations are listed newest first by id (UUIDv7 ids are time-ordered).
CREATE INDEX conversations_by_user ON conversations(user_id, id);

-- user_id repeats the conversation's owner; the conversation's foreign key already removes
-- the run with its user.
CREATE TABLE runs (
  id                TEXT PRIMARY KEY,
  conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  user_id           TEXT NOT NULL,
  status            TEXT NOT NULL
                    CHECK (status IN ('running', 'awaiting_approval', 'completed', 'failed',
                                      'cancelled')),
  steps             INTEGER NOT NULL,
  prompt_tokens     INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens      INTEGER NOT NULL,
  error             TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE INDEX runs_by_conversation ON runs(conversation_id);
-- At start-up the runs a dead process left running are looked for; they are few.
CREATE INDEX running_runs ON runs(id) WHERE status = 'running';

-- tool_calls is a JSON array of {"id","name","arguments"}. The usage columns are all NULL
-- (no usage recorded) or all set. run_id has no foreign key, so a use case may store a
-- run's first message before the run itself; both go with their conversation.
CREATE TABLE messages (
  id                TEXT PRIMARY KEY,
  conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  run_id            TEXT,
  position          INTEGER NOT NULL CHECK (position >= 1),
  role              TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content           TEXT NOT NULL,
  tool_calls        TEXT NOT NULL DEFAULT '[]' CHECK (json_type(tool_calls) = 'array'),
  tool_call_id      TEXT NOT NULL,
  name              TEXT NOT NULL,
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  total_tokens      INTEGER,
  created_at        TEXT NOT NULL,
  CHECK ((prompt_tokens IS NULL) = (completion_tokens IS NULL) AND
         (prompt_tokens IS NULL) = (total_tokens IS NULL))
);
CREATE UNIQUE INDEX messages_by_conversation ON messages(conversation_id, position);

-- One row per run: each save replaces the previous one.
CREATE TABLE checkpoints (
  run_id    TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  next_node TEXT NOT NULL,
  steps     INTEGER NOT NULL,
  state     TEXT NOT NULL,
  saved_at  TEXT NOT NULL
);
)sql";

// Tool calls waiting for a person's decision, and the decisions. They go with their run and
// conversation; user_id repeats the conversation's owner, as in runs.
constexpr std::string_view kApprovals = R"sql(
CREATE TABLE approvals (
  id               TEXT PRIMARY KEY,
  conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  run_id           TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  user_id          TEXT NOT NULL,
  position         INTEGER NOT NULL CHECK (position >= 1),
  tool_call_id     TEXT NOT NULL,
  tool             TEXT NOT NULL,
  arguments        TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  reason           TEXT,
  edited_arguments TEXT,
  decided_by       TEXT,
  created_at       TEXT NOT NULL,
  expires_at       TEXT NOT NULL,
  decided_at       TEXT,
  UNIQUE (run_id, tool_call_id),
  -- A run's approvals in the order they were stored, across all its pauses. Like the
  -- constraint above, it also serves lookups by run (and the cascade from runs).
  UNIQUE (run_id, position)
);
-- Deleting a conversation cascades here directly; without the index that would scan.
CREATE INDEX approvals_by_conversation ON approvals(conversation_id);
-- The user's inbox, newest first by id (UUIDv7 ids are time-ordered). Expiry is decided by
-- comparing expires_at as text: the codec always writes UTC in one fixed width
-- ("2026-11-25T13:44:20.123456Z"), so text order is time order.
CREATE INDEX approvals_by_user ON approvals(user_id, id);
)sql";

// The approval gate and the runs API: who may decide (a key's can_approve; which key's own
// list made a call wait; who decided), what a run uses and where its events stand, a
// cancel request any process can see, and a refresh token's successor kept for the reuse
// window, sealed with the old token so the database alone cannot open it.
constexpr std::string_view kApprovalGate = R"sql(
ALTER TABLE api_keys ADD COLUMN can_approve INTEGER NOT NULL DEFAULT 0
  CHECK (can_approve IN (0, 1));

ALTER TABLE approvals ADD COLUMN required_by_api_key_id TEXT;
ALTER TABLE approvals ADD COLUMN decided_by_api_key_id TEXT;

ALTER TABLE runs ADD COLUMN model TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN last_event_id INTEGER NOT NULL DEFAULT 0 CHECK (last_event_id >= 0);
ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1);
ALTER TABLE runs ADD COLUMN cancel_requested_at TEXT;
ALTER TABLE runs ADD COLUMN finished_at TEXT;
-- A conversation's runs are listed newest first by id (UUIDv7 ids are time-ordered); the
-- new index also serves every lookup the old one did.
DROP INDEX runs_by_conversation;
CREATE INDEX runs_by_conversation_id ON runs(conversation_id, id);

ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT;
)sql";

// A running run is held by the replica that runs it, until its lease runs out.
constexpr std::string_view kRunLeases = R"sql(
ALTER TABLE runs ADD COLUMN lease_owner TEXT;
ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
)sql";

// An administrator may disable an account (agentd user disable): from then on, until it is
// enabled again, none of its credentials work.
constexpr std::string_view kUserDisabled = R"sql(
ALTER TABLE users ADD COLUMN disabled_at TEXT;
)sql";

// Runs fit a long history to their model's context window: how a conversation does it,
// and what a run's latest call sent and left out (the ratio in thousandths).
constexpr std::string_view kContextFit = R"sql(
ALTER TABLE conversations ADD COLUMN truncation TEXT NOT NULL DEFAULT 'auto'
  CHECK (truncation IN ('auto', 'disabled'));
ALTER TABLE runs ADD COLUMN messages_sent INTEGER NOT NULL DEFAULT 0 CHECK (messages_sent >= 0);
ALTER TABLE runs ADD COLUMN messages_left_out INTEGER NOT NULL DEFAULT 0
  CHECK (messages_left_out >= 0);
ALTER TABLE runs ADD COLUMN token_ratio_milli INTEGER NOT NULL DEFAULT 0;
)sql";

// The Responses API's stored responses: each a part of a run in a conversation, its output
// the conversation's messages between two positions.
constexpr std::string_view kResponses = R"sql(
CREATE TABLE responses (
  id                       TEXT PRIMARY KEY,
  user_id                  TEXT NOT NULL,
  api_key_id               TEXT,
  conversation_id          TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  run_id                   TEXT NOT NULL,
  previous_response_id     TEXT,
  status                   TEXT NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed',
                                                           'failed', 'cancelled', 'incomplete')),
  model                    TEXT NOT NULL,
  background               INTEGER NOT NULL,
  request                  TEXT NOT NULL,
  input_items              TEXT NOT NULL,
  output_after             INTEGER NOT NULL,
  output_until             INTEGER,
  events_after             INTEGER NOT NULL,
  before_prompt_tokens     INTEGER NOT NULL,
  before_completion_tokens INTEGER NOT NULL,
  before_total_tokens      INTEGER NOT NULL,
  prompt_tokens            INTEGER NOT NULL,
  completion_tokens        INTEGER NOT NULL,
  total_tokens             INTEGER NOT NULL,
  error_code               TEXT,
  error_message            TEXT,
  created_at               TEXT NOT NULL,
  completed_at             TEXT
);
CREATE INDEX responses_by_run ON responses(run_id);
CREATE INDEX responses_by_conversation ON responses(conversation_id, created_at);
)sql";

// Webhooks and their durable outbox: one delivery row per event and subscribed webhook,
// claimed by moving next_attempt_at forward (the claim's lease), and every attempt kept.
constexpr std::string_view kWebhooks = R"sql(
CREATE TABLE webhooks (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  events        TEXT NOT NULL,  -- JSON array of event types
  description   TEXT,
  secret_sealed TEXT NOT NULL,
  created_at    TEXT NOT NULL
);
-- A user's webhooks are listed newest first by id.
CREATE INDEX webhooks_by_user ON webhooks(user_id, id);

CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  webhook_id      TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  data            TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
-- The worker's query: pending deliveries by due time; finished ones stay out of the index.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id);

CREATE TABLE webhook_attempts (
  id              TEXT PRIMARY KEY,
  delivery_id     TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  webhook_id      TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  attempt         INTEGER NOT NULL CHECK (attempt >= 1),
  status_code     INTEGER,
  error           TEXT,
  duration_ms     INTEGER NOT NULL CHECK (duration_ms >= 0),
  attempted_at    TEXT NOT NULL,
  next_attempt_at TEXT
);
-- A webhook's attempts are listed newest first by id.
CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts(webhook_id, id);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts(delivery_id);
)sql";

// Every model call, accounted; keys' budgets and what they spent. No foreign keys: a batch must
// never be refused because a user or key was deleted between the call and its write.
constexpr std::string_view kUsageRecords = R"sql(
CREATE TABLE usage_records (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL,
  api_key_id    TEXT,
  model         TEXT NOT NULL,
  provider      TEXT NOT NULL,
  input_tokens  INTEGER NOT NULL CHECK (input_tokens >= 0),
  output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
  cached_tokens INTEGER NOT NULL CHECK (cached_tokens >= 0),
  cost_nanos    INTEGER,
  latency_ms    INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'error', 'cancelled')),
  created_at    TEXT NOT NULL
);
CREATE INDEX usage_records_by_user ON usage_records(user_id, created_at);
CREATE INDEX usage_records_by_time ON usage_records(created_at);

ALTER TABLE api_keys ADD COLUMN budget_max_tokens INTEGER CHECK (budget_max_tokens >= 0);
ALTER TABLE api_keys ADD COLUMN budget_max_cost_nanos INTEGER
  CHECK (budget_max_cost_nanos >= 0);
ALTER TABLE api_keys ADD COLUMN budget_period TEXT
  CHECK (budget_period IN ('day', 'week', 'month', 'total'));
ALTER TABLE api_keys ADD COLUMN tokens_per_minute INTEGER CHECK (tokens_per_minute >= 1);

-- What keys spent, per period and per minute, as their budgets count it (reservations
-- included). A counter is of no use after expires_at.
CREATE TABLE budget_counters (
  counter    TEXT PRIMARY KEY,
  tokens     INTEGER NOT NULL,
  cost_nanos INTEGER NOT NULL,
  expires_at TEXT
);
)sql";

// A user's budget and tokens per minute, set by an administrator: the same columns as a key's.
constexpr std::string_view kUserLimits = R"sql(
ALTER TABLE users ADD COLUMN budget_max_tokens INTEGER CHECK (budget_max_tokens >= 0);
ALTER TABLE users ADD COLUMN budget_max_cost_nanos INTEGER CHECK (budget_max_cost_nanos >= 0);
ALTER TABLE users ADD COLUMN budget_period TEXT
  CHECK (budget_period IN ('day', 'week', 'month', 'total'));
ALTER TABLE users ADD COLUMN tokens_per_minute INTEGER CHECK (tokens_per_minute >= 1);
)sql";

constexpr Migration kMigrations[] = {
    {1, "identity", kIdentity},           {2, "tool_executions", kToolExecutions},
    {3, "conversations", kConversations}, {4, "approvals", kApprovals},
    {5, "approval_gate", kApprovalGate},  {6, "run_leases", kRunLeases},
    {7, "user_disabled", kUserDisabled},  {8, "context_fit", kContextFit},
    {9, "responses", kResponses},         {10, "webhooks", kWebhooks},
    {11, "usage_records", kUsageRecords}, {12, "user_limits", kUserLimits},
};

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

}  // namespace agentd::sqlite

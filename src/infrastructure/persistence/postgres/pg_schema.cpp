// agentd's PostgreSQL schema: the same steps, numbered alike, as the SQLite one
// (sqlite/schema.cpp), in PostgreSQL's types. Never edit a migration once released.
#include "infrastructure/persistence/postgres/pg_migrations.h"

namespace agentd::postgres {
namespace {

// Ids agentd makes are UUIDv7s (time-ordered, so "newest first by id" is time order).
// Name lists are jsonb arrays; NULL means "absent", which is not the same as an empty list.
constexpr std::string_view kIdentity = R"sql(
CREATE TABLE users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('user', 'admin')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
-- Deleting a user cascades here; without the index that would scan every session.
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE refresh_tokens (
  hash       text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);

CREATE TABLE api_keys (
  id                      uuid PRIMARY KEY,
  user_id                 uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name                    text NOT NULL,
  prefix                  text NOT NULL,
  secret_hash             text NOT NULL UNIQUE,
  allowed_tools           jsonb CHECK (jsonb_typeof(allowed_tools) = 'array'),
  allowed_models          jsonb CHECK (jsonb_typeof(allowed_models) = 'array'),
  approval_required_tools jsonb NOT NULL DEFAULT '[]'
                          CHECK (jsonb_typeof(approval_required_tools) = 'array'),
  expires_at              timestamptz,
  rate_limit_per_minute   integer,
  created_at              timestamptz NOT NULL,
  last_used_at            timestamptz,
  revoked_at              timestamptz
);
-- A user's keys are listed newest first by id.
CREATE INDEX api_keys_by_user ON api_keys(user_id, id);
)sql";

// Every tool run, by anyone, through any path: the audit trail. Arguments are kept as the
// model wrote them, byte for byte, valid JSON or not.
constexpr std::string_view kToolExecutions = R"sql(
CREATE TABLE tool_executions (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  api_key_id      uuid,
  conversation_id uuid,
  tool            text NOT NULL,
  arguments       text NOT NULL,
  status          text NOT NULL CHECK (status IN ('ok', 'error')),
  error_code      text,
  error_message   text,
  duration_ms     bigint NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX tool_executions_by_user ON tool_executions(user_id, created_at);
)sql";

// Conversations with their messages, runs and the runs' graph checkpoints; deleting a
// conversation (or its user) deletes all of them.
constexpr std::string_view kConversations = R"sql(
CREATE TABLE conversations (
  id            uuid PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title         text NOT NULL,
  model         text NOT NULL,
  system_prompt text NOT NULL,
  status        text NOT NULL CHECK (status IN ('idle', 'running', 'awaiting_approval')),
  message_count integer NOT NULL CHECK (message_count >= 0),
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX conversations_by_user ON conversations(user_id, id);

-- user_id repeats the conversation's owner; the conversation's foreign key already removes
-- the run with its user.
CREATE TABLE runs (
  id                uuid PRIMARY KEY,
  conversation_id   uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  user_id           uuid NOT NULL,
  status            text NOT NULL
                    CHECK (status IN ('running', 'awaiting_approval', 'completed', 'failed',
                                      'cancelled')),
  steps             integer NOT NULL,
  prompt_tokens     bigint NOT NULL,
  completion_tokens bigint NOT NULL,
  total_tokens      bigint NOT NULL,
  error             text,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE INDEX runs_by_conversation ON runs(conversation_id);
-- At start-up the runs a dead process left running are looked for; they are few.
CREATE INDEX running_runs ON runs(id) WHERE status = 'running';

-- tool_calls is a jsonb array of {"id","name","arguments"}, arguments a string as the model
-- wrote it. The usage columns are all NULL (no usage recorded) or all set. run_id has no
-- foreign key, so a use case may store a run's first message before the run itself.
CREATE TABLE messages (
  id                uuid PRIMARY KEY,
  conversation_id   uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  run_id            uuid,
  position          integer NOT NULL CHECK (position >= 1),
  role              text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content           text NOT NULL,
  tool_calls        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tool_calls) = 'array'),
  tool_call_id      text NOT NULL,
  name              text NOT NULL,
  prompt_tokens     bigint,
  completion_tokens bigint,
  total_tokens      bigint,
  created_at        timestamptz NOT NULL,
  CHECK ((prompt_tokens IS NULL) = (completion_tokens IS NULL) AND
         (prompt_tokens IS NULL) = (total_tokens IS NULL))
);
CREATE UNIQUE INDEX messages_by_conversation ON messages(conversation_id, position);

-- One row per run: each save replaces the previous one.
CREATE TABLE checkpoints (
  run_id    uuid PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  next_node text NOT NULL,
  steps     integer NOT NULL,
  state     jsonb NOT NULL,
  saved_at  timestamptz NOT NULL
);
)sql";

// Tool calls waiting for a person's decision, and the decisions. Arguments, as in
// tool_executions, are kept as the model wrote them.
constexpr std::string_view kApprovals = R"sql(
CREATE TABLE approvals (
  id               uuid PRIMARY KEY,
  conversation_id  uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  run_id           uuid NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  user_id          uuid NOT NULL,
  position         integer NOT NULL CHECK (position >= 1),
  tool_call_id     text NOT NULL,
  tool             text NOT NULL,
  arguments        text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  reason           text,
  edited_arguments text,
  decided_by       uuid,
  created_at       timestamptz NOT NULL,
  expires_at       timestamptz NOT NULL,
  decided_at       timestamptz,
  UNIQUE (run_id, tool_call_id),
  UNIQUE (run_id, position)
);
CREATE INDEX approvals_by_conversation ON approvals(conversation_id);
-- The user's inbox, newest first by id.
CREATE INDEX approvals_by_user ON approvals(user_id, id);
)sql";

// The approval gate and the runs API, as in SQLite's migration 5.
constexpr std::string_view kApprovalGate = R"sql(
ALTER TABLE api_keys ADD COLUMN can_approve boolean NOT NULL DEFAULT false;

ALTER TABLE approvals ADD COLUMN required_by_api_key_id uuid;
ALTER TABLE approvals ADD COLUMN decided_by_api_key_id uuid;

ALTER TABLE runs ADD COLUMN model text NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN last_event_id bigint NOT NULL DEFAULT 0 CHECK (last_event_id >= 0);
ALTER TABLE runs ADD COLUMN attempts integer NOT NULL DEFAULT 1 CHECK (attempts >= 1);
ALTER TABLE runs ADD COLUMN cancel_requested_at timestamptz;
ALTER TABLE runs ADD COLUMN finished_at timestamptz;
DROP INDEX runs_by_conversation;
CREATE INDEX runs_by_conversation_id ON runs(conversation_id, id);
-- Every process looks for cancel requests on the runs it runs, twice a second.
CREATE INDEX cancel_requested_runs ON runs(id)
  WHERE cancel_requested_at IS NOT NULL AND status = 'running';

ALTER TABLE refresh_tokens ADD COLUMN successor_sealed text;
)sql";

// A running run is held by the replica that runs it, until its lease runs out.
constexpr std::string_view kRunLeases = R"sql(
ALTER TABLE runs ADD COLUMN lease_owner text;
ALTER TABLE runs ADD COLUMN lease_expires_at timestamptz;
)sql";

// An administrator may disable an account, as in SQLite's migration 7.
constexpr std::string_view kUserDisabled = R"sql(
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
)sql";

// Context fitting, as in SQLite's migration 8.
constexpr std::string_view kContextFit = R"sql(
ALTER TABLE conversations ADD COLUMN truncation text NOT NULL DEFAULT 'auto'
  CHECK (truncation IN ('auto', 'disabled'));
ALTER TABLE runs ADD COLUMN messages_sent integer NOT NULL DEFAULT 0 CHECK (messages_sent >= 0);
ALTER TABLE runs ADD COLUMN messages_left_out integer NOT NULL DEFAULT 0
  CHECK (messages_left_out >= 0);
ALTER TABLE runs ADD COLUMN token_ratio_milli bigint NOT NULL DEFAULT 0;
)sql";

// The Responses API's stored responses: each a part of a run in a conversation, its output
// the conversation's messages between two positions.
constexpr std::string_view kResponses = R"sql(
CREATE TABLE responses (
  id                       uuid PRIMARY KEY,
  user_id                  uuid NOT NULL,
  api_key_id               uuid,
  conversation_id          uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  run_id                   uuid NOT NULL,
  previous_response_id     uuid,
  status                   text NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed',
                                                           'failed', 'cancelled', 'incomplete')),
  model                    text NOT NULL,
  background               boolean NOT NULL,
  request                  text NOT NULL,
  input_items              text NOT NULL,
  output_after             bigint NOT NULL,
  output_until             bigint,
  events_after             bigint NOT NULL,
  before_prompt_tokens     bigint NOT NULL,
  before_completion_tokens bigint NOT NULL,
  before_total_tokens      bigint NOT NULL,
  prompt_tokens            bigint NOT NULL,
  completion_tokens        bigint NOT NULL,
  total_tokens             bigint NOT NULL,
  error_code               text,
  error_message            text,
  created_at               timestamptz NOT NULL,
  completed_at             timestamptz
);
CREATE INDEX responses_by_run ON responses(run_id);
CREATE INDEX responses_by_conversation ON responses(conversation_id, created_at);
)sql";

// Webhooks and their outbox, as in SQLite's migration 10. Deliveries are claimed with
// FOR UPDATE SKIP LOCKED, so replicas never wait on or claim each other's rows.
constexpr std::string_view kWebhooks = R"sql(
CREATE TABLE webhooks (
  id            uuid PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  url           text NOT NULL,
  events        jsonb NOT NULL CHECK (jsonb_typeof(events) = 'array'),
  description   text,
  secret_sealed text NOT NULL,
  created_at    timestamptz NOT NULL
);
CREATE INDEX webhooks_by_user ON webhooks(user_id, id);

CREATE TABLE webhook_deliveries (
  id              uuid PRIMARY KEY,
  webhook_id      uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id        uuid NOT NULL,
  event_type      text NOT NULL,
  data            text NOT NULL,  -- JSON text, kept byte for byte
  status          text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook_id);

CREATE TABLE webhook_attempts (
  id              uuid PRIMARY KEY,
  delivery_id     uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  webhook_id      uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id        uuid NOT NULL,
  event_type      text NOT NULL,
  attempt         integer NOT NULL CHECK (attempt >= 1),
  status_code     integer,
  error           text,
  duration_ms     bigint NOT NULL CHECK (duration_ms >= 0),
  attempted_at    timestamptz NOT NULL,
  next_attempt_at timestamptz
);
CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts(webhook_id, id);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts(delivery_id);
)sql";

// Every model call, accounted, and keys' budgets, as in SQLite's migration 11.
constexpr std::string_view kUsageRecords = R"sql(
CREATE TABLE usage_records (
  id            uuid PRIMARY KEY,
  user_id       uuid NOT NULL,
  api_key_id    uuid,
  model         text NOT NULL,
  provider      text NOT NULL,
  input_tokens  bigint NOT NULL CHECK (input_tokens >= 0),
  output_tokens bigint NOT NULL CHECK (output_tokens >= 0),
  cached_tokens bigint NOT NULL CHECK (cached_tokens >= 0),
  cost_nanos    bigint,
  latency_ms    bigint NOT NULL,
  status        text NOT NULL CHECK (status IN ('ok', 'error', 'cancelled')),
  created_at    timestamptz NOT NULL
);
CREATE INDEX usage_records_by_user ON usage_records(user_id, created_at);
CREATE INDEX usage_records_by_time ON usage_records(created_at);

ALTER TABLE api_keys ADD COLUMN budget_max_tokens bigint CHECK (budget_max_tokens >= 0);
ALTER TABLE api_keys ADD COLUMN budget_max_cost_nanos bigint CHECK (budget_max_cost_nanos >= 0);
ALTER TABLE api_keys ADD COLUMN budget_period text
  CHECK (budget_period IN ('day', 'week', 'month', 'total'));
ALTER TABLE api_keys ADD COLUMN tokens_per_minute bigint CHECK (tokens_per_minute >= 1);

CREATE TABLE budget_counters (
  counter    text PRIMARY KEY,
  tokens     bigint NOT NULL,
  cost_nanos bigint NOT NULL,
  expires_at timestamptz
);
)sql";

// A user's budget and tokens per minute, set by an administrator: the same columns as a key's.
constexpr std::string_view kUserLimits = R"sql(
ALTER TABLE users ADD COLUMN budget_max_tokens bigint CHECK (budget_max_tokens >= 0);
ALTER TABLE users ADD COLUMN budget_max_cost_nanos bigint CHECK (budget_max_cost_nanos >= 0);
ALTER TABLE users ADD COLUMN budget_period text
  CHECK (budget_period IN ('day', 'week', 'month', 'total'));
ALTER TABLE users ADD COLUMN tokens_per_minute bigint CHECK (tokens_per_minute >= 1);
)sql";

constexpr PgMigration kMigrations[] = {
    {1, "identity", kIdentity},           {2, "tool_executions", kToolExecutions},
    {3, "conversations", kConversations}, {4, "approvals", kApprovals},
    {5, "approval_gate", kApprovalGate},  {6, "run_leases", kRunLeases},
    {7, "user_disabled", kUserDisabled},  {8, "context_fit", kContextFit},
    {9, "responses", kResponses},         {10, "webhooks", kWebhooks},
    {11, "usage_records", kUsageRecords}, {12, "user_limits", kUserLimits},
};

}  // namespace

std::span<const PgMigration> schema_migrations() { return kMigrations; }

}  // namespace agentd::postgres

// The API's shapes as the console reads them (docs/openapi.yaml is the full contract).

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'user' | 'admin';
  created_at: string;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: User;
}

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export type ConversationStatus = 'idle' | 'running' | 'awaiting_approval';

export interface Conversation {
  id: string;
  title: string;
  model: string;
  status: ConversationStatus;
  created_at: string;
  updated_at: string;
  message_count: number;
}

export interface ModelToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface Message {
  id: string;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls?: ModelToolCall[];
  tool_call_id?: string;
  name?: string;
  created_at: string;
}

export interface ConversationDetail extends Conversation {
  messages: Message[];
}

export type RunStatus = 'running' | 'awaiting_approval' | 'completed' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  conversation_id: string;
  status: RunStatus;
  steps: number;
  model: string;
  error?: string;
  created_at: string;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface Approval {
  id: string;
  conversation_id: string;
  run_id: string;
  tool_call_id: string;
  tool: string;
  arguments: string;
  status: ApprovalStatus;
  created_at: string;
  expires_at: string;
  reason: string | null;
  edited_arguments?: string;
}

export interface RunResult {
  run: Run;
  message: Message | null;
  pending_approvals: Approval[];
}

export interface ToolResult {
  tool_call_id: string;
  name: string;
  status: 'ok' | 'error';
  result?: unknown;
  error?: { message: string; code: string };
  duration_ms: number;
}

export interface Tool {
  type: 'function';
  function: { name: string; description: string; parameters: JsonSchema };
  requires_approval: boolean;
}

export interface Model {
  id: string;
  owned_by: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  allowed_tools: string[] | null;
  allowed_models: string[] | null;
  approval_required_tools: string[];
  can_approve: boolean;
  expires_at: string | null;
  rate_limit_per_minute: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Budget {
  max_tokens: number | null;
  max_cost_usd: number | null;
  period: 'day' | 'week' | 'month' | 'total';
}

/** A user as an administrator manages it; `spent` and the rest with a budget, from GET one. */
export interface Account extends User {
  object: 'user';
  disabled_at: string | null;
  budget: Budget | null;
  tokens_per_minute: number | null;
  spent?: { tokens: number; cost_usd: number };
  remaining?: { tokens: number | null; cost_usd: number | null };
  resets_at?: string | null;
}

export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The part of JSON Schema that tool parameters use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  description?: string;
}

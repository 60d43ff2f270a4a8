#!/usr/bin/env node
/*
 * Fake LLM upstream for agentd's tests and benchmarks
 * ===================================================
 *
 * A scripted stand-in for the OpenAI and Anthropic APIs. Plain Node.js (20+), built-in
 * modules only, listens on 127.0.0.1 and nowhere else.
 *
 * Start
 * -----
 *   node tests/fake_upstream/server.js --port 0 [--api-key KEY] [--strict]
 *
 * Once listening it prints one line `{"port":N}` on stdout (port 0 = pick a free one) and
 * nothing else there. SIGTERM or SIGINT closes every connection and exits with status 0.
 *   --api-key KEY  accept only this key (default: any non-empty key)
 *   --strict       validate the message list of every request, as model fake-strict does
 *
 * Endpoints
 * ---------
 *   POST /v1/chat/completions  OpenAI. Needs `Authorization: Bearer <key>`, else 401.
 *   POST /v1/messages          Anthropic. Needs `x-api-key` and `anthropic-version`, else 401.
 *   GET  /v1/models            the behaviours below as models (Anthropic shape when the
 *                              request has an anthropic-version header).
 *   GET  /_stats               {requests, active_streams, completed_streams,
 *                               cancelled_streams, aborted_streams, cancelled_requests,
 *                               context_refusals,
 *                               by_model:{model: count},
 *                               input_tokens, output_tokens}  (the usage it reported, summed
 *                               over the answers it finished)
 *   POST /_reset               zeroes the counters, the request log and the 429 state.
 *   GET  /_requests            the last 200 API requests: {path, model, stream, behaviour,
 *                              headers (credential values hidden), body}, oldest first.
 *
 * Both API endpoints answer with JSON, or with Server-Sent Events when `stream` is true,
 * in the shapes the real services use: OpenAI `data: {chunk}` lines ending with
 * `data: [DONE]` (a final usage chunk with `choices: []` when
 * `stream_options.include_usage` is set); Anthropic `event:`/`data:` pairs message_start,
 * content_block_start, ping, content_block_delta (text_delta, input_json_delta),
 * content_block_stop, message_delta, message_stop. Tool-call arguments are always split
 * across several chunks. `usage` counts words (whitespace-separated) of the prompt and of
 * the answer. A text answer longer than max_tokens / max_completion_tokens words is cut
 * (finish_reason "length", stop_reason "max_tokens").
 *
 * Behaviours
 * ----------
 * Picked by, in order: a directive `[fake:NAME opt=value ...]` anywhere in the last user
 * message (removed from the text before use), then the model name. Other model names
 * starting with "fake-" get 404 model_not_found; any other model name behaves as fake-echo.
 *
 *   fake-echo             answers "echo: <last user text>".
 *   fake-fast             answers "Hello from the fake upstream." at once (5 chunks, no delay).
 *   fake-tool             ReAct driver. Last message a tool result -> text "The tool returned:
 *                         <content>". Otherwise, a user text such as "what is 6*7" -> one
 *                         call to the request's calculator tool (exact name "calculator",
 *                         else a name containing "calc", else the first tool) with
 *                         {"expression":"6*7"}; "call NAME {json}" in the text -> a call to
 *                         NAME with those arguments (even if NAME is not offered). No tools
 *                         offered, tool_choice "none", or nothing to calculate -> plain text.
 *   fake-tool-with-text   as fake-tool, with the text "Let me use a tool." before the call.
 *   fake-tool-parallel    as fake-tool, but two calls in one turn (the first two expressions
 *                         in the text; "1+1" / "2+2" fill in when fewer are found).
 *   fake-slow-first-byte  sends nothing for delay-ms (default 2000), then answers as fake-fast.
 *   fake-slow-stream      streams `tokens` tokens (default 50), one every delay-ms (default
 *                         100); without stream it waits for the total time, then answers.
 *   fake-429-then-ok      per `key`, alternately `fail-times` (default 1) 429 responses
 *                         with Retry-After: 1, then one success. The key is x-fake-key, else
 *                         the request's `user` / metadata.user_id, else the last user text.
 *   fake-500              always 500 in the format's error shape.
 *   fake-disconnect       streams `chunks` (default 3) chunks then destroys the socket;
 *                         without stream, sends half of the JSON body and destroys it.
 *   fake-malformed-sse    after `chunks` chunks sends a data line that is not JSON, then
 *                         finishes normally; without stream, a 200 with a broken JSON body.
 *   fake-stream-error     after `chunks` chunks sends an in-stream error (OpenAI
 *                         `data: {"error":…}`, Anthropic `event: error` overloaded_error)
 *                         and ends the response; without stream, 503 / 529 overloaded.
 *   fake-strict           answers "ok" when the message list is valid, else 400 naming the
 *                         offending message. OpenAI: roles, content, tool_calls shape and JSON
 *                         arguments, and every assistant tool_calls message followed by
 *                         exactly one tool message per tool_call_id before any other
 *                         message; tool messages answer only those calls. Anthropic: roles,
 *                         non-empty text, every tool_use answered by a tool_result in the very
 *                         next (user) message, tool_result blocks first and only for the
 *                         previous message's tool_use ids.
 *
 * Options, each as a request header `x-fake-<name>` or as `<name>=value` in the directive
 * (the header wins): delay-ms, tokens, key, fail-times, chunks, strict (1 = validate the
 * message list as fake-strict does, then run the selected behaviour), context (a window in
 * tokens: a prompt of more tokens, counted as `usage` counts them, is refused as the real
 * services refuse it: OpenAI 400 code context_length_exceeded, Anthropic 400 "prompt is too
 * long"; counted in context_refusals).
 *
 * Counters: `active_streams` are requests with stream:true still being answered;
 * `cancelled_streams` those whose client closed the connection before the end (including
 * during a first-byte delay); `aborted_streams` those fake-disconnect cut on purpose;
 * `cancelled_requests` the same as cancelled_streams for non-stream requests.
 */
'use strict';

const http = require('node:http');
const crypto = require('node:crypto');
const { once } = require('node:events');
const { setTimeout: sleep } = require('node:timers/promises');

// ------------------------------------------------------------------------------------
// Command line
// ------------------------------------------------------------------------------------

function parseArgs(argv) {
  const config = { port: 0, apiKey: null, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') config.port = Number(argv[++i]);
    else if (arg === '--api-key') config.apiKey = argv[++i];
    else if (arg === '--strict') config.strict = true;
    else {
      process.stderr.write(`fake upstream: unknown argument ${arg}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    process.stderr.write('fake upstream: --port needs an integer between 0 and 65535\n');
    process.exit(2);
  }
  return config;
}

const config = parseArgs(process.argv.slice(2));

// ------------------------------------------------------------------------------------
// Observability: counters, request log, per-key 429 state
// ------------------------------------------------------------------------------------

const REQUEST_LOG_SIZE = 200;

const state = {
  generation: 0, // bumped by /_reset so streams started before it do not touch new counters
  stats: null,
  requestLog: [],
  rateLimitCounts: new Map(),
};

function resetState() {
  state.generation += 1;
  state.stats = {
    requests: 0,
    active_streams: 0,
    completed_streams: 0,
    cancelled_streams: 0,
    aborted_streams: 0,
    cancelled_requests: 0,
    context_refusals: 0,
    by_model: {},
    input_tokens: 0,
    output_tokens: 0,
  };
  state.requestLog = [];
  state.rateLimitCounts.clear();
}
resetState();

function recordRequest(path, body, headers, behaviour) {
  const model = typeof body.model === 'string' ? body.model : '(none)';
  state.stats.requests += 1;
  state.stats.by_model[model] = (state.stats.by_model[model] || 0) + 1;
  const shownHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const secret = name === 'authorization' || name === 'x-api-key';
    shownHeaders[name] = secret ? '(present)' : value;
  }
  state.requestLog.push({ path, model, stream: body.stream === true, behaviour, headers: shownHeaders, body });
  if (state.requestLog.length > REQUEST_LOG_SIZE) state.requestLog.shift();
}

// Adds the usage an answer reported to the totals in /_stats.
function countReportedUsage(turn, reply) {
  state.stats.input_tokens += turn.promptTokens;
  state.stats.output_tokens += outputTokens(reply);
}

// Follows one response to its end and sorts it into completed / cancelled / aborted.
function trackResponse(res, isStream) {
  const generation = state.generation;
  const current = () => generation === state.generation;
  if (isStream) state.stats.active_streams += 1;
  res.on('close', () => {
    if (!current()) return;
    const stats = state.stats;
    if (isStream) stats.active_streams -= 1;
    if (res.writableFinished) {
      if (isStream) stats.completed_streams += 1;
    } else if (res.locals.abortedOnPurpose) {
      if (isStream) stats.aborted_streams += 1;
    } else if (isStream) {
      stats.cancelled_streams += 1;
    } else {
      stats.cancelled_requests += 1;
    }
  });
}

// ------------------------------------------------------------------------------------
// Text helpers
// ------------------------------------------------------------------------------------

function countTokens(text) {
  const words = String(text || '').match(/\S+/g);
  return words ? words.length : 0;
}

// "echo: a b" -> ["echo:", " a", " b"]; the pieces concatenate back to the text.
function splitWords(text) {
  return text.match(/\s*\S+\s*$|\s*\S+/g) || [];
}

// Splits JSON text into pieces of a few characters, so keys and values are cut mid-way.
function splitArguments(json, size = 5) {
  const chars = Array.from(json);
  const pieces = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}

function randomId(prefix) {
  return prefix + crypto.randomBytes(12).toString('hex');
}

// Arithmetic expressions in free text: "what is 6*7 and (2+3)/5?" -> ["6*7", "(2+3)/5"].
function findExpressions(text) {
  const candidates = text.match(/[\d.()+\-*/%^\s]+/g) || [];
  return candidates
    .map((candidate) => balanceParentheses(candidate.trim().replace(/\.+$/, '')))
    .filter((candidate) => /\d\s*\)*\s*[-+*/%^]\s*\(*\s*[\d.(]/.test(candidate));
}

function balanceParentheses(expression) {
  let text = expression;
  const count = (ch) => text.split(ch).length - 1;
  while (text.endsWith(')') && count(')') > count('(')) text = text.slice(0, -1).trim();
  while (text.startsWith('(') && count('(') > count(')')) text = text.slice(1).trim();
  return text;
}

// Text of an OpenAI content value or an Anthropic content value (string or parts/blocks).
function contentText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (!part || typeof part !== 'object') return '';
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      if (part.type === 'tool_result') return contentText(part.content);
      return '';
    })
    .filter(Boolean)
    .join(' ');
}

// ------------------------------------------------------------------------------------
// Requests, read into one shape for both formats
// ------------------------------------------------------------------------------------
//
// turn = { format, model, stream, userText, toolResults: [{id, content}] | null,
//          toolNames, toolChoice: 'auto'|'none'|'required'|{name}, maxTokens, promptTokens,
//          user, headers }

function readOpenAITurn(body, headers) {
  const messages = body.messages;
  const lastUser = [...messages].reverse().find((m) => m && m.role === 'user');
  let toolResults = null;
  if (messages[messages.length - 1]?.role === 'tool') {
    toolResults = [];
    for (let i = messages.length - 1; i >= 0 && messages[i]?.role === 'tool'; i--) {
      toolResults.unshift({ id: messages[i].tool_call_id, content: contentText(messages[i].content) });
    }
  }
  let promptText = '';
  for (const m of messages) {
    promptText += ' ' + contentText(m?.content);
    for (const call of m?.tool_calls || []) promptText += ' ' + (call?.function?.arguments || '');
  }
  const choice = body.tool_choice;
  return {
    format: 'openai',
    model: body.model,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    userText: lastUser ? contentText(lastUser.content) : '',
    toolResults,
    toolNames: (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.function?.name).filter(Boolean),
    toolChoice: typeof choice === 'object' && choice ? { name: choice.function?.name } : choice || 'auto',
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
    promptTokens: Math.max(1, countTokens(promptText)),
    user: typeof body.user === 'string' ? body.user : null,
    headers,
  };
}

function readAnthropicTurn(body, headers) {
  const messages = body.messages;
  const blocksOf = (m) => (typeof m?.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m?.content) ? m.content : []);
  const lastUser = [...messages].reverse().find((m) => m?.role === 'user' && blocksOf(m).some((b) => b?.type === 'text'));
  const last = messages[messages.length - 1];
  const results = last?.role === 'user' ? blocksOf(last).filter((b) => b?.type === 'tool_result') : [];
  let promptText = contentText(body.system);
  for (const m of messages) {
    for (const b of blocksOf(m)) {
      if (b?.type === 'tool_use') promptText += ' ' + JSON.stringify(b.input ?? {});
      else promptText += ' ' + contentText([b]);
    }
  }
  const choice = body.tool_choice;
  return {
    format: 'anthropic',
    model: body.model,
    stream: body.stream === true,
    includeUsage: true,
    userText: lastUser ? blocksOf(lastUser).filter((b) => b?.type === 'text').map((b) => b.text).join(' ') : '',
    toolResults: results.length ? results.map((b) => ({ id: b.tool_use_id, content: contentText(b.content) })) : null,
    toolNames: (Array.isArray(body.tools) ? body.tools : []).map((t) => t?.name).filter(Boolean),
    toolChoice: !choice ? 'auto' : choice.type === 'tool' ? { name: choice.name } : choice.type === 'any' ? 'required' : choice.type,
    maxTokens: body.max_tokens ?? null,
    promptTokens: Math.max(1, countTokens(promptText)),
    user: typeof body.metadata?.user_id === 'string' ? body.metadata.user_id : null,
    headers,
  };
}

// "[fake:fake-slow-stream delay-ms=20 tokens=5] hi" -> {behaviour, options, text: "hi"}
const DIRECTIVE = /\[fake:([A-Za-z0-9_-]+)((?:\s+[A-Za-z-]+=[^\s\]]+)*)\s*\]/;

function readDirective(text) {
  const match = DIRECTIVE.exec(text);
  if (!match) return { behaviour: null, options: {}, text };
  const options = {};
  for (const pair of match[2].trim().split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    options[pair.slice(0, at).toLowerCase()] = pair.slice(at + 1);
  }
  const rest = (text.slice(0, match.index) + text.slice(match.index + match[0].length)).replace(/\s+/g, ' ').trim();
  return { behaviour: match[1], options, text: rest };
}

// Header x-fake-<name> first, then the directive, then the default.
function option(turn, name, fallback) {
  const value = turn.headers[`x-fake-${name}`] ?? turn.options[name];
  return value === undefined || value === '' ? fallback : value;
}

function numberOption(turn, name, fallback) {
  const value = Number(option(turn, name, fallback));
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

// ------------------------------------------------------------------------------------
// Behaviours
// ------------------------------------------------------------------------------------
//
// Each takes a turn and returns a reply:
//   { text?, toolCalls?: [{name, arguments (JSON text)}], error?: {kind, message, retryAfter?},
//     firstByteDelayMs?, tokenDelayMs?, disconnectAfter?, malformedAfter?, streamErrorAfter? }
// error.kind is one of the ERROR_KINDS below; the wire format turns it into a status and body.

const BEHAVIOURS = {
  'fake-echo': echo,
  'fake-fast': fast,
  'fake-tool': (turn) => toolTurn(turn, { calls: 1 }),
  'fake-tool-with-text': (turn) => toolTurn(turn, { calls: 1, preamble: 'Let me use a tool.' }),
  'fake-tool-parallel': (turn) => toolTurn(turn, { calls: 2 }),
  'fake-slow-first-byte': slowFirstByte,
  'fake-slow-stream': slowStream,
  'fake-429-then-ok': rateLimitedThenOk,
  'fake-500': alwaysServerError,
  'fake-disconnect': disconnectMidStream,
  'fake-malformed-sse': malformedStream,
  'fake-stream-error': errorMidStream,
  'fake-strict': strictOk,
};

const DEFAULT_BEHAVIOUR = 'fake-echo';
const FAST_TEXT = 'Hello from the fake upstream.';

function echo(turn) {
  return { text: `echo: ${turn.userText}` };
}

function fast() {
  return { text: FAST_TEXT };
}

function toolTurn(turn, { calls, preamble }) {
  if (turn.toolResults) {
    const contents = turn.toolResults.map((r) => r.content);
    const noun = contents.length > 1 ? 'tools' : 'tool';
    return { text: `The ${noun} returned: ${contents.join('; ')}` };
  }
  const planned = plannedToolCalls(turn, calls);
  if (planned.length === 0) return { text: `No tool needed for: ${turn.userText}` };
  return { text: preamble, toolCalls: planned };
}

function plannedToolCalls(turn, count) {
  if (turn.toolChoice === 'none') return [];
  const explicit = /\bcall\s+([A-Za-z0-9_-]+)\s+(\{.*\})/s.exec(turn.userText);
  if (explicit) {
    let args;
    try {
      args = JSON.parse(explicit[2]);
    } catch {
      args = { input: explicit[2] };
    }
    return Array.from({ length: count }, () => ({ name: explicit[1], arguments: JSON.stringify(args) }));
  }
  const tool = pickTool(turn);
  if (!tool) return [];
  const expressions = findExpressions(turn.userText);
  if (expressions.length === 0) {
    if (turn.toolChoice === 'auto') return [];
    expressions.push(turn.userText);
  }
  const fillers = ['1+1', '2+2'];
  const chosen = [];
  for (let i = 0; i < count; i++) chosen.push(expressions[i] ?? fillers[i]);
  return chosen.map((expression) => ({ name: tool, arguments: JSON.stringify({ expression }) }));
}

function pickTool(turn) {
  const names = turn.toolNames;
  if (typeof turn.toolChoice === 'object' && turn.toolChoice.name) return turn.toolChoice.name;
  return names.find((n) => n === 'calculator') ?? names.find((n) => /calc/i.test(n)) ?? names[0] ?? null;
}

function slowFirstByte(turn) {
  return { text: FAST_TEXT, firstByteDelayMs: numberOption(turn, 'delay-ms', 2000) };
}

function slowStream(turn) {
  const tokens = Math.max(1, Math.floor(numberOption(turn, 'tokens', 50)));
  const words = Array.from({ length: tokens }, (_, i) => `t${i}`);
  return { text: words.join(' '), tokenDelayMs: numberOption(turn, 'delay-ms', 100) };
}

function rateLimitedThenOk(turn) {
  const key = option(turn, 'key', null) ?? turn.user ?? turn.userText;
  const failTimes = Math.floor(numberOption(turn, 'fail-times', 1));
  const seen = state.rateLimitCounts.get(key) ?? 0;
  state.rateLimitCounts.set(key, seen + 1);
  if (seen % (failTimes + 1) < failTimes) {
    return { error: { kind: 'rate_limit', message: 'Rate limit reached for requests. Please try again in 1s.', retryAfter: 1 } };
  }
  return { text: 'ok after rate limit' };
}

function alwaysServerError() {
  return { error: { kind: 'server', message: 'The server had an error while processing your request.' } };
}

function disconnectMidStream(turn) {
  return { text: 'This answer is cut off before it can finish, on purpose.', disconnectAfter: numberOption(turn, 'chunks', 3) };
}

function malformedStream(turn) {
  return { text: 'This stream carries one broken line.', malformedAfter: numberOption(turn, 'chunks', 3) };
}

function errorMidStream(turn) {
  return { text: 'This stream fails part of the way through.', streamErrorAfter: numberOption(turn, 'chunks', 3) };
}

function strictOk() {
  return { text: 'ok' }; // the validation itself runs before any behaviour, see handleApi
}

function selectBehaviour(turn) {
  const directive = readDirective(turn.userText);
  turn.userText = directive.text;
  turn.options = directive.options;
  const name = directive.behaviour ?? turn.model;
  if (BEHAVIOURS[name]) return name;
  if (directive.behaviour || /^fake-/.test(turn.model)) return null;
  return DEFAULT_BEHAVIOUR;
}

// Applies max_tokens to a text-only reply.
function finishReply(reply, turn) {
  if (reply.error || reply.toolCalls?.length || !Number.isInteger(turn.maxTokens)) return reply;
  const words = splitWords(reply.text || '');
  if (words.length <= turn.maxTokens) return reply;
  return { ...reply, text: words.slice(0, turn.maxTokens).join(''), truncated: true };
}

// ------------------------------------------------------------------------------------
// Message-list validation (fake-strict, --strict, x-fake-strict: 1)
// ------------------------------------------------------------------------------------
// Each returns null when valid, else {message, param}.

const OPENAI_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

function validateOpenAIMessages(body) {
  const invalid = (param, message) => ({ param, message });
  const messages = body.messages;
  let open = new Set(); // ids of the latest assistant tool_calls, answerable now
  let unanswered = new Set();
  const answered = new Set();
  const seenIds = new Set();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `messages[${i}]`;
    if (!m || typeof m !== 'object' || Array.isArray(m)) return invalid(at, `${at} must be an object.`);
    if (!OPENAI_ROLES.has(m.role)) {
      return invalid(`${at}.role`, `${at}.role is '${m.role}'; expected one of system, developer, user, assistant, tool.`);
    }
    if (m.role !== 'tool') {
      if (unanswered.size > 0) {
        return invalid(at, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages before ${at} (role '${m.role}'): ${[...unanswered].join(', ')}.`);
      }
      open = new Set();
    }
    const problem = m.role === 'tool' ? null : checkOpenAIContent(m, at);
    if (problem) return invalid(`${at}.content`, problem);
    if (m.role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null) {
      if (!Array.isArray(m.tool_calls) || m.tool_calls.length === 0) {
        return invalid(`${at}.tool_calls`, `${at}.tool_calls must be a non-empty array.`);
      }
      for (let j = 0; j < m.tool_calls.length; j++) {
        const call = m.tool_calls[j];
        const callAt = `${at}.tool_calls[${j}]`;
        if (!call || typeof call.id !== 'string' || call.id === '') return invalid(`${callAt}.id`, `${callAt}.id must be a non-empty string.`);
        if (seenIds.has(call.id)) return invalid(`${callAt}.id`, `${callAt}.id '${call.id}' is used by an earlier tool call.`);
        if (call.type !== 'function') return invalid(`${callAt}.type`, `${callAt}.type must be 'function'.`);
        if (typeof call.function?.name !== 'string' || call.function.name === '') {
          return invalid(`${callAt}.function.name`, `${callAt}.function.name must be a non-empty string.`);
        }
        if (typeof call.function.arguments !== 'string') {
          return invalid(`${callAt}.function.arguments`, `${callAt}.function.arguments must be a string of JSON.`);
        }
        try {
          JSON.parse(call.function.arguments);
        } catch {
          return invalid(`${callAt}.function.arguments`, `${callAt}.function.arguments is not valid JSON: ${call.function.arguments}`);
        }
        seenIds.add(call.id);
      }
      open = new Set(m.tool_calls.map((c) => c.id));
      unanswered = new Set(open);
    } else if (m.role === 'tool') {
      if (typeof m.tool_call_id !== 'string' || m.tool_call_id === '') {
        return invalid(`${at}.tool_call_id`, `${at} has role 'tool' but no tool_call_id.`);
      }
      if (typeof m.content !== 'string' && !isTextParts(m.content)) {
        return invalid(`${at}.content`, `${at}.content must be a string or an array of text parts.`);
      }
      if (!open.has(m.tool_call_id)) {
        const why = answered.has(m.tool_call_id)
          ? `answers tool_call_id '${m.tool_call_id}', which already has a response`
          : `answers tool_call_id '${m.tool_call_id}', which no preceding assistant message with 'tool_calls' asked for`;
        return invalid(`${at}.tool_call_id`, `Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls'; ${at} ${why}.`);
      }
      open.delete(m.tool_call_id);
      unanswered.delete(m.tool_call_id);
      answered.add(m.tool_call_id);
    }
  }
  if (unanswered.size > 0) {
    return invalid('messages', `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...unanswered].join(', ')}.`);
  }
  return validateOpenAITools(body.tools);
}

function checkOpenAIContent(m, at) {
  const c = m.content;
  if (m.role === 'assistant') {
    if ((c === undefined || c === null) && !m.tool_calls) return `${at} has role 'assistant' and neither content nor tool_calls.`;
    if (c === undefined || c === null || typeof c === 'string' || Array.isArray(c)) return null;
    return `${at}.content must be a string, an array of parts or null.`;
  }
  if (typeof c === 'string') return null;
  if (Array.isArray(c) && c.length > 0 && c.every((p) => p && typeof p.type === 'string')) return null;
  return `${at}.content must be a string or a non-empty array of content parts.`;
}

function isTextParts(content) {
  return Array.isArray(content) && content.every((p) => p?.type === 'text' && typeof p.text === 'string');
}

function validateOpenAITools(tools) {
  if (tools === undefined || tools === null) return null;
  if (!Array.isArray(tools)) return { param: 'tools', message: "'tools' must be an array." };
  for (let i = 0; i < tools.length; i++) {
    const name = tools[i]?.function?.name;
    if (tools[i]?.type !== 'function' || typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      return { param: `tools[${i}]`, message: `tools[${i}] must be {"type":"function","function":{"name":[A-Za-z0-9_-]{1,64},…}}.` };
    }
  }
  return null;
}

function validateAnthropicMessages(body) {
  const invalid = (param, message) => ({ param, message });
  const messages = body.messages;
  let pending = new Set(); // tool_use ids of the previous assistant message
  const seenIds = new Set();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `messages.${i}`;
    if (!m || typeof m !== 'object') return invalid(at, `${at}: must be an object`);
    if (m.role !== 'user' && m.role !== 'assistant') {
      return invalid(`${at}.role`, `${at}.role: Unexpected role "${m.role}". Allowed roles are "user" or "assistant". For instructions use the top-level "system" parameter.`);
    }
    let blocks;
    if (typeof m.content === 'string') {
      if (m.content === '') return invalid(`${at}.content`, `${at}: ${m.role} messages must have non-empty content`);
      blocks = [{ type: 'text', text: m.content }];
    } else if (Array.isArray(m.content) && m.content.length > 0) {
      blocks = m.content;
    } else {
      return invalid(`${at}.content`, `${at}.content: must be a non-empty string or a non-empty array of content blocks`);
    }
    const answeredHere = new Set();
    let seenOtherBlock = false;
    for (let j = 0; j < blocks.length; j++) {
      const b = blocks[j];
      const bAt = `${at}.content.${j}`;
      if (!b || typeof b.type !== 'string') return invalid(bAt, `${bAt}: each content block needs a type`);
      if (b.type === 'text' && (typeof b.text !== 'string' || b.text === '')) {
        return invalid(`${bAt}.text`, `${bAt}.text: text content blocks must be non-empty`);
      }
      if (b.type === 'tool_use') {
        if (m.role !== 'assistant') return invalid(bAt, `${bAt}: tool_use blocks may only appear in assistant messages`);
        if (typeof b.id !== 'string' || b.id === '' || typeof b.name !== 'string' || b.name === '') {
          return invalid(bAt, `${bAt}: tool_use blocks need a non-empty id and name`);
        }
        if (!b.input || typeof b.input !== 'object' || Array.isArray(b.input)) return invalid(`${bAt}.input`, `${bAt}.input: must be an object`);
        if (seenIds.has(b.id)) return invalid(`${bAt}.id`, `${bAt}.id: tool_use ids must be unique, '${b.id}' is repeated`);
        seenIds.add(b.id);
      } else if (b.type === 'tool_result') {
        if (m.role !== 'user') return invalid(bAt, `${bAt}: tool_result blocks may only appear in user messages`);
        if (seenOtherBlock) return invalid(bAt, `${bAt}: tool_result blocks must come first in the content, before any other block`);
        if (!pending.has(b.tool_use_id) || answeredHere.has(b.tool_use_id)) {
          return invalid(bAt, `${bAt}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
        }
        answeredHere.add(b.tool_use_id);
      } else {
        seenOtherBlock = true;
      }
    }
    const missing = [...pending].filter((id) => !answeredHere.has(id));
    if (missing.length > 0) {
      return invalid(at, `${at}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
    pending = new Set(m.role === 'assistant' ? blocks.filter((b) => b.type === 'tool_use').map((b) => b.id) : []);
  }
  if (pending.size > 0) {
    return invalid('messages', `messages: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${[...pending].join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
  }
  return validateAnthropicTools(body.tools);
}

function validateAnthropicTools(tools) {
  if (tools === undefined || tools === null) return null;
  if (!Array.isArray(tools)) return { param: 'tools', message: 'tools: must be an array' };
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i];
    if (t?.type && t.type !== 'custom') continue; // server tools have their own shapes
    if (typeof t?.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(t.name)) {
      return { param: `tools.${i}.name`, message: `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'` };
    }
    if (!t.input_schema || typeof t.input_schema !== 'object') {
      return { param: `tools.${i}.input_schema`, message: `tools.${i}.input_schema: Field required` };
    }
  }
  return null;
}

// ------------------------------------------------------------------------------------
// SSE helpers
// ------------------------------------------------------------------------------------

const sseData = (payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
const sseEvent = (name, payload) => `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;

// Writes one frame, waiting for the socket to drain when its buffer is full.
async function writeFrame(res, frame, signal) {
  signal.throwIfAborted();
  if (!frame) return;
  if (!res.write(frame)) await once(res, 'drain', { signal });
}

function sseHeaders(extra) {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...extra };
}

// The abstract pieces of an answer, in stream order:
//   {type:'text', text} | {type:'tool_start', index, id, name} | {type:'tool_args', index, text}
function replyPieces(reply) {
  const pieces = splitWords(reply.text || '').map((text) => ({ type: 'text', text }));
  (reply.toolCalls || []).forEach((call, index) => {
    pieces.push({ type: 'tool_start', index, id: call.id, name: call.name });
    for (const text of splitArguments(call.arguments)) pieces.push({ type: 'tool_args', index, text });
  });
  return pieces;
}

function outputTokens(reply) {
  let n = countTokens(reply.text);
  for (const call of reply.toolCalls || []) n += 1 + countTokens(call.arguments);
  return Math.max(1, n);
}

// Error kinds -> [HTTP status, error type] in each format.
const ERROR_KINDS = {
  invalid_request: { openai: [400, 'invalid_request_error'], anthropic: [400, 'invalid_request_error'] },
  authentication: { openai: [401, 'invalid_request_error'], anthropic: [401, 'authentication_error'] },
  not_found: { openai: [404, 'invalid_request_error'], anthropic: [404, 'not_found_error'] },
  method: { openai: [405, 'invalid_request_error'], anthropic: [405, 'invalid_request_error'] },
  too_large: { openai: [413, 'invalid_request_error'], anthropic: [413, 'request_too_large'] },
  rate_limit: { openai: [429, 'rate_limit_error'], anthropic: [429, 'rate_limit_error'] },
  server: { openai: [500, 'server_error'], anthropic: [500, 'api_error'] },
  overloaded: { openai: [503, 'server_error'], anthropic: [529, 'overloaded_error'] },
};

// ------------------------------------------------------------------------------------
// Wire format: OpenAI chat completions
// ------------------------------------------------------------------------------------

const openai = {
  name: 'openai',
  requestIdHeader: 'x-request-id',

  errorBody(error) {
    const [, type] = ERROR_KINDS[error.kind].openai;
    return { error: { message: error.message, type, param: error.param ?? null, code: error.code ?? null } };
  },

  usage(turn, reply) {
    const completion = outputTokens(reply);
    return {
      prompt_tokens: turn.promptTokens,
      completion_tokens: completion,
      total_tokens: turn.promptTokens + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
  },

  finishReason(reply) {
    if (reply.toolCalls?.length) return 'tool_calls';
    return reply.truncated ? 'length' : 'stop';
  },

  response(turn, reply) {
    const message = { role: 'assistant', content: reply.text ?? null, refusal: null, annotations: [] };
    if (reply.toolCalls?.length) {
      message.tool_calls = reply.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    }
    return {
      id: randomId('chatcmpl-'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: turn.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: this.finishReason(reply) }],
      usage: this.usage(turn, reply),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
  },

  // One streamed answer: every method returns the SSE text to send.
  stream(turn, reply) {
    const id = randomId('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    let roleSent = false;
    const chunk = (delta, finishReason = null) => {
      const body = {
        id, object: 'chat.completion.chunk', created, model: turn.model, service_tier: 'default', system_fingerprint: 'fp_fake',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      };
      if (turn.includeUsage) body.usage = null;
      return sseData(body);
    };
    // The first chunk carries the role: with content "" before text, content null before a tool call.
    const first = (delta) => {
      roleSent = true;
      return { role: 'assistant', ...delta, refusal: null };
    };
    return {
      start: (firstPiece) => (firstPiece?.type === 'tool_start' ? '' : chunk(first({ content: '' }))),
      piece: (p) => {
        if (p.type === 'text') return chunk({ content: p.text });
        if (p.type === 'tool_start') {
          const call = { index: p.index, id: p.id, type: 'function', function: { name: p.name, arguments: '' } };
          return chunk(roleSent ? { tool_calls: [call] } : first({ content: null, tool_calls: [call] }));
        }
        return chunk({ tool_calls: [{ index: p.index, function: { arguments: p.text } }] });
      },
      finish: () => {
        let out = chunk({}, openai.finishReason(reply));
        if (turn.includeUsage) {
          out += sseData({ id, object: 'chat.completion.chunk', created, model: turn.model, service_tier: 'default', system_fingerprint: 'fp_fake', choices: [], usage: openai.usage(turn, reply) });
        }
        return out + sseData('[DONE]');
      },
      malformed: () => `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"bro\n\n`,
      error: () => sseData({ error: { message: 'The server is overloaded. Please try again later.', type: 'server_error', param: null, code: null } }),
    };
  },
};

// ------------------------------------------------------------------------------------
// Wire format: Anthropic messages
// ------------------------------------------------------------------------------------

const anthropic = {
  name: 'anthropic',
  requestIdHeader: 'request-id',

  errorBody(error) {
    const [, type] = ERROR_KINDS[error.kind].anthropic;
    return { type: 'error', error: { type, message: error.message }, request_id: randomId('req_') };
  },

  stopReason(reply) {
    if (reply.toolCalls?.length) return 'tool_use';
    return reply.truncated ? 'max_tokens' : 'end_turn';
  },

  usage(turn, outputTokenCount) {
    return { input_tokens: turn.promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokenCount };
  },

  response(turn, reply) {
    const content = [];
    if (reply.text || !reply.toolCalls?.length) content.push({ type: 'text', text: reply.text ?? '' });
    for (const c of reply.toolCalls || []) content.push({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.arguments) });
    return {
      id: randomId('msg_'),
      type: 'message',
      role: 'assistant',
      model: turn.model,
      content,
      stop_reason: this.stopReason(reply),
      stop_sequence: null,
      usage: this.usage(turn, outputTokens(reply)),
    };
  },

  stream(turn, reply) {
    const id = randomId('msg_');
    let blockIndex = -1;
    let openBlock = null; // 'text' | 'tool_use' | null
    let pingSent = false;
    const openNew = (kind, contentBlock) => {
      let out = closeOpen();
      blockIndex += 1;
      openBlock = kind;
      out += sseEvent('content_block_start', { type: 'content_block_start', index: blockIndex, content_block: contentBlock });
      if (!pingSent) {
        pingSent = true;
        out += sseEvent('ping', { type: 'ping' });
      }
      return out;
    };
    const closeOpen = () => {
      if (!openBlock) return '';
      openBlock = null;
      return sseEvent('content_block_stop', { type: 'content_block_stop', index: blockIndex });
    };
    const delta = (d) => sseEvent('content_block_delta', { type: 'content_block_delta', index: blockIndex, delta: d });
    return {
      start: () => sseEvent('message_start', {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model: turn.model, content: [], stop_reason: null, stop_sequence: null, usage: anthropic.usage(turn, 1) },
      }),
      piece: (p) => {
        if (p.type === 'text') {
          const prefix = openBlock === 'text' ? '' : openNew('text', { type: 'text', text: '' });
          return prefix + delta({ type: 'text_delta', text: p.text });
        }
        if (p.type === 'tool_start') {
          return openNew('tool_use', { type: 'tool_use', id: p.id, name: p.name, input: {} }) + delta({ type: 'input_json_delta', partial_json: '' });
        }
        return delta({ type: 'input_json_delta', partial_json: p.text });
      },
      finish: () => {
        let out = blockIndex < 0 ? openNew('text', { type: 'text', text: '' }) : '';
        out += closeOpen();
        out += sseEvent('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: anthropic.stopReason(reply), stop_sequence: null },
          usage: { output_tokens: outputTokens(reply) },
        });
        return out + sseEvent('message_stop', { type: 'message_stop' });
      },
      malformed: () => `event: content_block_delta\ndata: {"type":"content_block_delta","index":${Math.max(blockIndex, 0)},"delta":{"type":"text_delta","text":"bro\n\n`,
      error: () => sseEvent('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    };
  },
};

// ------------------------------------------------------------------------------------
// Answering: JSON or a stream, with the reply's timing and faults
// ------------------------------------------------------------------------------------

function sendJson(res, status, body, headers = {}) {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res, format, error, headers = {}) {
  const [status] = ERROR_KINDS[error.kind][format.name];
  const extra = { [format.requestIdHeader]: randomId('req_'), ...headers };
  if (error.retryAfter !== undefined) {
    extra['retry-after'] = String(error.retryAfter);
    if (format.name === 'openai') {
      extra['x-ratelimit-remaining-requests'] = '0';
      extra['x-ratelimit-reset-requests'] = `${error.retryAfter}s`;
    } else {
      extra['anthropic-ratelimit-requests-remaining'] = '0';
    }
  }
  sendJson(res, status, format.errorBody(error), extra);
}

// Cuts the connection once what was written so far has reached the client.
async function abortOnPurpose(res, signal) {
  res.locals.abortedOnPurpose = true;
  await new Promise((resolve) => res.write('', resolve));
  await sleep(50, undefined, { signal });
  res.socket?.destroy();
  res.destroy();
}

async function answerJson(res, format, turn, reply, signal) {
  const waitMs = (reply.firstByteDelayMs || 0) + (reply.tokenDelayMs || 0) * Math.max(0, splitWords(reply.text || '').length - 1);
  if (waitMs > 0) await sleep(waitMs, undefined, { signal });
  if (reply.streamErrorAfter !== undefined) {
    sendError(res, format, { kind: 'overloaded', message: format.name === 'openai' ? 'The server is overloaded. Please try again later.' : 'Overloaded' });
    return;
  }
  const text = JSON.stringify(format.response(turn, reply));
  const headers = { 'content-type': 'application/json', [format.requestIdHeader]: randomId('req_') };
  if (reply.malformedAfter !== undefined) {
    const broken = text.slice(0, Math.floor(text.length / 2));
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(broken) });
    res.end(broken);
    return;
  }
  if (reply.disconnectAfter !== undefined) {
    res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(text) });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    await abortOnPurpose(res, signal);
    return;
  }
  countReportedUsage(turn, reply);
  sendJson(res, 200, JSON.parse(text), headers);
}

async function answerStream(res, format, turn, reply, signal) {
  if (reply.firstByteDelayMs) await sleep(reply.firstByteDelayMs, undefined, { signal });
  const pieces = replyPieces(reply);
  const stream = format.stream(turn, reply);
  res.writeHead(200, sseHeaders({ [format.requestIdHeader]: randomId('req_') }));
  await writeFrame(res, stream.start(pieces[0]), signal);
  for (let i = 0; i < pieces.length; i++) {
    if (i === reply.disconnectAfter) {
      await abortOnPurpose(res, signal);
      return;
    }
    if (i === reply.streamErrorAfter) {
      await writeFrame(res, stream.error(), signal);
      res.end();
      return;
    }
    if (i === reply.malformedAfter) await writeFrame(res, stream.malformed(), signal);
    if (i > 0 && reply.tokenDelayMs) await sleep(reply.tokenDelayMs, undefined, { signal });
    await writeFrame(res, stream.piece(pieces[i]), signal);
  }
  await writeFrame(res, stream.finish(), signal);
  // An OpenAI stream reports usage only when asked to.
  if (format.name !== 'openai' || turn.includeUsage) countReportedUsage(turn, reply);
  res.end();
}

// Gives every tool call an id in the format's style.
function withCallIds(reply, format) {
  if (!reply.toolCalls?.length) return reply;
  const prefix = format.name === 'openai' ? 'call_' : 'toolu_';
  return { ...reply, toolCalls: reply.toolCalls.map((c) => ({ ...c, id: randomId(prefix) })) };
}

// ------------------------------------------------------------------------------------
// HTTP
// ------------------------------------------------------------------------------------

const MAX_BODY_BYTES = 16 * 1024 * 1024;

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { tooLarge: true };
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}

function authError(format, headers) {
  if (format.name === 'openai') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization || '');
    if (!match) {
      return { kind: 'authentication', message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)." };
    }
    if (config.apiKey !== null && match[1] !== config.apiKey) {
      return { kind: 'authentication', message: 'Incorrect API key provided.', code: 'invalid_api_key' };
    }
    return null;
  }
  const key = headers['x-api-key'];
  if (!key) return { kind: 'authentication', message: 'x-api-key header is required' };
  if (config.apiKey !== null && key !== config.apiKey) return { kind: 'authentication', message: 'invalid x-api-key' };
  if (!headers['anthropic-version']) return { kind: 'authentication', message: 'anthropic-version header is required' };
  return null;
}

function basicRequestError(format, body) {
  const invalid = (param, message) => ({ kind: 'invalid_request', param, message });
  if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid(null, 'The request body must be a JSON object.');
  if (typeof body.model !== 'string' || body.model === '') return invalid('model', format.name === 'openai' ? 'you must provide a model parameter' : 'model: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return invalid('messages', format.name === 'openai' ? "Invalid 'messages': expected a non-empty array." : 'messages: Field required (a non-empty array)');
  }
  if (format.name === 'openai' && body.stream_options != null && body.stream !== true) {
    return invalid('stream_options', "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
  }
  if (format.name === 'anthropic' && !(Number.isInteger(body.max_tokens) && body.max_tokens >= 1)) {
    return invalid('max_tokens', 'max_tokens: Field required (an integer >= 1)');
  }
  return null;
}

async function handleApi(req, res, format) {
  const authProblem = authError(format, req.headers);
  if (authProblem) return sendError(res, format, authProblem);

  const raw = await readBody(req);
  if (raw.tooLarge) return sendError(res, format, { kind: 'too_large', message: 'Request body too large.' }, { connection: 'close' });
  let body;
  try {
    body = JSON.parse(raw.text);
  } catch {
    return sendError(res, format, { kind: 'invalid_request', message: 'We could not parse the JSON body of your request.' });
  }
  const requestProblem = basicRequestError(format, body);
  if (requestProblem) {
    recordRequest(req.url, body && typeof body === 'object' ? body : {}, req.headers, null);
    return sendError(res, format, requestProblem);
  }

  const turn = format.name === 'openai' ? readOpenAITurn(body, req.headers) : readAnthropicTurn(body, req.headers);
  const behaviour = selectBehaviour(turn);
  recordRequest(req.url, body, req.headers, behaviour);
  trackResponse(res, turn.stream);

  if (!behaviour) {
    const name = turn.model;
    const message = format.name === 'openai' ? `The model \`${name}\` does not exist or you do not have access to it.` : `model: ${name}`;
    return sendError(res, format, { kind: 'not_found', message, code: 'model_not_found' });
  }
  if (behaviour === 'fake-strict' || config.strict || option(turn, 'strict', '0') === '1') {
    const problem = format.name === 'openai' ? validateOpenAIMessages(body) : validateAnthropicMessages(body);
    if (problem) return sendError(res, format, { kind: 'invalid_request', ...problem, code: 'invalid_messages' });
  }
  const contextWindow = numberOption(turn, 'context', 0);
  if (contextWindow > 0 && turn.promptTokens > contextWindow) {
    state.stats.context_refusals += 1;
    return sendError(res, format, contextTooLong(format, turn.promptTokens, contextWindow));
  }

  const reply = withCallIds(finishReply(BEHAVIOURS[behaviour](turn), turn), format);
  if (reply.error) return sendError(res, format, reply.error);

  const cancelled = new AbortController();
  res.on('close', () => cancelled.abort());
  try {
    if (turn.stream) await answerStream(res, format, turn, reply, cancelled.signal);
    else await answerJson(res, format, turn, reply, cancelled.signal);
  } catch (err) {
    if (err?.name !== 'AbortError') throw err; // the client left; nothing more to send
  }
}

// The refusal each service sends for a prompt over the model's window.
function contextTooLong(format, tokens, window) {
  if (format.name === 'anthropic') {
    return { kind: 'invalid_request', message: `prompt is too long: ${tokens} tokens > ${window} maximum` };
  }
  return {
    kind: 'invalid_request',
    message: `This model's maximum context length is ${window} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
    param: 'messages',
    code: 'context_length_exceeded',
  };
}

function listModels(req, res) {
  const created = 1700000000;
  const names = Object.keys(BEHAVIOURS);
  if (req.headers['anthropic-version']) {
    const data = names.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(created * 1000).toISOString() }));
    return sendJson(res, 200, { data, has_more: false, first_id: names[0], last_id: names[names.length - 1] });
  }
  sendJson(res, 200, { object: 'list', data: names.map((id) => ({ id, object: 'model', created, owned_by: 'fake-upstream' })) });
}

const ROUTES = {
  '/v1/chat/completions': { POST: (req, res) => handleApi(req, res, openai) },
  '/v1/messages': { POST: (req, res) => handleApi(req, res, anthropic) },
  '/v1/models': { GET: listModels },
  '/_stats': { GET: (req, res) => sendJson(res, 200, state.stats) },
  '/_reset': {
    POST: (req, res) => {
      resetState();
      sendJson(res, 200, state.stats);
    },
  },
  '/_requests': { GET: (req, res) => sendJson(res, 200, { data: state.requestLog }) },
};

async function route(req, res) {
  res.locals = {};
  const path = new URL(req.url, 'http://fake').pathname;
  const format = path === '/v1/messages' ? anthropic : openai;
  const handlers = ROUTES[path];
  if (!handlers) return sendError(res, format, { kind: 'not_found', message: `Invalid URL (${req.method} ${path})` });
  const handler = handlers[req.method];
  if (!handler) return sendError(res, format, { kind: 'method', message: `Method ${req.method} not allowed on ${path}` }, { allow: Object.keys(handlers).join(', ') });
  await handler(req, res);
}

const server = http.createServer((req, res) => {
  route(req, res).catch((err) => {
    if (res.destroyed || req.destroyed) return; // the client left while we were reading or writing
    process.stderr.write(`fake upstream: ${err?.stack || err}\n`);
    if (!res.headersSent) sendError(res, openai, { kind: 'server', message: 'fake upstream internal error' });
    else res.destroy();
  });
});
server.keepAliveTimeout = 30_000;
server.headersTimeout = 35_000;
server.requestTimeout = 0;

server.listen({ port: config.port, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

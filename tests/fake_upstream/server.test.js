// Tests of the fake upstream itself. Run: node --test tests/fake_upstream/
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const readline = require('node:readline');

let server;
let base;

before(async () => {
  server = spawn(process.execPath, [path.join(__dirname, 'server.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(readline.createInterface({ input: server.stdout }), 'line');
  base = `http://127.0.0.1:${JSON.parse(line).port}`;
});

after(() => {
  if (server.exitCode === null) server.kill('SIGKILL');
});

const OPENAI_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer test-key' };
const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'test-key', 'anthropic-version': '2023-06-01' };
const CALCULATOR = { type: 'function', function: { name: 'calculator', description: 'Evaluates arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } } } } };

function post(route, headers, body) {
  return fetch(base + route, { method: 'POST', headers, body: JSON.stringify(body) });
}

// Splits an SSE body into [{event, data}] (data as text).
function parseSse(text) {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = { event: null, data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event.event = line.slice(7);
        else if (line.startsWith('data: ')) event.data += line.slice(6);
      }
      return event;
    });
}

async function stats() {
  return (await fetch(`${base}/_stats`)).json();
}

test('OpenAI stream: tool arguments split across chunks reassemble to valid JSON', async () => {
  const res = await post('/v1/chat/completions', OPENAI_HEADERS, {
    model: 'fake-tool',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'what is 6*7?' }],
    tools: [CALCULATOR],
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const events = parseSse(await res.text());
  assert.equal(events.at(-1).data, '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));

  assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id for the whole stream');
  assert.equal(new Set(chunks.map((c) => c.created)).size, 1, 'one created for the whole stream');
  const usageChunk = chunks.at(-1);
  assert.deepEqual(usageChunk.choices, []);
  assert.ok(usageChunk.usage.prompt_tokens > 0 && usageChunk.usage.completion_tokens > 0);
  for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);

  const calls = [];
  const fragments = [];
  for (const c of chunks.slice(0, -1)) {
    for (const part of c.choices[0].delta.tool_calls || []) {
      calls[part.index] ??= { id: part.id, name: part.function.name, arguments: '' };
      if (part.function.arguments) fragments.push(part.function.arguments);
      calls[part.index].arguments += part.function.arguments ?? '';
    }
  }
  assert.ok(fragments.length >= 3, `arguments come in several pieces, got ${JSON.stringify(fragments)}`);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].name, 'calculator');
  assert.match(calls[0].id, /^call_/);
  assert.deepEqual(JSON.parse(calls[0].arguments), { expression: '6*7' });
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'tool_calls');
});

test('Anthropic stream: events come in the documented order', async () => {
  const res = await post('/v1/messages', ANTHROPIC_HEADERS, {
    model: 'fake-tool-with-text',
    max_tokens: 256,
    stream: true,
    messages: [{ role: 'user', content: 'what is 6*7?' }],
    tools: [{ name: 'calculator', description: 'Evaluates arithmetic', input_schema: { type: 'object' } }],
  });
  assert.equal(res.status, 200);
  const events = parseSse(await res.text());
  for (const e of events) assert.equal(JSON.parse(e.data).type, e.event, 'event name matches data.type');

  const order = events.map((e) => e.event).join(' ');
  assert.match(
    order,
    /^message_start content_block_start ping (content_block_delta )+content_block_stop content_block_start (content_block_delta )+content_block_stop message_delta message_stop$/,
  );
  const data = events.map((e) => JSON.parse(e.data));
  const toolStart = data.find((d) => d.type === 'content_block_start' && d.content_block.type === 'tool_use');
  assert.equal(toolStart.index, 1);
  assert.equal(toolStart.content_block.name, 'calculator');
  const partial = data.filter((d) => d.delta?.type === 'input_json_delta' && d.index === 1).map((d) => d.delta.partial_json);
  assert.ok(partial.filter(Boolean).length >= 3);
  assert.deepEqual(JSON.parse(partial.join('')), { expression: '6*7' });
  const messageDelta = data.find((d) => d.type === 'message_delta');
  assert.equal(messageDelta.delta.stop_reason, 'tool_use');
  assert.ok(messageDelta.usage.output_tokens > 0);
});

test('fake-tool answers with the tool result once the tool has run (ReAct step 2)', async () => {
  const res = await post('/v1/messages', ANTHROPIC_HEADERS, {
    model: 'fake-tool',
    max_tokens: 256,
    messages: [
      { role: 'user', content: 'what is 6*7?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'calculator', input: { expression: '6*7' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"expression":"6*7","result":42}' }] },
    ],
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.stop_reason, 'end_turn');
  assert.match(body.content[0].text, /"result":42/);
});

test('fake-strict rejects an orphan tool message and accepts a valid history', async () => {
  const orphan = await post('/v1/chat/completions', OPENAI_HEADERS, {
    model: 'fake-strict',
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'tool', tool_call_id: 'call_nobody', content: '42' },
    ],
  });
  assert.equal(orphan.status, 400);
  const { error } = await orphan.json();
  assert.equal(error.type, 'invalid_request_error');
  assert.equal(error.param, 'messages[1].tool_call_id');
  assert.match(error.message, /messages\[1\].*call_nobody/);

  const call = { id: 'call_1', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } };
  const unanswered = await post('/v1/chat/completions', OPENAI_HEADERS, {
    model: 'fake-strict',
    messages: [
      { role: 'user', content: 'what is 6*7' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'user', content: 'well?' },
    ],
  });
  assert.equal(unanswered.status, 400);
  assert.match((await unanswered.json()).error.message, /call_1/);

  const valid = await post('/v1/chat/completions', OPENAI_HEADERS, {
    model: 'fake-strict',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'what is 6*7' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: 'call_1', content: '42' },
      { role: 'assistant', content: '42' },
      { role: 'user', content: 'thanks' },
    ],
  });
  assert.equal(valid.status, 200);
  assert.equal((await valid.json()).choices[0].message.content, 'ok');
});

test('missing credentials get 401 in each format', async () => {
  const openai = await post('/v1/chat/completions', { 'content-type': 'application/json' }, { model: 'fake-echo', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(openai.status, 401);
  assert.equal(typeof (await openai.json()).error.message, 'string');

  const noVersion = { 'content-type': 'application/json', 'x-api-key': 'test-key' };
  const anthropic = await post('/v1/messages', noVersion, { model: 'fake-echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(anthropic.status, 401);
  const body = await anthropic.json();
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'authentication_error');
});

test('fake-429-then-ok: 429 with Retry-After, then success, per key', async () => {
  const request = () => post('/v1/chat/completions', { ...OPENAI_HEADERS, 'x-fake-key': `k-${process.pid}` }, { model: 'fake-429-then-ok', messages: [{ role: 'user', content: 'hi' }] });
  const first = await request();
  assert.equal(first.status, 429);
  assert.equal(first.headers.get('retry-after'), '1');
  assert.equal((await first.json()).error.type, 'rate_limit_error');
  const second = await request();
  assert.equal(second.status, 200);
  await second.json();
});

test('/_stats counts a stream the client abandoned', async () => {
  await fetch(`${base}/_reset`, { method: 'POST' });
  const url = new URL(`${base}/v1/chat/completions`);
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: OPENAI_HEADERS });
  req.end(JSON.stringify({ model: 'fake-slow-stream', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
  const [res] = await once(req, 'response');
  await once(res, 'data'); // the stream has started
  assert.equal((await stats()).active_streams, 1);
  req.destroy();

  let current;
  for (let i = 0; i < 100; i++) {
    current = await stats();
    if (current.cancelled_streams === 1) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(current.cancelled_streams, 1);
  assert.equal(current.active_streams, 0);
  assert.equal(current.completed_streams, 0);
  assert.equal(current.requests, 1);
  assert.deepEqual(current.by_model, { 'fake-slow-stream': 1 });
});

test('SIGTERM stops the server with status 0', async () => {
  server.kill('SIGTERM');
  const [code] = await once(server, 'exit');
  assert.equal(code, 0);
});

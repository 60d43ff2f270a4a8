// Drives agentd's Responses API with the official openai SDK, unmodified. Runs the named
// scenarios (all of them by default) one after the other and prints one JSON line: each
// scenario's result, or {"failed": why}. Every response object and streamed event the SDK
// returned is included, for the caller to check against the Open Responses schemas.
// Usage: node openai_sdk_responses.mjs [scenario...]   (AGENTD_BASE_URL, AGENTD_TOKEN in the env)
import { client } from "./openai_sdk.mjs";

const AGENTD_TOOLS = [{ type: "mcp", server_label: "agentd" }];
const CALCULATOR = {
  type: "function",
  name: "calculator",
  description: "Evaluates an arithmetic expression.",
  parameters: {
    type: "object",
    properties: { expression: { type: "string" } },
    required: ["expression"],
  },
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(stream, keep = () => true) {
  const events = [];
  for await (const event of stream) {
    if (keep(event)) events.push(event);
  }
  return events;
}

async function untilFinal(id, deadlineMs = 15000) {
  const seen = [];
  const end = Date.now() + deadlineMs;
  for (;;) {
    const response = await client.responses.retrieve(id);
    seen.push(response.status);
    if (!["queued", "in_progress"].includes(response.status) || Date.now() > end) {
      return { response, seen };
    }
    await sleep(50);
  }
}

async function errorOf(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return { status: e.status ?? null, code: e.code ?? null, type: e.type ?? null,
             name: e.constructor.name };
  }
}

const scenarios = {
  async plain() {
    const response = await client.responses.create({
      model: "fake-echo",
      input: "hello from the sdk",
      instructions: "Answer briefly.",
    });
    return { response, output_text: response.output_text };
  },

  async stream() {
    const stream = await client.responses.create({
      model: "fake-echo",
      input: "stream these words please",
      stream: true,
    });
    return { events: await collect(stream) };
  },

  async function_round_trip() {
    const first = await client.responses.create({
      model: "fake-tool",
      input: "what is 6*7",
      tools: [CALCULATOR],
    });
    const call = first.output.find((item) => item.type === "function_call");
    const args = JSON.parse(call.arguments);
    const output = JSON.stringify({ expression: args.expression, result: 42 });
    const second = await client.responses.create({
      model: "fake-tool",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output }],
      tools: [CALCULATOR],
    });
    // The same round trip streamed: the call arrives as function_call_arguments events.
    const streamed = await collect(await client.responses.create({
      model: "fake-tool",
      input: "what is 6*7",
      tools: [CALCULATOR],
      stream: true,
    }));
    return { first, second, sent_output: output, output_text: second.output_text, streamed };
  },

  async memory() {
    const first = await client.responses.create({ model: "fake-echo", input: "my name is Ada Heron" });
    const second = await client.responses.create({
      model: "fake-echo",
      previous_response_id: first.id,
      input: "what is my name, said the sdk",
    });
    return { first, second };
  },

  async background() {
    const created = await client.responses.create({
      model: "fake-slow-stream",
      input: "[fake:fake-slow-stream tokens=12 delay-ms=40] background please",
      background: true,
    });
    const { response, seen } = await untilFinal(created.id);
    return { created, final: response, seen };
  },

  async resume() {
    // The whole stream of a background response, and the same stream resumed after
    // sequence number 4 while it still runs, then again once it has ended.
    const stream = await client.responses.create({
      model: "fake-slow-stream",
      input: "[fake:fake-slow-stream tokens=16 delay-ms=40] resume me",
      background: true,
      stream: true,
    });
    const full = [];
    let resumed = null;
    for await (const event of stream) {
      full.push(event);
      if (event.sequence_number === 4) {
        const id = full[0].response.id;
        resumed = collect(await client.responses.retrieve(id, { stream: true, starting_after: 4 }));
      }
    }
    const id = full[0].response.id;
    const after_end = await collect(
      await client.responses.retrieve(id, { stream: true, starting_after: 4 }));
    return { id, full, resumed: await resumed, after_end };
  },

  async cancel() {
    const created = await client.responses.create({
      model: "fake-slow-stream",
      input: "[fake:fake-slow-stream tokens=200 delay-ms=50] cancel me",
      background: true,
    });
    await sleep(300);
    const cancelled = await client.responses.cancel(created.id);
    const { response } = await untilFinal(created.id);
    const again = await errorOf(client.responses.cancel(created.id));
    return { created, cancelled, final: response, again };
  },

  async input_items() {
    const response = await client.responses.create({
      model: "fake-echo",
      input: [
        { role: "developer", content: "Be terse." },
        { type: "message", role: "user", content: [{ type: "input_text", text: "list my items" }] },
      ],
    });
    const items = [];
    for await (const item of client.responses.inputItems.list(response.id, { order: "asc" })) {
      items.push(item);
    }
    const newestFirst = [];
    for await (const item of client.responses.inputItems.list(response.id, { limit: 1 })) {
      newestFirst.push(item);
    }
    return { response, items, newest_first: newestFirst };
  },

  async delete() {
    const response = await client.responses.create({ model: "fake-echo", input: "forget me" });
    const deleted = await client.responses.delete(response.id);
    const retrieved = await errorOf(client.responses.retrieve(response.id));
    const deletedAgain = await errorOf(client.responses.delete(response.id));
    return { id: response.id, deleted: deleted ?? null, retrieved, deleted_again: deletedAgain };
  },

  async mcp_approve() {
    const asked = await client.responses.create({
      model: "fake-tool",
      input: "what is 6*7",
      tools: AGENTD_TOOLS,
    });
    const request = asked.output[asked.output.length - 1];
    const answered = await client.responses.create({
      model: "fake-tool",
      previous_response_id: asked.id,
      input: [{ type: "mcp_approval_response", approval_request_id: request.id, approve: true }],
      tools: AGENTD_TOOLS,
    });
    return { asked, answered, output_text: answered.output_text };
  },

  async mcp_reject() {
    const asked = await client.responses.create({
      model: "fake-tool",
      input: "what is 7*8",
      tools: AGENTD_TOOLS,
    });
    const request = asked.output[asked.output.length - 1];
    const answered = await client.responses.create({
      model: "fake-tool",
      previous_response_id: asked.id,
      input: [{
        type: "mcp_approval_response",
        approval_request_id: request.id,
        approve: false,
        reason: "not on a Sunday",
      }],
      tools: AGENTD_TOOLS,
    });
    return { asked, answered, output_text: answered.output_text };
  },
};

const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(scenarios);
const results = {};
for (const name of names) {
  try {
    results[name] = await scenarios[name]();
  } catch (e) {
    results[name] = { failed: String(e), status: e.status ?? null, stack: e.stack ?? null };
  }
}
console.log(JSON.stringify(results));

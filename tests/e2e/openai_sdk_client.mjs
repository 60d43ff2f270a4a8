// Drives agentd with the official openai SDK, unmodified; prints one JSON result line.
// Usage: node openai_sdk_client.mjs <scenario>   (AGENTD_BASE_URL, AGENTD_TOKEN in the env)
import { client } from "./openai_sdk.mjs";

const calculator = {
  type: "function",
  function: { name: "calculator", parameters: { type: "object", properties: { expression: { type: "string" } } } },
};

const scenarios = {
  async complete() {
    const r = await client.chat.completions.create({
      model: "fake-echo",
      messages: [{ role: "user", content: "hello sdk" }],
    });
    return { content: r.choices[0].message.content, usage: r.usage, object: r.object };
  },
  async stream_with_usage() {
    const stream = await client.chat.completions.create({
      model: "fake-echo",
      messages: [{ role: "user", content: "streamed words" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let usage = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      if (chunk.choices[0]?.delta?.content) content += chunk.choices[0].delta.content;
      if (chunk.usage) usage = chunk.usage;
    }
    return { content, usage, chunks };
  },
  async tool_calls_passed_through() {
    const r = await client.chat.completions.create({
      model: "fake-tool",
      messages: [{ role: "user", content: "what is 6*7" }],
      tools: [calculator],
    });
    const call = r.choices[0].message.tool_calls[0];
    const s = await client.chat.completions.create({
      model: "fake-tool",
      messages: [{ role: "user", content: "what is 6*7" }],
      tools: [calculator],
      stream: true,
    });
    let args = "";
    let name = null;
    for await (const chunk of s) {
      for (const c of chunk.choices[0]?.delta?.tool_calls ?? []) {
        if (c.function?.name) name = c.function.name;
        args += c.function?.arguments ?? "";
      }
    }
    return {
      finish_reason: r.choices[0].finish_reason,
      name: call.function.name,
      arguments: JSON.parse(call.function.arguments),
      streamed_name: name,
      streamed_arguments: JSON.parse(args),
    };
  },
  async errors() {
    const result = {};
    for (const model of ["no-such-model", "fake-500-alone", "unreachable"]) {
      try {
        await client.chat.completions.create({ model, messages: [{ role: "user", content: "x" }] });
        result[model] = "no error";
      } catch (e) {
        result[model] = { status: e.status, code: e.code, type: e.type };
      }
    }
    return result;
  },
  async models() {
    const list = [];
    for await (const model of client.models.list()) list.push(model.id);
    return { models: list };
  },
};

const name = process.argv[2];
scenarios[name]()
  .then((result) => console.log(JSON.stringify(result)))
  .catch((e) => {
    console.log(JSON.stringify({ failed: String(e), status: e.status }));
    process.exitCode = 1;
  });

// Drives agentd's agent mode with the official openai SDK, unmodified: "agent" travels as
// an extra body field. Prints one JSON result line.
// Usage: node openai_sdk_agent.mjs <scenario>   (AGENTD_BASE_URL, AGENTD_TOKEN in the env)
import { client } from "./openai_sdk.mjs";

const question = [{ role: "user", content: "what is 6*7" }];

const scenarios = {
  async agent_complete() {
    const r = await client.chat.completions.create({
      model: "fake-tool",
      messages: question,
      agent: { tools: ["calculator"], max_steps: 4 },
    });
    const choice = r.choices[0];
    return {
      object: r.object,
      content: choice.message.content,
      role: choice.message.role,
      tool_calls: choice.message.tool_calls ?? null,
      finish_reason: choice.finish_reason,
      usage: r.usage,
    };
  },
  async agent_stream() {
    const stream = await client.chat.completions.create({
      model: "fake-tool",
      messages: question,
      stream: true,
      stream_options: { include_usage: true },
      agent: { tools: "all" },
    });
    let content = "";
    let role = null;
    let finish_reason = null;
    let usage = null;
    let tool_call_deltas = 0;
    const objects = new Set();
    for await (const chunk of stream) {
      objects.add(chunk.object);
      const choice = chunk.choices[0];
      if (choice?.delta?.role) role = choice.delta.role;
      if (choice?.delta?.content) content += choice.delta.content;
      if (choice?.delta?.tool_calls) tool_call_deltas += 1;
      if (choice?.finish_reason) finish_reason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    // The helper that rebuilds the final message from the chunks must agree.
    const helper = client.chat.completions.stream({
      model: "fake-tool",
      messages: question,
      agent: { tools: "all" },
    });
    const final = await helper.finalChatCompletion();
    return {
      objects: [...objects],
      role,
      content,
      finish_reason,
      usage,
      tool_call_deltas,
      final_content: final.choices[0].message.content,
    };
  },
  async agent_tool_not_allowed() {
    try {
      await client.chat.completions.create({
        model: "fake-tool",
        messages: question,
        agent: { tools: ["calculator"] },
      });
      return { error: null };
    } catch (e) {
      return { error: { status: e.status, code: e.code, type: e.type } };
    }
  },
};

const name = process.argv[2];
scenarios[name]()
  .then((result) => console.log(JSON.stringify(result)))
  .catch((e) => {
    console.log(JSON.stringify({ failed: String(e), status: e.status }));
    process.exitCode = 1;
  });

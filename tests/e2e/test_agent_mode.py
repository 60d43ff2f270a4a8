"""Agent mode of /v1/chat/completions: the server runs its own tools in the ReAct loop and
answers in the ordinary OpenAI shapes, within the caller's tool ACL; checked with raw HTTP
and with the official openai SDK."""

import json
import os
import subprocess
import time
import unittest
import urllib.request

from event_stream import EventStream
from fake_upstream import start_fake_upstream, write_config
from harness import Agentd, assert_error

HERE = os.path.dirname(os.path.abspath(__file__))

ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
}
QUESTION = [{"role": "user", "content": "what is 6*7"}]
CALCULATOR_ANSWER = 'The tool returned: {"expression":"6*7","result":42}'
USAGE_FIELDS = {"prompt_tokens", "completion_tokens", "total_tokens"}


def data_lines(body):
    return [line[len("data: "):] for line in body.decode().split("\n") if line.startswith("data: ")]


class AgentModeServer(unittest.TestCase):
    """agentd serving the fake models, its own fake upstream, and one signed-in user."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        cls.server = Agentd({**ENV, "AGENTD_CONFIG": write_config(cls, cls.upstream)}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    def chat(self, body, token=None):
        return self.server.request("POST", "/v1/chat/completions", body, token=token or self.token)

    def agent(self, token=None, agent=None, **fields):
        body = {"model": "fake-tool", "messages": QUESTION, "agent": agent or {"tools": "all"}, **fields}
        return self.chat(body, token)

    def create_key(self, **fields):
        r = self.server.request("POST", "/v1/auth/tokens", {"name": "agent", **fields}, token=self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["key"]

    def upstream_requests(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.upstream.port}/_requests") as r:
            return json.load(r)["data"]

    @staticmethod
    def offered_tools(request):
        return [t["function"]["name"] for t in request["body"].get("tools") or []]


class AgentMode(AgentModeServer):

    def test_every_model_call_carries_the_requests_sampling_settings(self):
        self.upstream.reset()
        r = self.agent(temperature=0.2, top_p=0.5, max_tokens=99, seed=3, user="end-user")
        self.assertEqual(r.status, 200, r.body)
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 2)
        for request in sent:
            body = request["body"]
            self.assertEqual((body.get("temperature"), body.get("top_p"), body.get("seed"), body.get("user")),
                             (0.2, 0.5, 3, "end-user"))
            self.assertEqual(body.get("max_tokens", body.get("max_completion_tokens")), 99)

    def test_non_stream_answer_comes_from_the_servers_calculator(self):
        self.upstream.reset()
        r = self.agent()
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["object"], "chat.completion")
        self.assertTrue(body["id"].startswith("chatcmpl-"))
        self.assertEqual(body["model"], "fake-tool")
        self.assertEqual(len(body["choices"]), 1)
        choice = body["choices"][0]
        self.assertEqual(choice["message"]["role"], "assistant")
        self.assertEqual(choice["message"]["content"], CALCULATOR_ANSWER)
        self.assertIn("42", choice["message"]["content"])
        self.assertFalse(choice["message"].get("tool_calls"))  # the server ran them itself
        self.assertEqual(choice["finish_reason"], "stop")

        # Two model calls: one offered the calculator, the next carried its result.
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 2)
        self.assertIn("calculator", self.offered_tools(sent[0]))
        second = sent[1]["body"]["messages"]
        self.assertEqual([m["role"] for m in second], ["user", "assistant", "tool"])
        self.assertEqual(json.loads(second[2]["content"]), {"expression": "6*7", "result": 42})

        # The usage is the sum of both calls: more than the first call alone.
        single = self.chat({"model": "fake-tool", "messages": QUESTION, "tools": [
            {"type": "function", "function": {"name": "calculator", "parameters": {"type": "object"}}}]})
        self.assertEqual(single.status, 200, single.body)
        one_call = single.json()["usage"]
        usage = body["usage"]
        self.assertEqual(set(usage), USAGE_FIELDS)
        self.assertEqual(usage["total_tokens"], usage["prompt_tokens"] + usage["completion_tokens"])
        self.assertGreater(usage["total_tokens"], one_call["total_tokens"])
        self.assertGreater(usage["prompt_tokens"], one_call["prompt_tokens"])
        self.assertGreater(usage["completion_tokens"], one_call["completion_tokens"])

    def test_stream_is_plain_completion_chunks(self):
        r = self.agent(stream=True, stream_options={"include_usage": True})
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.header("content-type").startswith("text/event-stream"))
        text = r.body.decode()
        self.assertNotIn("event:", text)  # no named run events leak into this mode
        events = data_lines(r.body)
        self.assertEqual(events[-1], "[DONE]")
        chunks = [json.loads(e) for e in events[:-1]]
        self.assertTrue(all(c["object"] == "chat.completion.chunk" for c in chunks), chunks)
        self.assertEqual(len({c["id"] for c in chunks}), 1)
        self.assertTrue(all(c["model"] == "fake-tool" for c in chunks))

        self.assertEqual(chunks[0]["choices"][0]["delta"].get("role"), "assistant")
        usage_chunk = chunks[-1]
        self.assertEqual(usage_chunk["choices"], [])
        self.assertEqual(set(usage_chunk["usage"]), USAGE_FIELDS)
        finish = chunks[-2]["choices"][0]
        self.assertEqual(finish["finish_reason"], "stop")
        self.assertFalse(finish["delta"].get("content"))
        middle = chunks[1:-2]
        self.assertTrue(middle)
        for chunk in middle:
            self.assertEqual(len(chunk["choices"]), 1)
            self.assertIsNone(chunk["choices"][0]["finish_reason"])
            self.assertNotIn("tool_calls", chunk["choices"][0]["delta"])
        content = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        self.assertEqual(content, CALCULATOR_ANSWER)

        # The same run without streaming reports the same summed usage.
        self.assertEqual(usage_chunk["usage"], self.agent().json()["usage"])

    def test_stream_without_usage_option_has_no_usage_chunk(self):
        r = self.agent(stream=True)
        events = data_lines(r.body)
        self.assertEqual(events[-1], "[DONE]")
        chunks = [json.loads(e) for e in events[:-1]]
        self.assertTrue(all(c["choices"] for c in chunks))
        self.assertTrue(all("usage" not in c or c["usage"] is None for c in chunks))
        self.assertEqual(chunks[-1]["choices"][0]["finish_reason"], "stop")

    def test_named_tool_list_and_step_limit(self):
        self.upstream.reset()
        r = self.agent(agent={"tools": ["calculator"], "max_steps": 1})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["choices"][0]["message"]["content"], CALCULATOR_ANSWER)
        # Past the step limit the last call offers no tools, so the model must answer.
        self.assertEqual([self.offered_tools(q) for q in self.upstream_requests()], [["calculator"], []])
        self.upstream.reset()
        none = self.agent(agent={"tools": []})
        self.assertEqual(none.status, 200, none.body)
        self.assertEqual(none.json()["choices"][0]["message"]["content"], "No tool needed for: what is 6*7")
        self.assertEqual([self.offered_tools(q) for q in self.upstream_requests()], [[]])

    def test_key_without_the_calculator_is_not_offered_it(self):
        no_tools = self.create_key(allowed_tools=[])
        self.upstream.reset()
        r = self.agent(token=no_tools)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["choices"][0]["message"]["content"], "No tool needed for: what is 6*7")
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 1)
        self.assertEqual(self.offered_tools(sent[0]), [])

        # "all" is every tool of the key's list, and nothing else.
        clock_only = self.create_key(allowed_tools=["current_time"])
        self.upstream.reset()
        hello = self.chat({"model": "fake-tool", "messages": [{"role": "user", "content": "hello"}],
                           "agent": {"tools": "all"}}, clock_only)
        self.assertEqual(hello.status, 200, hello.body)
        self.assertEqual([self.offered_tools(q) for q in self.upstream_requests()], [["current_time"]])

        # Asking for it by name is refused before anything runs.
        self.upstream.reset()
        for key in (no_tools, clock_only):
            denied = self.agent(token=key, agent={"tools": ["calculator"]})
            assert_error(self, denied, 403, "tool_not_allowed", "permission_error")
        self.assertEqual(self.upstream_requests(), [])

    def test_bad_agent_options_are_400(self):
        for agent in [{"tools": "some"}, {"tools": [5]}, {"max_steps": 51}, {"max_steps": "x"}, "yes"]:
            assert_error(self, self.agent(agent=agent), 400, type_="invalid_request_error")
        assert_error(self, self.agent(agent={"tools": ["no_such_tool"]}), 400, "tool_not_found")
        assert_error(self, self.chat({"model": "nope", "messages": QUESTION, "agent": {}}), 404,
                     "model_not_found")

    # Fails against the current server: agent.max_steps 0 is refused with param "max_steps"
    # and an unknown agent tool with param "tools" (the top-level client tool field), where
    # every other agent option error names "agent.max_steps" / "agent.tools".
    def test_agent_option_errors_name_the_agent_field(self):
        self.assertEqual(assert_error(self, self.agent(agent={"max_steps": 51}), 400)["param"],
                         "agent.max_steps")
        self.assertEqual(assert_error(self, self.agent(agent={"tools": "some"}), 400)["param"],
                         "agent.tools")
        self.assertEqual(assert_error(self, self.agent(agent={"max_steps": 0}), 400)["param"],
                         "agent.max_steps")
        self.assertEqual(assert_error(self, self.agent(agent={"tools": ["no_such_tool"]}), 400)["param"],
                         "agent.tools")

    def test_disconnect_cancels_the_upstream_request(self):
        before = self.upstream.stats()["cancelled_streams"]
        s = EventStream(self.server, "POST", "/v1/chat/completions", {
            "model": "fake-echo", "stream": True, "agent": {"tools": "all"},
            "messages": [{"role": "user", "content": "[fake:fake-slow-stream tokens=300 delay-ms=10] go"}]},
            token=self.token)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        first = json.loads(s.next_data())
        self.assertEqual(first["choices"][0]["delta"].get("role"), "assistant")
        words = json.loads(s.next_data())
        self.assertEqual(words["choices"][0]["delta"]["content"], "t0")
        left = time.time()
        s.disconnect()
        deadline = left + 2
        while time.time() < deadline and self.upstream.stats()["cancelled_streams"] == before:
            time.sleep(0.02)
        self.assertEqual(self.upstream.stats()["cancelled_streams"], before + 1)
        self.assertLess(time.time() - left, 1.5)


class AgentModeSdk(AgentModeServer):
    """The official npm `openai` client, unmodified, with "agent" as an extra body field."""

    def run_sdk(self, scenario, token=None):
        env = dict(os.environ, AGENTD_BASE_URL=f"http://127.0.0.1:{self.server.port}/v1",
                   AGENTD_TOKEN=token or self.token)
        out = subprocess.run(["node", os.path.join(HERE, "openai_sdk_agent.mjs"), scenario],
                             env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def test_non_stream(self):
        result = self.run_sdk("agent_complete")
        self.assertEqual(result["object"], "chat.completion")
        self.assertEqual(result["role"], "assistant")
        self.assertEqual(result["content"], CALCULATOR_ANSWER)
        self.assertIsNone(result["tool_calls"])
        self.assertEqual(result["finish_reason"], "stop")
        self.assertGreater(result["usage"]["total_tokens"], 0)

    def test_stream(self):
        result = self.run_sdk("agent_stream")
        self.assertEqual(result["objects"], ["chat.completion.chunk"])
        self.assertEqual(result["role"], "assistant")
        self.assertEqual(result["content"], CALCULATOR_ANSWER)
        self.assertEqual(result["final_content"], CALCULATOR_ANSWER)
        self.assertEqual(result["finish_reason"], "stop")
        self.assertEqual(result["tool_call_deltas"], 0)
        self.assertGreater(result["usage"]["total_tokens"], 0)

    def test_refused_tool_is_an_sdk_permission_error(self):
        created = self.server.request("POST", "/v1/auth/tokens", {"name": "sdk", "allowed_tools": []},
                                      token=self.token)
        result = self.run_sdk("agent_tool_not_allowed", token=created.json()["key"])
        self.assertEqual(result["error"], {"status": 403, "code": "tool_not_allowed",
                                           "type": "permission_error"})


if __name__ == "__main__":
    unittest.main()

"""Long conversations against an upstream that, like every real model, refuses a prompt over
its context window and checks that each tool call travels with its result: every turn
completes, the stored history stays whole, `truncation: disabled` fails clearly and the
conversation goes on; through both wire formats."""

import unittest

from fake_upstream import start_fake_upstream, write_config
from harness import Agentd

WINDOW = 1500  # tokens, as the fake upstream counts them (words)
PADDING = " ".join(["lorem ipsum dolor sit amet consectetur"] * 16)  # 96 words, 613 bytes

BASE_ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
}


def long_models(upstream):
    """Two models over the fake's ReAct driver with a small window, one per wire format."""
    lines = ""
    for name, provider in (("long-openai", "openai"), ("long-anthropic", "anthropic")):
        lines += (f"  - {{name: {name}, provider: {provider}, model: fake-tool, "
                  f"base_url: \"{upstream.base_url}\", api_key_env: FAKE_UPSTREAM_KEY, "
                  f"context_window: {WINDOW}, max_output_tokens: 100}}\n")
    return lines


def turn_text(n):
    """Every third turn asks for a calculation (a tool call and its result); the directive
    makes the fake refuse over-long prompts and check the message list."""
    ask = f"what is {n}*3" if n % 3 == 0 else f"note number {n}, nothing to calculate"
    return f"[fake:fake-tool strict=1 context={WINDOW}] {ask}. {PADDING}"


class LongConversations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream, long_models(cls.upstream))
        cls.server = Agentd({**BASE_ENV, "AGENTD_CONFIG": config}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    def create(self, **fields):
        created = self.server.request("POST", "/v1/conversations", fields, token=self.token)
        self.assertEqual(created.status, 201, created.body)
        return created.json()

    def send(self, conversation_id, message, **fields):
        response = self.server.request("POST", f"/v1/conversations/{conversation_id}/messages",
                                       {"message": message, **fields}, token=self.token,
                                       timeout=60)
        self.assertEqual(response.status, 200, response.body)
        return response.json()

    def stored(self, conversation_id):
        return self.server.request("GET", f"/v1/conversations/{conversation_id}",
                                   token=self.token).json()

    def talk(self, model, turns):
        conversation = self.create(model=model, system_prompt="Answer briefly.")
        self.assertEqual(conversation["truncation"], "auto")
        runs = []
        for n in range(turns):
            result = self.send(conversation["id"], turn_text(n))
            self.assertEqual(result["run"]["status"], "completed", (n, result["run"]))
            runs.append(result["run"])
        return conversation["id"], runs

    def assert_history_whole(self, conversation_id, turns):
        messages = self.stored(conversation_id)["messages"]
        users = [m for m in messages if m["role"] == "user"]
        self.assertEqual(len(users), turns)
        calls = sum(len(m.get("tool_calls", [])) for m in messages)
        results = [m for m in messages if m["role"] == "tool"]
        self.assertEqual(calls, len(results))
        self.assertEqual(calls, len(range(0, turns, 3)))
        # Every calculation was answered from the tool's result.
        self.assertTrue(all('"result"' in m["content"] for m in results))

    def assert_fitted(self, runs):
        last = runs[-1]
        self.assertGreater(last["messages_left_out"], 0, last)
        # A few turns fit in 1,500 tokens; the rest is left out, not sent.
        self.assertLess(last["messages_sent"], 30, last)
        run = self.server.request("GET", f"/v1/runs/{last['id']}", token=self.token).json()
        self.assertEqual((run["messages_sent"], run["messages_left_out"]),
                         (last["messages_sent"], last["messages_left_out"]))

    def test_a_hundred_turns_through_openai_all_complete(self):
        refused_before = self.upstream.stats()["context_refusals"]
        conversation_id, runs = self.talk("long-openai", 100)
        self.assert_history_whole(conversation_id, 100)
        self.assert_fitted(runs)
        # Unfitted, the prompt would pass the window from about turn 12 on; fitted, the
        # upstream never had to refuse one.
        self.assertEqual(self.upstream.stats()["context_refusals"], refused_before)

    def test_forty_turns_through_anthropic_all_complete(self):
        conversation_id, runs = self.talk("long-anthropic", 40)
        self.assert_history_whole(conversation_id, 40)
        self.assert_fitted(runs)

    def test_disabled_fails_clearly_and_the_conversation_goes_on(self):
        conversation = self.create(model="long-openai", truncation="disabled")
        self.assertEqual(conversation["truncation"], "disabled")
        failed = None
        for n in range(40):
            result = self.send(conversation["id"], turn_text(n))
            if result["run"]["status"] == "failed":
                failed = result["run"]
                break
            self.assertEqual(result["run"]["status"], "completed", result["run"])
            self.assertEqual(result["run"]["messages_left_out"], 0)
        self.assertIsNotNone(failed, "the window was never reached")
        self.assertIn("context_length_exceeded", failed["error"])
        self.assertIn("truncation is disabled", failed["error"])
        # Usable at once: the same conversation, with truncation for this turn.
        result = self.send(conversation["id"], turn_text(1), truncation="auto")
        self.assertEqual(result["run"]["status"], "completed", result["run"])
        self.assertGreater(result["run"]["messages_left_out"], 0)

    def test_the_gateway_and_agent_mode_answer_a_refusal_for_length_as_a_400(self):
        too_long = f"[fake:fake-tool context={WINDOW}] " + " ".join(["word"] * (WINDOW + 10))
        for extra in ({}, {"agent": {"tools": ["calculator"], "max_steps": 2}}):
            response = self.server.request(
                "POST", "/v1/chat/completions",
                {"model": "long-openai", "messages": [{"role": "user", "content": too_long}],
                 **extra}, token=self.token)
            self.assertEqual(response.status, 400, (extra, response.body))
            self.assertEqual(response.json()["error"]["code"], "context_length_exceeded")

    def test_an_unknown_truncation_is_a_400(self):
        response = self.server.request("POST", "/v1/conversations", {"truncation": "sometimes"},
                                       token=self.token)
        self.assertEqual(response.status, 400)
        self.assertEqual(response.json()["error"]["param"], "truncation")


if __name__ == "__main__":
    unittest.main()

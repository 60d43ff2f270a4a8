"""Conversations and runs against the real binary and the scripted upstream: run results,
stored history that is a valid OpenAI message list, the named event stream, cancellation
by disconnect, background runs followed through /events, one run at a time, ownership,
validation, paging, and recovery after a crash."""

import json
import os
import re
import shutil
import signal
import tempfile
import time
import unittest
import urllib.request

from event_stream import EventStream
from fake_upstream import FakeUpstream, start_fake_upstream, write_config
from harness import Agentd, assert_error, openai_messages

# Generous limits: these tests sign up several users and send many requests per minute.
BASE_ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
}

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
CONVERSATION_FIELDS = {"id", "title", "model", "status", "created_at", "updated_at", "message_count"}
MESSAGE_FIELDS = {"id", "role", "content", "tool_calls", "tool_call_id", "name", "created_at", "usage"}
USAGE_FIELDS = {"prompt_tokens", "completion_tokens", "total_tokens"}
CALCULATOR_ANSWER = 'The tool returned: {"expression":"6*7","result":42}'


def slow(tokens, delay_ms, text="a long answer please"):
    """A message the fake upstream answers with `tokens` words "t0 t1 …", one every
    `delay_ms` ms, whatever the model."""
    return f"[fake:fake-slow-stream tokens={tokens} delay-ms={delay_ms}] {text}"


def slow_text(tokens):
    return " ".join(f"t{i}" for i in range(tokens))


class ConversationServer(unittest.TestCase):
    """agentd serving the fake models, its own fake upstream, and one signed-in user."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        cls.env = {**BASE_ENV, "AGENTD_CONFIG": write_config(cls, cls.upstream)}
        cls.server = Agentd(cls.env).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    # --- calls -------------------------------------------------------------------------
    def create(self, body=None, token=None):
        return self.server.request("POST", "/v1/conversations", body if body is not None else {},
                                   token=token or self.token)

    def new_conversation(self, token=None, **fields):
        r = self.create(fields, token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def send(self, conversation_id, body, token=None):
        return self.server.request("POST", f"/v1/conversations/{conversation_id}/messages", body,
                                   token=token or self.token)

    def get(self, conversation_id, token=None):
        return self.server.request("GET", f"/v1/conversations/{conversation_id}",
                                   token=token or self.token)

    def stored(self, conversation_id):
        r = self.get(conversation_id)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def stream(self, conversation_id, body, token=None):
        s = EventStream(self.server, "POST", f"/v1/conversations/{conversation_id}/messages",
                        {**body, "stream": True}, token=token or self.token)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.headers["content-type"].startswith("text/event-stream"))
        return s

    def follow(self, conversation_id, last_event_id=None, token=None):
        headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
        s = EventStream(self.server, "GET", f"/v1/conversations/{conversation_id}/events",
                        token=token or self.token, headers=headers)
        self.addCleanup(s.close)
        return s

    def chat(self, body):
        return self.server.request("POST", "/v1/chat/completions", body, token=self.token)

    def upstream_requests(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.upstream.port}/_requests") as r:
            return json.load(r)["data"]

    def wait_for(self, predicate, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return time.time()
            time.sleep(0.02)
        self.fail(f"not within {timeout}s: {what}")

    def wait_idle(self, conversation_id, timeout=5):
        self.wait_for(lambda: self.stored(conversation_id)["status"] == "idle", timeout,
                      f"conversation {conversation_id} idle")

    # --- shapes ------------------------------------------------------------------------
    def assert_conversation_shape(self, conversation):
        self.assertTrue(CONVERSATION_FIELDS <= set(conversation), conversation)
        self.assertIn(conversation["status"], {"idle", "running", "awaiting_approval"})
        self.assertRegex(conversation["created_at"], RFC3339_UTC)
        self.assertRegex(conversation["updated_at"], RFC3339_UTC)
        self.assertIsInstance(conversation["message_count"], int)

    def assert_message_shape(self, message):
        self.assertTrue({"id", "role", "content", "created_at"} <= set(message), message)
        self.assertTrue(set(message) <= MESSAGE_FIELDS, message)
        self.assertRegex(message["created_at"], RFC3339_UTC)
        if "usage" in message:
            self.assertEqual(set(message["usage"]), USAGE_FIELDS)

    def assert_run_result(self, result, status="completed"):
        self.assertEqual(set(result) - {"conversation"}, {"run", "message", "pending_approvals"})
        run = result["run"]
        self.assertTrue({"id", "status", "steps", "usage"} <= set(run), run)
        self.assertTrue(run["id"])
        self.assertEqual(run["status"], status, result)
        self.assertIsInstance(run["steps"], int)
        self.assertEqual(set(run["usage"]), USAGE_FIELDS)
        self.assertEqual(result["pending_approvals"], [])
        if result["message"] is not None:
            self.assert_message_shape(result["message"])
            self.assertEqual(result["message"]["role"], "assistant")


class Runs(ConversationServer):
    """Non-streamed runs: the result, the stored history, and that history's validity."""

    def test_calculator_question_runs_the_tool_and_stores_a_valid_history(self):
        conversation_id = self.new_conversation(model="fake-tool")
        r = self.send(conversation_id, {"message": "  what   is\n6*7  "})
        self.assertEqual(r.status, 200, r.body)
        result = r.json()
        self.assert_run_result(result)
        self.assertEqual(result["run"]["steps"], 2)  # the call that asked for the tool, then the answer
        self.assertIn("42", result["message"]["content"])
        self.assertEqual(result["message"]["content"], CALCULATOR_ANSWER)

        conversation = self.stored(conversation_id)
        self.assert_conversation_shape(conversation)
        self.assertEqual(conversation["status"], "idle")
        self.assertEqual(conversation["title"], "what is 6*7")  # whitespace collapsed
        self.assertEqual(conversation["model"], "fake-tool")
        messages = conversation["messages"]
        self.assertEqual(conversation["message_count"], len(messages))
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "assistant"])
        for message in messages:
            self.assert_message_shape(message)
        self.assertEqual(len({m["id"] for m in messages}), 4)
        user, asked, answered, final = messages
        self.assertEqual(user["content"], "  what   is\n6*7  ")
        self.assertNotIn("tool_calls", user)
        self.assertEqual(len(asked["tool_calls"]), 1)
        call = asked["tool_calls"][0]
        self.assertEqual(call["type"], "function")
        self.assertEqual(call["function"]["name"], "calculator")
        self.assertEqual(json.loads(call["function"]["arguments"]), {"expression": "6*7"})
        self.assertTrue(call["id"])
        self.assertEqual(answered["tool_call_id"], call["id"])
        self.assertEqual(answered["name"], "calculator")
        self.assertEqual(json.loads(answered["content"]), {"expression": "6*7", "result": 42})
        self.assertEqual(final["id"], result["message"]["id"])
        self.assertEqual(final["content"], result["message"]["content"])
        self.assertNotIn("tool_calls", final)
        # The run's usage is that of its two model calls together.
        total = {k: asked["usage"][k] + final["usage"][k] for k in USAGE_FIELDS}
        self.assertEqual(result["run"]["usage"], total)
        self.assertGreater(result["run"]["usage"]["total_tokens"], final["usage"]["total_tokens"])

        # The stored history, sent as is, passes an upstream that validates message lists...
        history = openai_messages(messages)
        accepted = self.chat({"model": "fake-strict", "messages": history})
        self.assertEqual(accepted.status, 200, accepted.body)
        self.assertEqual(accepted.json()["choices"][0]["message"]["content"], "ok")
        # ...which does reject a list whose tool call went unanswered.
        broken = self.chat({"model": "fake-strict", "messages": [history[0], history[1], history[3]]})
        self.assertNotEqual(broken.status, 200, broken.body)

    def test_next_turn_sends_the_whole_history_in_a_valid_form(self):
        conversation_id = self.new_conversation(model="fake-tool", system_prompt="Answer briefly.")
        first = self.send(conversation_id, {"message": "what is 6*7"})
        self.assertEqual(first.status, 200, first.body)
        self.upstream.reset()
        # strict=1: the upstream validates the list the agent sends before answering.
        second = self.send(conversation_id, {"message": "[fake:fake-tool strict=1] what is 2+3"})
        self.assertEqual(second.status, 200, second.body)
        self.assert_run_result(second.json())
        self.assertEqual(second.json()["message"]["content"],
                         'The tool returned: {"expression":"2+3","result":5}')
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 2)
        final_request = sent[-1]["body"]["messages"]
        self.assertEqual(final_request[0], {"role": "system", "content": "Answer briefly."})
        self.assertEqual([m["role"] for m in final_request],
                         ["system", "user", "assistant", "tool", "assistant",
                          "user", "assistant", "tool"])
        self.assertEqual(self.stored(conversation_id)["message_count"], 8)

    def test_parallel_tool_calls_are_all_answered_in_order(self):
        conversation_id = self.new_conversation(model="fake-tool-parallel")
        r = self.send(conversation_id, {"message": "what is 6*7 and 2+3"})
        self.assertEqual(r.status, 200, r.body)
        result = r.json()
        self.assert_run_result(result)
        self.assertEqual(result["message"]["content"],
                         'The tools returned: {"expression":"6*7","result":42}; '
                         '{"expression":"2+3","result":5}')
        messages = self.stored(conversation_id)["messages"]
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "tool", "assistant"])
        calls = messages[1]["tool_calls"]
        self.assertEqual([json.loads(c["function"]["arguments"])["expression"] for c in calls],
                         ["6*7", "2+3"])
        self.assertEqual([m["tool_call_id"] for m in messages[2:4]], [c["id"] for c in calls])
        self.assertEqual(len({c["id"] for c in calls}), 2)
        accepted = self.chat({"model": "fake-strict", "messages": openai_messages(messages)})
        self.assertEqual(accepted.status, 200, accepted.body)

    def test_create_with_a_message_runs_the_agent(self):
        r = self.create({"model": "fake-tool", "message": "what is 6*7"})
        self.assertEqual(r.status, 201, r.body)
        body = r.json()
        self.assert_run_result(body)
        self.assertEqual(body["message"]["content"], CALCULATOR_ANSWER)
        conversation = body["conversation"]
        self.assert_conversation_shape(conversation)
        self.assertEqual(conversation["status"], "idle")
        self.assertEqual(conversation["title"], "what is 6*7")
        self.assertEqual(conversation["message_count"], 4)
        self.assertEqual(self.stored(conversation["id"])["message_count"], 4)

    def test_create_without_a_message_is_an_empty_conversation(self):
        r = self.create({"title": "Planning", "model": "fake-echo"})
        self.assertEqual(r.status, 201, r.body)
        conversation = r.json()
        self.assert_conversation_shape(conversation)
        self.assertNotIn("run", conversation)
        self.assertEqual((conversation["title"], conversation["model"], conversation["status"],
                          conversation["message_count"]), ("Planning", "fake-echo", "idle", 0))
        self.assertEqual(self.stored(conversation["id"])["messages"], [])
        # A given title is kept; the first message does not replace it.
        self.assertEqual(self.send(conversation["id"], {"message": "hello"}).status, 200)
        self.assertEqual(self.stored(conversation["id"])["title"], "Planning")

    def test_long_first_message_gives_a_short_title(self):
        r = self.create({"model": "fake-echo", "message": "word " * 40})
        self.assertEqual(r.status, 201, r.body)
        title = r.json()["conversation"]["title"]
        self.assertTrue(title.startswith("word word"), title)
        self.assertTrue(title.endswith("\u2026"), title)
        self.assertLessEqual(len(title.encode()), 80)

    def test_model_named_in_the_message_overrides_the_conversations(self):
        conversation_id = self.new_conversation(model="fake-echo")
        r = self.send(conversation_id, {"message": "what is 6*7", "model": "fake-tool"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["message"]["content"], CALCULATOR_ANSWER)
        echoed = self.send(conversation_id, {"message": "what is 6*7"})
        self.assertEqual(echoed.json()["message"]["content"], "echo: what is 6*7")

    def test_tools_list_limits_the_offered_tools(self):
        conversation_id = self.new_conversation(model="fake-tool")
        self.upstream.reset()
        r = self.send(conversation_id, {"message": "what is 6*7", "tools": []})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["message"]["content"], "No tool needed for: what is 6*7")
        self.assertEqual(r.json()["run"]["steps"], 1)
        self.assertFalse(self.upstream_requests()[0]["body"].get("tools"))


class Events(ConversationServer):
    """The named SSE stream of a run, and following a run through /events."""

    def test_streamed_run_sends_the_documented_events_in_order(self):
        conversation_id = self.new_conversation(model="fake-tool")
        events = self.stream(conversation_id, {"message": "what is 6*7"}).events()
        names = [e["event"] for e in events]
        deltas = names.count("message.delta")
        self.assertGreaterEqual(deltas, 1, names)
        self.assertEqual(names, ["run.started", "tool_call.started", "tool_call.completed"]
                         + ["message.delta"] * deltas + ["run.completed"])
        self.assertEqual([e["id"] for e in events], list(range(1, len(events) + 1)))

        started, call, done = (e["data"] for e in events[:3])
        completed = events[-1]["data"]
        self.assertTrue({"id", "status", "steps", "usage"} <= set(started["run"]), started)
        self.assertEqual(started["run"]["id"], completed["run"]["id"])
        self.assertEqual(set(call), {"tool_call_id", "name", "arguments"})
        self.assertEqual(call["name"], "calculator")
        self.assertEqual(json.loads(call["arguments"]), {"expression": "6*7"})
        self.assertTrue({"tool_call_id", "name", "status", "duration_ms"} <= set(done), done)
        self.assertEqual((done["tool_call_id"], done["name"], done["status"]),
                         (call["tool_call_id"], "calculator", "ok"))
        self.assertEqual(done["result"], {"expression": "6*7", "result": 42})
        for delta in events[3:-1]:
            self.assertEqual(set(delta["data"]), {"content"})
        text = "".join(e["data"]["content"] for e in events[3:-1])
        self.assertEqual(text, CALCULATOR_ANSWER)
        self.assert_run_result(completed)
        self.assertEqual(completed["message"]["content"], text)

        stored = self.stored(conversation_id)
        self.assertEqual(stored["status"], "idle")
        self.assertEqual(stored["messages"][-1]["id"], completed["message"]["id"])
        self.assertEqual(stored["messages"][1]["tool_calls"][0]["id"], call["tool_call_id"])

    def test_events_replay_the_last_run_from_the_start_or_after_an_id(self):
        conversation_id = self.new_conversation(model="fake-tool")
        original = self.stream(conversation_id, {"message": "what is 6*7"}).events()
        everything = self.follow(conversation_id).events()
        self.assertEqual([(e["id"], e["event"], e["data"]) for e in everything],
                         [(e["id"], e["event"], e["data"]) for e in original])
        after_three = self.follow(conversation_id, last_event_id=3).events()
        self.assertEqual([e["id"] for e in after_three], [e["id"] for e in original[3:]])
        self.assertEqual(after_three[-1]["event"], "run.completed")

    def test_events_of_a_conversation_without_runs_is_404(self):
        conversation_id = self.new_conversation()
        r = self.server.request("GET", f"/v1/conversations/{conversation_id}/events", token=self.token)
        assert_error(self, r, 404)

    def test_bad_last_event_id_is_400(self):
        conversation_id = self.new_conversation(model="fake-tool")
        self.assertEqual(self.send(conversation_id, {"message": "what is 6*7"}).status, 200)
        for garbage in ["abc", "-1", "3x", "1.5"]:
            r = self.server.request("GET", f"/v1/conversations/{conversation_id}/events",
                                    headers={"Last-Event-ID": garbage}, token=self.token)
            error = assert_error(self, r, 400, type_="invalid_request_error")
            self.assertEqual(error["param"], "Last-Event-ID", garbage)


class Streaming(ConversationServer):
    """What a client's going does to a run, background runs, and one run at a time."""

    def cancelled(self):
        return self.upstream.stats()["cancelled_streams"]

    def start_and_leave(self, conversation_id):
        """Starts a 3 s streamed answer, leaves after its first words; returns them."""
        s = self.stream(conversation_id, {"message": slow(300, 10)})
        seen = s.events_until("message.delta")
        self.assertEqual([e["event"] for e in seen], ["run.started", "message.delta"])
        s.disconnect()
        return seen[-1]["data"]["content"]

    def test_disconnect_cancels_the_upstream_request_and_frees_the_conversation(self):
        conversation_id = self.new_conversation(model="fake-echo")
        before = self.cancelled()
        self.start_and_leave(conversation_id)
        left = time.time()

        # The upstream request is abandoned at once (the whole answer would take 3 s).
        noticed = self.wait_for(lambda: self.cancelled() == before + 1, 2, "upstream cancelled")
        self.assertLess(noticed - left, 1.5)
        self.wait_idle(conversation_id, timeout=3)

        # The conversation takes the next message at once.
        after = self.send(conversation_id, {"message": "again"})
        self.assertEqual(after.status, 200, after.body)
        self.assertEqual(after.json()["message"]["content"], "echo: again")
        self.assertEqual(self.stored(conversation_id)["messages"][-1]["content"], "echo: again")
        self.assertEqual(self.cancelled(), before + 1)

    # Fails against the current server: a disconnect during the model's answer ends the run
    # with an `error` event {"code":"cancelled","type":"api_error"} (the run is stored as
    # failed) and the words already streamed are dropped from the conversation.
    def test_disconnected_run_is_cancelled_and_keeps_the_partial_answer(self):
        conversation_id = self.new_conversation(model="fake-echo")
        shown = self.start_and_leave(conversation_id)
        self.wait_idle(conversation_id, timeout=3)

        # The run ended as cancelled, with what had been produced so far.
        replay = self.follow(conversation_id).events()
        self.assertEqual(replay[-1]["event"], "run.completed", replay[-1])
        result = replay[-1]["data"]
        self.assert_run_result(result, status="cancelled")
        partial = result["message"]["content"]
        self.assertTrue(partial.startswith(shown), (partial, shown))
        self.assertTrue(slow_text(300).startswith(partial), partial)
        self.assertLess(len(partial), len(slow_text(300)))

        stored = self.stored(conversation_id)
        self.assertEqual([m["role"] for m in stored["messages"]], ["user", "assistant"])
        self.assertEqual(stored["messages"][-1]["content"], partial)
        self.assertEqual(stored["message_count"], 2)

    def test_background_run_outlives_its_client_and_can_be_followed(self):
        conversation_id = self.new_conversation(model="fake-echo")
        before = self.cancelled()
        s = self.stream(conversation_id, {"message": slow(30, 20), "background": True})
        seen = s.events_until("message.delta")
        last_id = seen[-1]["id"]
        s.disconnect()

        rest = self.follow(conversation_id, last_event_id=last_id).events()
        self.assertEqual([e["id"] for e in rest], list(range(last_id + 1, last_id + 1 + len(rest))))
        self.assertEqual(rest[-1]["event"], "run.completed")
        self.assertEqual([e["event"] for e in rest[:-1]], ["message.delta"] * (len(rest) - 1))
        result = rest[-1]["data"]
        self.assert_run_result(result)
        text = "".join(e["data"]["content"] for e in seen + rest if e["event"] == "message.delta")
        self.assertEqual(text, slow_text(30))
        self.assertEqual(result["message"]["content"], slow_text(30))

        self.wait_idle(conversation_id)
        self.assertEqual(self.stored(conversation_id)["messages"][-1]["content"], slow_text(30))
        self.assertEqual(self.cancelled(), before)

    def test_a_follower_leaving_does_not_cancel_the_run(self):
        conversation_id = self.new_conversation(model="fake-echo")
        before = self.cancelled()
        owner = self.stream(conversation_id, {"message": slow(30, 20)})
        owner.events_until("run.started")
        follower = self.follow(conversation_id)
        self.assertEqual(follower.status, 200)
        follower.events_until("message.delta")
        follower.disconnect()
        events = owner.events()
        self.assertEqual(events[-1]["event"], "run.completed")
        self.assertEqual(events[-1]["data"]["run"]["status"], "completed")
        self.assertEqual(events[-1]["data"]["message"]["content"], slow_text(30))
        self.assertEqual(self.cancelled(), before)

    def test_second_message_during_a_run_is_409(self):
        conversation_id = self.new_conversation(model="fake-tool")
        s = self.stream(conversation_id, {"message": slow(300, 10)})
        s.events_until("run.started")
        self.assertEqual(self.stored(conversation_id)["status"], "running")
        busy = self.send(conversation_id, {"message": "what is 6*7"})
        assert_error(self, busy, 409, "run_in_progress", "invalid_request_error")
        busy_stream = self.send(conversation_id, {"message": "what is 6*7", "stream": True})
        assert_error(self, busy_stream, 409, "run_in_progress")
        # The refused message was not stored.
        self.assertEqual([m["role"] for m in self.stored(conversation_id)["messages"]], ["user"])
        s.disconnect()
        self.wait_idle(conversation_id)
        accepted = self.send(conversation_id, {"message": "what is 6*7"})
        self.assertEqual(accepted.status, 200, accepted.body)


class Ownership(ConversationServer):
    """A conversation is its owner's alone; anonymous callers get nothing."""

    def test_another_user_cannot_see_or_touch_a_conversation(self):
        created = self.create({"model": "fake-tool", "message": "what is 6*7"})
        conversation_id = created.json()["conversation"]["id"]
        other = self.server.sign_up()["access_token"]
        path = f"/v1/conversations/{conversation_id}"
        attempts = [
            self.server.request("GET", path, token=other),
            self.server.request("DELETE", path, token=other),
            self.server.request("POST", path + "/messages", {"message": "mine now"}, token=other),
            self.server.request("POST", path + "/messages", {"message": "x", "stream": True}, token=other),
            self.server.request("GET", path + "/events", token=other),
        ]
        for r in attempts:
            assert_error(self, r, 404, type_="invalid_request_error")
        listed = self.server.request("GET", "/v1/conversations", token=other)
        self.assertEqual(listed.status, 200, listed.body)
        self.assertNotIn(conversation_id, [c["id"] for c in listed.json()["data"]])
        # Nothing changed for the owner.
        mine = self.stored(conversation_id)
        self.assertEqual(mine["message_count"], 4)
        self.assertEqual(self.server.request("GET", path + "/events", token=self.token).status, 200)

    def test_unauthenticated_calls_are_401(self):
        conversation_id = self.new_conversation()
        path = f"/v1/conversations/{conversation_id}"
        for method, target, body in [("GET", "/v1/conversations", None),
                                     ("POST", "/v1/conversations", {"message": "hi"}),
                                     ("GET", path, None), ("DELETE", path, None),
                                     ("POST", path + "/messages", {"message": "hi"}),
                                     ("GET", path + "/events", None)]:
            r = self.server.request(method, target, body)
            assert_error(self, r, 401, type_="authentication_error")
        self.assertEqual(self.stored(conversation_id)["message_count"], 0)

    def test_an_api_key_reaches_its_users_conversations(self):
        conversation_id = self.new_conversation()
        created = self.server.request("POST", "/v1/auth/tokens", {"name": "conv"}, token=self.token)
        key = created.json()["key"]
        r = self.server.request("GET", f"/v1/conversations/{conversation_id}", token=key)
        self.assertEqual(r.status, 200, r.body)


class Validation(ConversationServer):
    """Bad requests, paging and deletion."""

    def test_bad_message_bodies_are_rejected(self):
        conversation_id = self.new_conversation(model="fake-tool")
        path = f"/v1/conversations/{conversation_id}/messages"
        cases = [
            ({"message": ""}, 400, "message", None),
            ({}, 400, "message", None),
            ({"message": 5}, 400, "message", None),
            ({"message": "hi", "model": "no-such-model"}, 404, "model", "model_not_found"),
            ({"message": "hi", "tools": ["no_such_tool"]}, 400, "tools", "tool_not_found"),
            ({"message": "hi", "tools": "calculator"}, 400, "tools", None),
            ({"message": "hi", "max_steps": 0}, 400, "max_steps", None),
            ({"message": "hi", "max_steps": -3}, 400, "max_steps", None),
            ({"message": "hi", "max_steps": "many"}, 400, "max_steps", None),
            ({"message": "hi", "stream": "yes"}, 400, "stream", None),
        ]
        for body, status, param, code in cases:
            error = assert_error(self, self.send(conversation_id, body), status, code)
            self.assertEqual(error["param"], param, body)
        malformed = self.server.request("POST", path, raw=b'{"message": "hi"',
                                        headers={"Content-Type": "application/json"}, token=self.token)
        assert_error(self, malformed, 400, type_="invalid_request_error")
        not_object = self.server.request("POST", path, raw=b'["hi"]',
                                         headers={"Content-Type": "application/json"}, token=self.token)
        assert_error(self, not_object, 400)
        # None of them started a run or stored a message.
        stored = self.stored(conversation_id)
        self.assertEqual((stored["status"], stored["message_count"]), ("idle", 0))

    def test_bad_create_bodies_are_rejected(self):
        before = self.server.request("GET", "/v1/conversations?limit=100", token=self.token).json()["data"]
        assert_error(self, self.create({"message": ""}), 400)
        assert_error(self, self.create({"model": "no-such-model"}), 404, "model_not_found")
        assert_error(self, self.create({"title": 7}), 400)
        malformed = self.server.request("POST", "/v1/conversations", raw=b"{",
                                        headers={"Content-Type": "application/json"}, token=self.token)
        assert_error(self, malformed, 400)
        after = self.server.request("GET", "/v1/conversations?limit=100", token=self.token).json()["data"]
        self.assertEqual(after, before)

    def test_unknown_conversation_is_404(self):
        for method, suffix, body in [("GET", "", None), ("DELETE", "", None),
                                     ("POST", "/messages", {"message": "hi"}), ("GET", "/events", None)]:
            r = self.server.request(method, f"/v1/conversations/no-such-id{suffix}", body, token=self.token)
            assert_error(self, r, 404)

    def test_list_is_newest_first_and_pages_with_limit_and_after(self):
        token = self.server.sign_up()["access_token"]
        ids = [self.new_conversation(token=token, title=f"c{i}") for i in range(3)]
        newest_first = list(reversed(ids))

        def page(query):
            r = self.server.request("GET", "/v1/conversations" + query, token=token)
            self.assertEqual(r.status, 200, r.body)
            return r.json()

        everything = page("")
        self.assertEqual(everything["object"], "list")
        self.assertEqual([c["id"] for c in everything["data"]], newest_first)
        self.assertFalse(everything["has_more"])
        for conversation in everything["data"]:
            self.assert_conversation_shape(conversation)
            self.assertNotIn("messages", conversation)

        first = page("?limit=2")
        self.assertEqual([c["id"] for c in first["data"]], newest_first[:2])
        self.assertTrue(first["has_more"])
        second = page(f"?limit=2&after={first['data'][-1]['id']}")
        self.assertEqual([c["id"] for c in second["data"]], newest_first[2:])
        self.assertFalse(second["has_more"])
        exact = page("?limit=3")
        self.assertEqual(len(exact["data"]), 3)
        self.assertFalse(exact["has_more"])
        assert_error(self, self.server.request("GET", "/v1/conversations?limit=abc", token=token), 400)

    def test_an_unknown_cursor_is_400_on_every_list(self):
        token = self.server.sign_up()["access_token"]
        stranger = self.server.sign_up()["access_token"]
        mine = self.new_conversation(token=token)
        theirs = self.new_conversation(token=stranger)

        def new_key(owner):
            r = self.server.request("POST", "/v1/auth/tokens", {"name": "cursor"}, token=owner)
            self.assertEqual(r.status, 201, r.body)
            return r.json()["id"]

        my_key, their_key = new_key(token), new_key(stranger)
        # Made-up ids, ids of another list, and the stranger's ids (their existence is private)
        # are all unknown cursors.
        unknown = [("/v1/conversations?", "no-such-id"), ("/v1/conversations?", my_key),
                   ("/v1/conversations?", theirs),
                   ("/v1/auth/tokens?", "no-such-id"), ("/v1/auth/tokens?", mine),
                   ("/v1/auth/tokens?", their_key),
                   ("/v1/approvals?", "no-such-id"), ("/v1/approvals?status=pending&", mine),
                   ("/v1/tools?", "no_such_tool"), ("/v1/tools?", mine)]
        for path, after in unknown:
            with self.subTest(path=path, after=after):
                r = self.server.request("GET", f"{path}after={after}", token=token)
                error = assert_error(self, r, 400, "invalid_cursor", "invalid_request_error")
                self.assertEqual(error["param"], "after")
        # A cursor the list holds still pages.
        for path, after in [("/v1/conversations?", mine), ("/v1/auth/tokens?", my_key),
                            ("/v1/tools?", "calculator")]:
            with self.subTest(path=path, after=after):
                r = self.server.request("GET", f"{path}after={after}", token=token)
                self.assertEqual(r.status, 200, r.body)

    def test_a_conversation_created_without_a_model_shows_the_default_model(self):
        conversation_id = self.new_conversation(title="no model named")
        self.assertEqual(self.stored(conversation_id)["model"], "fake-echo")
        listed = self.server.request("GET", "/v1/conversations?limit=100", token=self.token).json()
        [conversation] = [c for c in listed["data"] if c["id"] == conversation_id]
        self.assertEqual(conversation["model"], "fake-echo")

    def test_without_any_model_on_the_server_the_model_stays_empty(self):
        no_models = {**BASE_ENV, "AGENTD_CONFIG": None, "AGENTD_DEFAULT_MODEL": None,
                     "OPENAI_API_KEY": None, "ANTHROPIC_API_KEY": None}
        with Agentd(no_models) as server:
            token = server.sign_up()["access_token"]
            r = server.request("POST", "/v1/conversations", {"title": "nothing to run"}, token=token)
            self.assertEqual(r.status, 201, r.body)
            self.assertEqual(r.json()["model"], "")

    def test_delete_is_204_then_404(self):
        conversation_id = self.create({"model": "fake-echo", "message": "hi"}).json()["conversation"]["id"]
        path = f"/v1/conversations/{conversation_id}"
        deleted = self.server.request("DELETE", path, token=self.token)
        self.assertEqual(deleted.status, 204, deleted.body)
        self.assertEqual(deleted.body, b"")
        assert_error(self, self.get(conversation_id), 404)
        assert_error(self, self.server.request("DELETE", path, token=self.token), 404)
        assert_error(self, self.send(conversation_id, {"message": "hi"}), 404)
        assert_error(self, self.server.request("GET", path + "/events", token=self.token), 404)
        listed = self.server.request("GET", "/v1/conversations?limit=100", token=self.token).json()
        self.assertNotIn(conversation_id, [c["id"] for c in listed["data"]])


class CrashRecovery(unittest.TestCase):
    """A run cut short by kill -9 is taken over (at the next start on SQLite, once its lease
    runs out on PostgreSQL), finished from its last checkpoint, and frees its conversation."""

    def test_conversation_is_usable_after_a_kill_during_a_run(self):
        upstream = FakeUpstream()
        self.addCleanup(upstream.process.stdout.close)
        self.addCleanup(upstream.stop)
        config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        config.write(upstream.config_yaml())
        config.close()
        self.addCleanup(os.unlink, config.name)
        data_dir = tempfile.mkdtemp(prefix="agentd-e2e-crash-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        env = {**BASE_ENV, "AGENTD_CONFIG": config.name}

        first = Agentd(env, data_dir=data_dir).start()
        self.addCleanup(first.stop)
        token = first.sign_up()["access_token"]
        created = first.request("POST", "/v1/conversations", {"model": "fake-tool"}, token=token)
        conversation_id = created.json()["id"]
        s = EventStream(first, "POST", f"/v1/conversations/{conversation_id}/messages",
                        {"message": slow(300, 10), "stream": True}, token=token)
        self.addCleanup(s.close)
        s.events_until("message.delta")
        during = first.request("GET", f"/v1/conversations/{conversation_id}", token=token).json()
        self.assertEqual(during["status"], "running")
        first.stop(signal.SIGKILL)
        self.assertEqual(first.process.returncode, -signal.SIGKILL)

        second = Agentd(env, data_dir=data_dir).start()
        self.addCleanup(second.stop)
        deadline = time.time() + 30
        while True:
            listed = second.request("GET", "/v1/conversations", token=token)
            self.assertEqual(listed.status, 200, listed.body)
            listed_ids = {c["id"]: c for c in listed.json()["data"]}
            self.assertIn(conversation_id, listed_ids)
            if listed_ids[conversation_id]["status"] == "idle" or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(listed_ids[conversation_id]["status"], "idle")
        got = second.request("GET", f"/v1/conversations/{conversation_id}", token=token)
        self.assertEqual(got.status, 200, got.body)
        self.assertEqual(got.json()["status"], "idle")
        self.assertEqual(got.json()["messages"][0]["role"], "user")
        runs = second.request("GET", f"/v1/conversations/{conversation_id}/runs",
                              token=token).json()["data"]
        self.assertEqual(runs[0]["attempts"], 2)
        self.assertEqual(runs[0]["status"], "completed")

        upstream.reset()
        r = second.request("POST", f"/v1/conversations/{conversation_id}/messages",
                           {"message": "[fake:fake-tool strict=1] what is 6*7"}, token=token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["run"]["status"], "completed")
        self.assertEqual(r.json()["message"]["content"], CALCULATOR_ANSWER)
        after = second.request("GET", f"/v1/conversations/{conversation_id}", token=token).json()
        self.assertEqual(after["status"], "idle")
        self.assertEqual(after["messages"][-1]["content"], CALCULATOR_ANSWER)


class GracefulShutdown(unittest.TestCase):
    """SIGTERM lets a background run finish within the shutdown deadline, and no longer."""

    def setUp(self):
        self.upstream = FakeUpstream()
        self.addCleanup(self.upstream.process.stdout.close)
        self.addCleanup(self.upstream.stop)
        config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        config.write(self.upstream.config_yaml())
        config.close()
        self.addCleanup(os.unlink, config.name)
        self.data_dir = tempfile.mkdtemp(prefix="agentd-e2e-shutdown-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.env = {**BASE_ENV, "AGENTD_CONFIG": config.name}

    def stop_during_background_run(self, message, shutdown_timeout_ms):
        """Starts a background run, leaves it, sends SIGTERM; returns the conversation id,
        the exit code and how long the exit took."""
        env = {**self.env, "AGENTD_SHUTDOWN_TIMEOUT_MS": str(shutdown_timeout_ms)}
        first = Agentd(env, data_dir=self.data_dir).start()
        self.addCleanup(first.stop)
        self.token = first.sign_up()["access_token"]
        created = first.request("POST", "/v1/conversations", {"model": "fake-echo"},
                                token=self.token)
        conversation_id = created.json()["id"]
        s = EventStream(first, "POST", f"/v1/conversations/{conversation_id}/messages",
                        {"message": message, "stream": True, "background": True},
                        token=self.token)
        self.addCleanup(s.close)
        s.events_until("message.delta")
        s.disconnect()
        started = time.time()
        code = first.stop(signal.SIGTERM)
        return conversation_id, code, time.time() - started

    def stored_after_restart(self, conversation_id):
        second = Agentd(self.env, data_dir=self.data_dir).start()
        self.addCleanup(second.stop)
        got = second.request("GET", f"/v1/conversations/{conversation_id}", token=self.token)
        self.assertEqual(got.status, 200, got.body)
        return got.json()

    def test_a_background_run_finishes_before_the_server_exits(self):
        conversation_id, code, _ = self.stop_during_background_run(slow(30, 20), 10_000)
        self.assertEqual(code, 0)
        stored = self.stored_after_restart(conversation_id)
        self.assertEqual(stored["status"], "idle")
        self.assertEqual([m["role"] for m in stored["messages"]], ["user", "assistant"])
        self.assertEqual(stored["messages"][-1]["content"], slow_text(30))

    def test_a_run_longer_than_the_deadline_does_not_hold_the_exit(self):
        # 300 words, 20 ms apart: 6 s, against a 500 ms deadline.
        conversation_id, code, took = self.stop_during_background_run(slow(300, 20), 500)
        self.assertEqual(code, 0)
        self.assertLess(took, 4)
        second = Agentd(self.env, data_dir=self.data_dir).start()
        self.addCleanup(second.stop)
        # The next start takes the run over from its last checkpoint and finishes it.
        deadline = time.time() + 30
        while True:
            got = second.request("GET", f"/v1/conversations/{conversation_id}", token=self.token)
            self.assertEqual(got.status, 200, got.body)
            if got.json()["status"] == "idle" or time.time() > deadline:
                break
            time.sleep(0.2)
        stored = got.json()
        self.assertEqual(stored["status"], "idle")
        self.assertEqual(stored["messages"][-1]["content"], slow_text(300))
        runs = second.request("GET", f"/v1/conversations/{conversation_id}/runs",
                              token=self.token).json()["data"]
        self.assertEqual(runs[0]["status"], "completed")
        self.assertEqual(runs[0]["attempts"], 2)

if __name__ == "__main__":
    unittest.main()

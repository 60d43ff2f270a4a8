"""Human in the loop against the real binary and the scripted upstream: a run that pauses
for a person's approval, the approvals inbox, approving, rejecting and editing the paused
calls, the refusals of the approve call, approvals that expire, and a paused run that
outlives a kill -9.

The fake upstream's fake-tool answers with text as soon as the last message is a tool
result, and every call of one model turn names the same tool; so a single run can neither
pause twice nor mix a free tool and an approval-needing tool in one turn. Those cases are
covered across turns of one conversation instead."""

import datetime
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import unittest
import urllib.request

from event_stream import EventStream
from fake_upstream import FakeUpstream, start_fake_upstream, write_config
from harness import Agentd, assert_error, openai_messages

BASE_ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
}
# The calculator needs a person's approval on every call.
CALCULATOR_NEEDS_APPROVAL = "tools:\n  calculator:\n    requires_approval: true\n"

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
APPROVAL_FIELDS = {"id", "conversation_id", "run_id", "tool_call_id", "tool", "arguments",
                   "status", "created_at", "expires_at"}
USAGE_FIELDS = {"prompt_tokens", "completion_tokens", "total_tokens"}
# Every model call of a run started with this message is checked by the upstream, which
# answers 400 to an invalid message list (the directive stays the last user text while the
# run is paused and resumed).
STRICT = "[fake:fake-tool strict=1] "
CALCULATOR_ANSWER = 'The tool returned: {"expression":"6*7","result":42}'


def answer_for(expression, result):
    return 'The tool returned: {"expression":"%s","result":%s}' % (expression, result)


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Client:
    """Calls and checks shared by the test classes; `self.server`, `self.upstream` and
    `self.token` are set by each class."""

    # --- calls -------------------------------------------------------------------------
    def new_conversation(self, token=None, model="fake-tool", server=None):
        r = (server or self.server).request("POST", "/v1/conversations", {"model": model},
                                            token=token or self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def send(self, conversation_id, body, token=None, server=None):
        return (server or self.server).request("POST", f"/v1/conversations/{conversation_id}/messages",
                                               body, token=token or self.token)

    def approve(self, conversation_id, body, token=None, server=None):
        return (server or self.server).request("POST", f"/v1/conversations/{conversation_id}/approve",
                                               body, token=token or self.token)

    def stored(self, conversation_id, token=None, server=None):
        r = (server or self.server).request("GET", f"/v1/conversations/{conversation_id}",
                                            token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def inbox(self, status=None, token=None, server=None, limit=100):
        query = f"?limit={limit}" + (f"&status={status}" if status else "")
        r = (server or self.server).request("GET", "/v1/approvals" + query, token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["object"], "list")
        self.assertIsInstance(body["has_more"], bool)
        return body["data"]

    def inbox_ids(self, status=None, token=None, server=None):
        return [a["id"] for a in self.inbox(status, token, server)]

    def upstream_requests(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.upstream.port}/_requests") as r:
            return json.load(r)["data"]

    def pause(self, conversation_id, message="what is 6*7", token=None, server=None, calls=1):
        """Sends a message the model answers with calls needing approval; returns the
        RunResult after checking it is a pause."""
        r = self.send(conversation_id, {"message": message}, token, server)
        self.assertEqual(r.status, 200, r.body)
        result = r.json()
        self.assert_paused_result(result, conversation_id, calls)
        return result

    def assert_paused_now(self, conversation_id, approval_ids, message_count, token=None, server=None):
        """Nothing was decided: the conversation still waits on the same pending calls."""
        conversation = self.stored(conversation_id, token, server)
        self.assertEqual(conversation["status"], "awaiting_approval")
        self.assertEqual(conversation["message_count"], message_count)
        self.assertEqual(len(conversation["messages"]), message_count)
        self.assertNotIn("tool", [m["role"] for m in conversation["messages"]])
        pending = self.inbox_ids("pending", token, server)
        for approval_id in approval_ids:
            self.assertIn(approval_id, pending)

    # --- shapes ------------------------------------------------------------------------
    def assert_approval_shape(self, approval, status):
        self.assertTrue(APPROVAL_FIELDS <= set(approval), approval)
        self.assertEqual(approval["status"], status, approval)
        for field in ("id", "conversation_id", "run_id", "tool_call_id", "tool"):
            self.assertIsInstance(approval[field], str)
            self.assertTrue(approval[field], field)
        self.assertRegex(approval["created_at"], RFC3339_UTC)
        self.assertRegex(approval["expires_at"], RFC3339_UTC)
        self.assertGreater(approval["expires_at"], approval["created_at"])
        if status == "pending":
            self.assertNotIn("decided_at", approval)
        elif status in ("approved", "rejected"):
            self.assertRegex(approval["decided_at"], RFC3339_UTC)

    def assert_paused_result(self, result, conversation_id, calls=1):
        self.assertEqual(set(result) - {"conversation"}, {"run", "message", "pending_approvals"})
        run = result["run"]
        self.assertTrue({"id", "status", "steps", "usage"} <= set(run), run)
        self.assertEqual(run["status"], "awaiting_approval", result)
        self.assertEqual(run["steps"], 1)
        self.assertEqual(set(run["usage"]), USAGE_FIELDS)
        # The message is the model's turn asking for the calls.
        message = result["message"]
        self.assertEqual(message["role"], "assistant")
        self.assertEqual(len(message["tool_calls"]), calls)
        approvals = result["pending_approvals"]
        self.assertEqual(len(approvals), calls)
        for approval, call in zip(approvals, message["tool_calls"]):
            self.assert_approval_shape(approval, "pending")
            self.assertEqual(approval["conversation_id"], conversation_id)
            self.assertEqual(approval["run_id"], run["id"])
            self.assertEqual(approval["tool_call_id"], call["id"])
            self.assertEqual(approval["tool"], call["function"]["name"])
            self.assertEqual(json.loads(approval["arguments"]), json.loads(call["function"]["arguments"]))
        self.assertEqual(len({a["id"] for a in approvals}), calls)

    def assert_completed(self, response, content=None):
        self.assertEqual(response.status, 200, response.body)
        result = response.json()
        self.assertEqual(result["run"]["status"], "completed", result)
        self.assertEqual(result["pending_approvals"], [])
        self.assertEqual(result["message"]["role"], "assistant")
        self.assertNotIn("tool_calls", result["message"])
        if content is not None:
            self.assertEqual(result["message"]["content"], content)
        return result

    def tool_messages(self, messages, tool_call_id):
        return [m for m in messages if m["role"] == "tool" and m.get("tool_call_id") == tool_call_id]

    def assert_valid_history(self, conversation_id, token=None, server=None):
        """The stored messages, sent back as an OpenAI message list, pass an upstream that
        validates message lists; returns them."""
        server = server or self.server
        conversation = self.stored(conversation_id, token, server)
        self.assertEqual(conversation["status"], "idle")
        messages = conversation["messages"]
        self.assertEqual(conversation["message_count"], len(messages))
        history = openai_messages(messages)
        for message in history:
            for call in message.get("tool_calls", []):
                self.assertEqual(call["type"], "function")
        # The last user text picks the behaviour: fake-strict validates, then says "ok".
        history.append({"role": "user", "content": "[fake:fake-strict] check"})
        r = server.request("POST", "/v1/chat/completions",
                           {"model": "fake-strict", "messages": history}, token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["choices"][0]["message"]["content"], "ok")
        return messages


class ApprovalServer(Client, unittest.TestCase):
    """agentd whose calculator needs approval, its own fake upstream, one signed-in user."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream, CALCULATOR_NEEDS_APPROVAL)
        cls.server = Agentd({**BASE_ENV, "AGENTD_CONFIG": config}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]


class PauseAndApprove(ApprovalServer):
    """The pause, the inbox, and each way of deciding."""

    def test_paused_run_is_listed_then_approved_runs_the_tool_once(self):
        conversation_id = self.new_conversation()
        result = self.pause(conversation_id, STRICT + "what is 6*7")
        approval = result["pending_approvals"][0]
        call = result["message"]["tool_calls"][0]
        self.assertEqual(approval["tool"], "calculator")
        self.assertEqual(json.loads(approval["arguments"]), {"expression": "6*7"})
        self.assertEqual(call["type"], "function")

        # Paused: the tool has not run, the conversation waits, the inbox shows the call.
        conversation = self.stored(conversation_id)
        self.assertEqual(conversation["status"], "awaiting_approval")
        self.assertEqual([m["role"] for m in conversation["messages"]], ["user", "assistant"])
        self.assertEqual(conversation["messages"][1]["id"], result["message"]["id"])
        listed = {a["id"]: a for a in self.inbox("pending")}
        self.assertIn(approval["id"], listed)
        self.assertEqual(listed[approval["id"]], approval)
        self.assertIn(approval["id"], self.inbox_ids())
        for other in ("approved", "rejected", "expired"):
            self.assertNotIn(approval["id"], self.inbox_ids(other))

        # A new message meanwhile is refused and not stored.
        busy = self.send(conversation_id, {"message": "what is 2+3"})
        assert_error(self, busy, 409, "run_in_progress", "invalid_request_error")
        self.assertEqual(self.stored(conversation_id)["message_count"], 2)

        self.upstream.reset()
        r = self.approve(conversation_id, {"decisions": [{"tool_call_id": call["id"], "approved": True}]})
        done = self.assert_completed(r, CALCULATOR_ANSWER)
        self.assertEqual(done["run"]["id"], result["run"]["id"])
        self.assertEqual(done["message"]["content"].count("42"), 1)

        # One model call after the approval, seeing the one tool result (and checked by the
        # upstream, which would have answered 400 to an invalid list).
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 1)
        self.assertEqual([m["role"] for m in sent[0]["body"]["messages"]].count("tool"), 1)

        messages = self.assert_valid_history(conversation_id)
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "assistant"])
        answered = self.tool_messages(messages, call["id"])
        self.assertEqual(len(answered), 1)
        self.assertEqual(json.loads(answered[0]["content"]), {"expression": "6*7", "result": 42})
        self.assertEqual(messages[-1]["id"], done["message"]["id"])

        approved = {a["id"]: a for a in self.inbox("approved")}
        self.assertIn(approval["id"], approved)
        self.assert_approval_shape(approved[approval["id"]], "approved")
        self.assertNotIn(approval["id"], self.inbox_ids("pending"))
        # Decided already: a second approval is refused and changes nothing.
        again = self.approve(conversation_id, {"decisions": [{"tool_call_id": call["id"], "approved": True}]})
        assert_error(self, again, 409, "not_awaiting_approval", "invalid_request_error")
        self.assertEqual(self.stored(conversation_id)["message_count"], 4)

    def test_streamed_pause_and_streamed_approval(self):
        conversation_id = self.new_conversation()
        s = EventStream(self.server, "POST", f"/v1/conversations/{conversation_id}/messages",
                        {"message": "what is 6*7", "stream": True}, token=self.token)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.headers["content-type"].startswith("text/event-stream"))
        events = s.events()
        names = [e["event"] for e in events]
        self.assertEqual(names, ["run.started", "approval.required", "run.completed"])
        self.assertEqual([e["id"] for e in events], list(range(1, len(events) + 1)))
        required = events[1]["data"]
        self.assertEqual(set(required), {"approvals"})
        self.assertEqual(len(required["approvals"]), 1)
        paused = events[-1]["data"]
        self.assert_paused_result(paused, conversation_id)
        self.assertEqual(required["approvals"], paused["pending_approvals"])
        self.assertEqual(events[0]["data"]["run"]["id"], paused["run"]["id"])
        self.assertEqual(self.stored(conversation_id)["status"], "awaiting_approval")
        call_id = paused["pending_approvals"][0]["tool_call_id"]

        s = EventStream(self.server, "POST", f"/v1/conversations/{conversation_id}/approve",
                        {"approved": True, "stream": True}, token=self.token)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.headers["content-type"].startswith("text/event-stream"))
        events = s.events()
        names = [e["event"] for e in events]
        deltas = names.count("message.delta")
        self.assertGreaterEqual(deltas, 1, names)
        self.assertEqual(names, ["run.started", "tool_call.started", "tool_call.completed"]
                         + ["message.delta"] * deltas + ["run.completed"])
        started, done = events[1]["data"], events[2]["data"]
        self.assertEqual((started["tool_call_id"], started["name"]), (call_id, "calculator"))
        self.assertEqual((done["tool_call_id"], done["status"]), (call_id, "ok"))
        self.assertEqual(done["result"], {"expression": "6*7", "result": 42})
        completed = events[-1]["data"]
        self.assertEqual(completed["run"]["status"], "completed")
        self.assertEqual(completed["run"]["id"], paused["run"]["id"])
        self.assertEqual(completed["pending_approvals"], [])
        self.assertEqual(completed["message"]["content"], CALCULATOR_ANSWER)
        self.assertEqual("".join(e["data"]["content"] for e in events[3:-1]), CALCULATOR_ANSWER)
        messages = self.assert_valid_history(conversation_id)
        self.assertEqual(len(self.tool_messages(messages, call_id)), 1)

    def test_rejected_call_is_answered_with_the_rejection_and_its_reason(self):
        conversation_id = self.new_conversation()
        result = self.pause(conversation_id, STRICT + "what is 6*7")
        approval = result["pending_approvals"][0]
        r = self.approve(conversation_id, {"decisions": [{
            "tool_call_id": approval["tool_call_id"], "approved": False,
            "reason": "not on a Sunday"}]})
        done = self.assert_completed(r)
        self.assertNotIn("42", done["message"]["content"])

        messages = self.assert_valid_history(conversation_id)
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "assistant"])
        answered = self.tool_messages(messages, approval["tool_call_id"])
        self.assertEqual(len(answered), 1)
        content = answered[0]["content"]
        self.assertIn("reject", content.lower())
        self.assertIn("not on a Sunday", content)
        self.assertNotIn("42", content)
        # The model's final answer follows the rejection and saw it.
        self.assertEqual(messages[-1]["id"], done["message"]["id"])
        self.assertEqual(done["message"]["content"], "The tool returned: " + content)

        rejected = {a["id"]: a for a in self.inbox("rejected")}
        self.assertIn(approval["id"], rejected)
        self.assert_approval_shape(rejected[approval["id"]], "rejected")
        self.assertNotIn(approval["id"], self.inbox_ids("pending") + self.inbox_ids("approved"))

    def test_edited_arguments_run_instead_of_the_models(self):
        for arguments, expression, result in [({"expression": "2+2"}, "2+2", 4),
                                              ('{"expression":"3*3"}', "3*3", 9)]:
            with self.subTest(arguments=arguments):
                conversation_id = self.new_conversation()
                call_id = self.pause(conversation_id)["pending_approvals"][0]["tool_call_id"]
                r = self.approve(conversation_id, {"decisions": [{
                    "tool_call_id": call_id, "approved": True, "arguments": arguments}]})
                done = self.assert_completed(r, answer_for(expression, result))
                self.assertNotIn("42", done["message"]["content"])
                messages = self.assert_valid_history(conversation_id)
                answered = self.tool_messages(messages, call_id)
                self.assertEqual(len(answered), 1)
                self.assertEqual(json.loads(answered[0]["content"]),
                                 {"expression": expression, "result": result})

    def test_invalid_edited_arguments_are_400_and_change_nothing(self):
        conversation_id = self.new_conversation()
        result = self.pause(conversation_id)
        approval = result["pending_approvals"][0]
        self.upstream.reset()
        for arguments in [{"expression": 5}, {"expression": "2+2", "extra": True}, {},
                          "not json", "[1, 2]", [1, 2]]:
            with self.subTest(arguments=arguments):
                r = self.approve(conversation_id, {"decisions": [{
                    "tool_call_id": approval["tool_call_id"], "approved": True, "arguments": arguments}]})
                assert_error(self, r, 400, type_="invalid_request_error")
                self.assert_paused_now(conversation_id, [approval["id"]], 2)
        self.assertEqual(self.upstream.stats()["requests"], 0)
        # Still decidable, with the model's own arguments.
        r = self.approve(conversation_id, {"approved": True})
        self.assert_completed(r, CALCULATOR_ANSWER)
        self.assert_valid_history(conversation_id)

    def test_mixed_decisions_on_parallel_calls(self):
        conversation_id = self.new_conversation(model="fake-tool-parallel")
        result = self.pause(conversation_id, STRICT.replace("fake-tool", "fake-tool-parallel")
                            + "what is 6*7 and 2+3", calls=2)
        first, second = result["pending_approvals"]
        self.assertEqual([json.loads(a["arguments"])["expression"] for a in (first, second)], ["6*7", "2+3"])
        r = self.approve(conversation_id, {"decisions": [
            {"tool_call_id": second["tool_call_id"], "approved": False, "reason": "too easy"},
            {"tool_call_id": first["tool_call_id"], "approved": True}]})
        done = self.assert_completed(r)
        content = done["message"]["content"]
        self.assertTrue(content.startswith('The tools returned: {"expression":"6*7","result":42}; '), content)
        self.assertNotIn('"result":5', content)
        self.assertIn("too easy", content)

        messages = self.assert_valid_history(conversation_id)
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "tool", "assistant"])
        # Tool messages in the order the model asked.
        self.assertEqual([m["tool_call_id"] for m in messages[2:4]],
                         [first["tool_call_id"], second["tool_call_id"]])
        self.assertEqual(json.loads(messages[2]["content"]), {"expression": "6*7", "result": 42})
        self.assertIn("too easy", messages[3]["content"])
        self.assertIn("reject", messages[3]["content"].lower())
        self.assertIn(first["id"], self.inbox_ids("approved"))
        self.assertIn(second["id"], self.inbox_ids("rejected"))

    def test_short_form_decides_every_pending_call(self):
        conversation_id = self.new_conversation(model="fake-tool-parallel")
        result = self.pause(conversation_id, "what is 6*7 and 2+3", calls=2)
        r = self.approve(conversation_id, {"approved": True})
        self.assert_completed(r, 'The tools returned: {"expression":"6*7","result":42}; '
                                 '{"expression":"2+3","result":5}')
        messages = self.assert_valid_history(conversation_id)
        approved = self.inbox_ids("approved")
        for approval in result["pending_approvals"]:
            self.assertEqual(len(self.tool_messages(messages, approval["tool_call_id"])), 1)
            self.assertIn(approval["id"], approved)

        # The short rejection, with a reason, answers every call with it.
        conversation_id = self.new_conversation(model="fake-tool-parallel")
        result = self.pause(conversation_id, "what is 6*7 and 2+3", calls=2)
        r = self.approve(conversation_id, {"approved": False, "reason": "no tools today"})
        done = self.assert_completed(r)
        self.assertNotIn('"result"', done["message"]["content"])
        messages = self.assert_valid_history(conversation_id)
        rejected = self.inbox_ids("rejected")
        for approval in result["pending_approvals"]:
            answered = self.tool_messages(messages, approval["tool_call_id"])
            self.assertEqual(len(answered), 1)
            self.assertIn("no tools today", answered[0]["content"])
            self.assertIn(approval["id"], rejected)

    def test_unknown_tool_call_is_400(self):
        conversation_id = self.new_conversation()
        approval = self.pause(conversation_id)["pending_approvals"][0]
        for decisions in ([{"tool_call_id": "call_nobody_made", "approved": True}],
                          [{"tool_call_id": approval["tool_call_id"], "approved": True},
                           {"tool_call_id": "call_nobody_made", "approved": False}]):
            r = self.approve(conversation_id, {"decisions": decisions})
            assert_error(self, r, 400, "unknown_tool_call", "invalid_request_error")
            self.assert_paused_now(conversation_id, [approval["id"]], 2)
        self.assert_completed(self.approve(conversation_id, {"approved": True}), CALCULATOR_ANSWER)

    def test_incomplete_decisions_are_400(self):
        conversation_id = self.new_conversation(model="fake-tool-parallel")
        first, second = self.pause(conversation_id, "what is 6*7 and 2+3", calls=2)["pending_approvals"]
        for decided in (first, second):
            r = self.approve(conversation_id, {"decisions": [
                {"tool_call_id": decided["tool_call_id"], "approved": True}]})
            assert_error(self, r, 400, "decisions_incomplete", "invalid_request_error")
            self.assert_paused_now(conversation_id, [first["id"], second["id"]], 2)
        r = self.approve(conversation_id, {"decisions": [
            {"tool_call_id": first["tool_call_id"], "approved": True},
            {"tool_call_id": second["tool_call_id"], "approved": True}]})
        self.assert_completed(r)
        self.assert_valid_history(conversation_id)

    def test_another_users_approval_is_404_and_not_in_their_inbox(self):
        conversation_id = self.new_conversation()
        approval = self.pause(conversation_id)["pending_approvals"][0]
        other = self.server.sign_up()["access_token"]
        for body in ({"approved": True},
                     {"decisions": [{"tool_call_id": approval["tool_call_id"], "approved": True}]},
                     {"approved": False, "reason": "mine"}):
            assert_error(self, self.approve(conversation_id, body, token=other), 404,
                         type_="invalid_request_error")
        for status in (None, "pending", "approved", "rejected", "expired"):
            self.assertEqual(self.inbox(status, token=other), [], status)
        self.assert_paused_now(conversation_id, [approval["id"]], 2)
        self.assert_completed(self.approve(conversation_id, {"approved": True}), CALCULATOR_ANSWER)

    def test_approve_with_nothing_pending_is_409(self):
        empty = self.new_conversation()
        answered = self.new_conversation(model="fake-echo")
        self.assertEqual(self.send(answered, {"message": "hello"}).status, 200)
        for conversation_id in (empty, answered):
            for body in ({"approved": True}, {"decisions": [{"tool_call_id": "call_x", "approved": True}]}):
                r = self.approve(conversation_id, body)
                assert_error(self, r, 409, "not_awaiting_approval", "invalid_request_error")
        self.assertEqual(self.stored(answered)["message_count"], 2)
        self.assertEqual(self.stored(empty)["message_count"], 0)
        assert_error(self, self.approve("no-such-conversation", {"approved": True}), 404)

    def test_two_concurrent_approvals_run_the_tool_once(self):
        conversation_id = self.new_conversation()
        approval = self.pause(conversation_id)["pending_approvals"][0]
        barrier = threading.Barrier(2)
        responses = [None, None]

        def decide(index):
            barrier.wait()
            responses[index] = self.approve(conversation_id, {"approved": True})

        threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        statuses = sorted(r.status for r in responses)
        self.assertEqual(statuses, [200, 409], [r.body for r in responses])
        winner = next(r for r in responses if r.status == 200)
        loser = next(r for r in responses if r.status == 409)
        self.assert_completed(winner, CALCULATOR_ANSWER)
        assert_error(self, loser, 409, "not_awaiting_approval")
        messages = self.assert_valid_history(conversation_id)
        self.assertEqual(len(self.tool_messages(messages, approval["tool_call_id"])), 1)
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "assistant"])

    def test_conversation_pauses_again_on_a_later_turn(self):
        conversation_id = self.new_conversation()
        first = self.pause(conversation_id)["pending_approvals"][0]
        self.assert_completed(self.approve(conversation_id, {"approved": True}), CALCULATOR_ANSWER)
        second_result = self.pause(conversation_id, STRICT + "what is 2+3")
        second = second_result["pending_approvals"][0]
        self.assertNotEqual(second["id"], first["id"])
        self.assertNotEqual(second["run_id"], first["run_id"])
        self.assertNotEqual(second["tool_call_id"], first["tool_call_id"])
        self.assertEqual(json.loads(second["arguments"]), {"expression": "2+3"})
        self.assertEqual(self.stored(conversation_id)["status"], "awaiting_approval")
        pending = self.inbox_ids("pending")
        self.assertIn(second["id"], pending)
        self.assertNotIn(first["id"], pending)
        self.assertIn(first["id"], self.inbox_ids("approved"))

        self.assert_completed(self.approve(conversation_id, {"approved": True}), answer_for("2+3", 5))
        messages = self.assert_valid_history(conversation_id)
        self.assertEqual([m["role"] for m in messages],
                         ["user", "assistant", "tool", "assistant"] * 2)
        for approval in (first, second):
            self.assertEqual(len(self.tool_messages(messages, approval["tool_call_id"])), 1)

    def test_inbox_is_newest_first_pages_and_checks_its_filter(self):
        token = self.server.sign_up()["access_token"]
        ids = []
        for _ in range(3):
            conversation_id = self.new_conversation(token=token)
            ids.append(self.pause(conversation_id, token=token)["pending_approvals"][0]["id"])
        newest_first = list(reversed(ids))
        self.assertEqual(self.inbox_ids("pending", token=token), newest_first)
        self.assertEqual(self.inbox_ids(token=token), newest_first)
        r = self.server.request("GET", "/v1/approvals?status=pending&limit=2", token=token)
        self.assertEqual(r.status, 200, r.body)
        page = r.json()
        self.assertEqual([a["id"] for a in page["data"]], newest_first[:2])
        self.assertTrue(page["has_more"])
        r = self.server.request("GET", f"/v1/approvals?status=pending&limit=2&after={newest_first[1]}",
                                token=token)
        self.assertEqual([a["id"] for a in r.json()["data"]], newest_first[2:])
        self.assertFalse(r.json()["has_more"])
        bad = self.server.request("GET", "/v1/approvals?status=maybe", token=token)
        error = assert_error(self, bad, 400, type_="invalid_request_error")
        self.assertEqual(error["param"], "status")
        assert_error(self, self.server.request("GET", "/v1/approvals"), 401, type_="authentication_error")


class PerKeyApproval(Client, unittest.TestCase):
    """No tool needs approval by configuration; one API key lists the calculator."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream, "")
        cls.server = Agentd({**BASE_ENV, "AGENTD_CONFIG": config}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.user_token = cls.server.sign_up()["access_token"]
        created = cls.server.request("POST", "/v1/auth/tokens",
                                     {"name": "careful", "approval_required_tools": ["calculator"]},
                                     token=cls.user_token)
        if created.status != 201:
            raise RuntimeError(f"creating the key: {created.status} {created.body!r}")
        cls.token = created.json()["key"]

    def test_only_the_listed_tool_waits_and_only_for_that_key(self):
        conversation_id = self.new_conversation()
        # current_time needs no approval: it runs at once.
        r = self.send(conversation_id, {"message": 'call current_time {"timezone":"UTC"}'})
        done = self.assert_completed(r)
        self.assertEqual(done["run"]["steps"], 2)
        messages = self.stored(conversation_id)["messages"]
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "assistant"])
        self.assertEqual(messages[2]["name"], "current_time")
        self.assertNotIn("error", json.loads(messages[2]["content"]))

        # The calculator waits, for this key.
        result = self.pause(conversation_id, STRICT + "what is 6*7")
        approval = result["pending_approvals"][0]
        self.assertEqual(approval["tool"], "calculator")
        self.assertIn(approval["id"], self.inbox_ids("pending"))
        self.assertIn(approval["id"], self.inbox_ids("pending", token=self.user_token))
        # The key may not decide what its own list made wait; its owner, signed in, may.
        refused = self.approve(conversation_id, {"approved": True})
        assert_error(self, refused, 403, "approval_not_allowed", "permission_error")
        self.assert_completed(self.approve(conversation_id, {"approved": True}, token=self.user_token),
                              CALCULATOR_ANSWER)
        messages = self.assert_valid_history(conversation_id)
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "assistant"] * 2)
        self.assertEqual(len(self.tool_messages(messages, approval["tool_call_id"])), 1)

        # The same user without that key is not asked.
        plain = self.new_conversation(token=self.user_token)
        r = self.send(plain, {"message": "what is 6*7"}, token=self.user_token)
        self.assert_completed(r, CALCULATOR_ANSWER)


class Expiry(Client, unittest.TestCase):
    """Approvals that live 2 seconds."""

    TTL = 2

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream, CALCULATOR_NEEDS_APPROVAL)
        cls.server = Agentd({**BASE_ENV, "AGENTD_CONFIG": config,
                             "AGENTD_APPROVAL_TTL": str(cls.TTL)}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]
        cls.paused = {}
        for name in ("message", "short", "explicit"):
            conversation = cls.server.request("POST", "/v1/conversations", {"model": "fake-tool"},
                                              token=cls.token).json()["id"]
            r = cls.server.request("POST", f"/v1/conversations/{conversation}/messages",
                                   {"message": "what is 6*7"}, token=cls.token)
            if r.status != 200 or r.json()["run"]["status"] != "awaiting_approval":
                raise RuntimeError(f"no pause: {r.status} {r.body!r}")
            cls.paused[name] = (conversation, r.json()["pending_approvals"][0])
        cls.paused_at = time.time()
        listed = cls.server.request("GET", "/v1/approvals?status=pending", token=cls.token)
        cls.pending_before = [a["id"] for a in listed.json()["data"]]

    def setUp(self):
        # Every test runs after the approvals' time is up.
        remaining = self.paused_at + self.TTL + 0.5 - time.time()
        if remaining > 0:
            time.sleep(remaining)

    def approval_ids(self):
        return [approval["id"] for _, approval in self.paused.values()]

    def test_expired_approvals_are_listed_as_expired_not_pending(self):
        for approval_id in self.approval_ids():
            self.assertIn(approval_id, self.pending_before)
        pending = self.inbox_ids("pending")
        expired = {a["id"]: a for a in self.inbox("expired")}
        everything = {a["id"]: a for a in self.inbox()}
        conversation_id, approval = self.paused["message"]
        self.assertNotIn(approval["id"], pending)
        self.assertIn(approval["id"], expired)
        self.assert_approval_shape(expired[approval["id"]], "expired")
        lifetime = (parse_time(approval["expires_at"]) - parse_time(approval["created_at"])).total_seconds()
        self.assertAlmostEqual(lifetime, self.TTL, delta=1)
        self.assertEqual(everything[approval["id"]]["status"], "expired")
        self.assertNotIn(approval["id"], self.inbox_ids("approved") + self.inbox_ids("rejected"))

    def test_new_message_is_accepted_once_every_approval_expired(self):
        conversation_id, approval = self.paused["message"]
        r = self.send(conversation_id, {"message": "[fake:fake-strict] hello again"})
        # fake-strict answers "ok" only to a valid message list.
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["run"]["status"], "completed", r.body)
        self.assertEqual(r.json()["message"]["content"], "ok")
        messages = self.assert_valid_history(conversation_id)
        answered = self.tool_messages(messages, approval["tool_call_id"])
        self.assertEqual(len(answered), 1)
        self.assertIn("expired", answered[0]["content"])
        self.assertNotIn("42", answered[0]["content"])
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "user", "assistant"])
        self.assertIn(approval["id"], self.inbox_ids("expired"))
        assert_error(self, self.approve(conversation_id, {"approved": True}), 409, "not_awaiting_approval")

    def test_approving_after_expiry_rejects_the_expired_calls(self):
        conversation_id, approval = self.paused["short"]
        r = self.approve(conversation_id, {"approved": True})
        done = self.assert_completed(r)
        self.assertNotIn("42", done["message"]["content"])
        messages = self.assert_valid_history(conversation_id)
        answered = self.tool_messages(messages, approval["tool_call_id"])
        self.assertEqual(len(answered), 1)
        self.assertIn("expired", answered[0]["content"])
        self.assertNotIn('"result"', answered[0]["content"])
        self.assertIn(approval["id"], self.inbox_ids("expired"))
        self.assertNotIn(approval["id"], self.inbox_ids("approved"))

    # Fails against the current server: an explicit {"tool_call_id", "approved": true}
    # decision for an expired call runs the tool (the answer holds 42) and the approval is
    # then listed as approved.
    def test_an_explicit_approval_of_an_expired_call_does_not_run_it(self):
        conversation_id, approval = self.paused["explicit"]
        r = self.approve(conversation_id, {"decisions": [
            {"tool_call_id": approval["tool_call_id"], "approved": True}]})
        if r.status == 200:
            done = self.assert_completed(r)
            self.assertNotIn("42", done["message"]["content"])
            messages = self.assert_valid_history(conversation_id)
            answered = self.tool_messages(messages, approval["tool_call_id"])
            self.assertEqual(len(answered), 1)
            self.assertIn("expired", answered[0]["content"])
            self.assertNotIn('"result"', answered[0]["content"])
        else:
            # Refusing the late decision outright is also correct, as long as nothing ran.
            self.assertIn(r.status, (400, 409), r.body)
            assert_error(self, r, r.status)
            messages = self.stored(conversation_id)["messages"]
            self.assertNotIn("42", json.dumps(messages[2:]))
        self.assertNotIn(approval["id"], self.inbox_ids("approved"))


class CrashRecovery(Client, unittest.TestCase):
    """A paused run survives kill -9: after the restart it is still waiting and resumes."""

    def test_paused_run_survives_a_kill_and_resumes(self):
        self.upstream = FakeUpstream()
        self.addCleanup(self.upstream.process.stdout.close)
        self.addCleanup(self.upstream.stop)
        config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        config.write(self.upstream.config_yaml() + CALCULATOR_NEEDS_APPROVAL)
        config.close()
        self.addCleanup(os.unlink, config.name)
        data_dir = tempfile.mkdtemp(prefix="agentd-e2e-approval-crash-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        env = {**BASE_ENV, "AGENTD_CONFIG": config.name}

        first = Agentd(env, data_dir=data_dir).start()
        self.addCleanup(first.stop)
        self.server = first
        self.token = first.sign_up()["access_token"]
        conversation_id = self.new_conversation()
        result = self.pause(conversation_id, STRICT + "what is 6*7")
        approval = result["pending_approvals"][0]
        first.stop(signal.SIGKILL)
        self.assertEqual(first.process.returncode, -signal.SIGKILL)

        second = Agentd(env, data_dir=data_dir).start()
        self.addCleanup(second.stop)
        self.server = second
        listed = {a["id"]: a for a in self.inbox("pending")}
        self.assertIn(approval["id"], listed)
        self.assertEqual(listed[approval["id"]], approval)
        conversation = self.stored(conversation_id)
        self.assertEqual(conversation["status"], "awaiting_approval")
        self.assertEqual([m["role"] for m in conversation["messages"]], ["user", "assistant"])
        assert_error(self, self.send(conversation_id, {"message": "what is 2+3"}), 409, "run_in_progress")

        self.upstream.reset()
        r = self.approve(conversation_id, {"decisions": [
            {"tool_call_id": approval["tool_call_id"], "approved": True}]})
        done = self.assert_completed(r, CALCULATOR_ANSWER)
        self.assertEqual(done["run"]["id"], result["run"]["id"])
        self.assertEqual(len(self.upstream_requests()), 1)
        messages = self.assert_valid_history(conversation_id)
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool", "assistant"])
        self.assertEqual(len(self.tool_messages(messages, approval["tool_call_id"])), 1)
        self.assertIn(approval["id"], self.inbox_ids("approved"))
        self.assertNotIn(approval["id"], self.inbox_ids("pending"))


if __name__ == "__main__":
    unittest.main()

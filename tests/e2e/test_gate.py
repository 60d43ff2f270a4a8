"""The approval gate and the runs API against the real binary and the scripted upstream:
no direct path runs a tool that needs a person, only the right credential may decide, event
ids go on across a pause, and runs can be listed, read and cancelled.

The fake upstream's fake-tool answers "what is 6*7" with one calculator call, then with text
once the last message is the tool's result."""

import time
import unittest

from event_stream import EventStream
from fake_upstream import start_fake_upstream, write_config
from harness import Agentd, assert_error

BASE_ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
}
CALCULATOR_CALL = {"type": "function", "function": {"name": "calculator",
                                                    "arguments": '{"expression":"6*7"}'}}
TIME_CALL = {"type": "function", "function": {"name": "current_time", "arguments": "{}"}}
# Streams 100 tokens, one every 200 ms: a run that is still going 20 s later.
SLOW = "[fake:fake-slow-stream delay-ms=200 tokens=100] take your time"


class GateServer(unittest.TestCase):
    """agentd with the given extra config, its own fake upstream, one signed-in user."""

    EXTRA_CONFIG = ""

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream, cls.EXTRA_CONFIG)
        cls.server = Agentd({**BASE_ENV, "AGENTD_CONFIG": config}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    def new_key(self, **fields):
        r = self.server.request("POST", "/v1/auth/tokens", {"name": "program", **fields},
                                token=self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()

    def new_conversation(self, token, model="fake-tool"):
        r = self.server.request("POST", "/v1/conversations", {"model": model}, token=token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def send(self, conversation_id, body, token):
        return self.server.request("POST", f"/v1/conversations/{conversation_id}/messages", body,
                                   token=token)

    def approve(self, conversation_id, body, token):
        return self.server.request("POST", f"/v1/conversations/{conversation_id}/approve", body,
                                   token=token)

    def paused(self, token):
        """A conversation whose run waits for approval of one calculator call."""
        conversation_id = self.new_conversation(token)
        r = self.send(conversation_id, {"message": "what is 6*7"}, token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["run"]["status"], "awaiting_approval", r.body)
        return conversation_id, r.json()

    def tools_seen_by(self, token):
        r = self.server.request("GET", "/v1/tools?limit=100", token=token)
        self.assertEqual(r.status, 200, r.body)
        return {t["function"]["name"]: t for t in r.json()["data"]}


class ConfiguredApprovalClosesDirectPaths(GateServer):
    EXTRA_CONFIG = "tools:\n  calculator:\n    requires_approval: true\n"

    def test_execute_refuses_a_tool_that_needs_a_person(self):
        r = self.server.request("POST", "/v1/tools/execute", CALCULATOR_CALL, token=self.token)

        error = assert_error(self, r, 403, "approval_required", "permission_error")
        self.assertIn("calculator", error["message"])
        self.assertIn("conversation", error["message"])

    def test_a_batch_refuses_that_item_and_runs_the_others(self):
        r = self.server.request("POST", "/v1/tools/batch", {"calls": [CALCULATOR_CALL, TIME_CALL]},
                                token=self.token)

        self.assertEqual(r.status, 200, r.body)
        refused, ran = r.json()["results"]
        self.assertEqual(refused["status"], "error")
        self.assertEqual(refused["error"]["code"], "approval_required")
        self.assertNotIn("result", refused)
        self.assertEqual(ran["status"], "ok", ran)

    def test_the_tool_list_says_it_needs_approval(self):
        self.assertTrue(self.tools_seen_by(self.token)["calculator"]["requires_approval"])
        self.assertFalse(self.tools_seen_by(self.token)["current_time"]["requires_approval"])

    def test_agent_mode_never_offers_it(self):
        r = self.server.request("POST", "/v1/chat/completions", {
            "model": "fake-tool", "messages": [{"role": "user", "content": "what is 6*7"}],
            "agent": {"tools": ["calculator"]}}, token=self.token)

        assert_error(self, r, 400, "tool_requires_approval")


class AKeysOwnListClosesDirectPaths(GateServer):
    def test_a_key_that_lists_a_tool_cannot_run_it_directly_and_sees_it_needs_approval(self):
        key = self.new_key(approval_required_tools=["current_time"])["key"]

        r = self.server.request("POST", "/v1/tools/execute", TIME_CALL, token=key)
        assert_error(self, r, 403, "approval_required")
        r = self.server.request("POST", "/v1/tools/batch", [TIME_CALL], token=key)
        self.assertEqual(r.json()["results"][0]["error"]["code"], "approval_required")
        self.assertTrue(self.tools_seen_by(key)["current_time"]["requires_approval"])

        # The same tool for a credential without the list.
        self.assertFalse(self.tools_seen_by(self.token)["current_time"]["requires_approval"])
        r = self.server.request("POST", "/v1/tools/execute", TIME_CALL, token=self.token)
        self.assertEqual(r.status, 200, r.body)


class WhoMayDecide(GateServer):
    def test_a_key_cannot_approve_calls_its_own_list_made_wait(self):
        asking = self.new_key(approval_required_tools=["calculator"], can_approve=True)
        self.assertTrue(asking["can_approve"])
        conversation_id, _ = self.paused(asking["key"])

        r = self.approve(conversation_id, {"approved": True}, asking["key"])

        assert_error(self, r, 403, "self_approval", "permission_error")
        r = self.server.request("GET", f"/v1/conversations/{conversation_id}", token=self.token)
        self.assertEqual(r.json()["status"], "awaiting_approval")

    def test_a_key_without_can_approve_cannot_decide(self):
        asking = self.new_key(approval_required_tools=["calculator"])
        other = self.new_key()
        self.assertFalse(other["can_approve"])
        conversation_id, _ = self.paused(asking["key"])

        r = self.approve(conversation_id, {"approved": True}, other["key"])

        assert_error(self, r, 403, "approval_not_allowed")

    def test_another_key_that_may_approve_decides_and_is_recorded(self):
        asking = self.new_key(approval_required_tools=["calculator"])
        approver = self.new_key(can_approve=True)
        conversation_id, paused = self.paused(asking["key"])

        r = self.approve(conversation_id, {"approved": True, "reason": "looks fine"},
                         approver["key"])

        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["run"]["status"], "completed")
        r = self.server.request("GET", "/v1/approvals?status=approved", token=self.token)
        decided = [a for a in r.json()["data"] if a["run_id"] == paused["run"]["id"]]
        self.assertEqual(len(decided), 1)
        self.assertEqual(decided[0]["decided_by"]["api_key_id"], approver["id"])
        self.assertTrue(decided[0]["decided_by"]["user_id"])
        self.assertEqual(decided[0]["reason"], "looks fine")

    def test_the_owner_in_person_decides_and_is_recorded_without_a_key(self):
        asking = self.new_key(approval_required_tools=["calculator"])
        conversation_id, paused = self.paused(asking["key"])

        r = self.approve(conversation_id, {"approved": False, "reason": "no"}, self.token)

        self.assertEqual(r.status, 200, r.body)
        r = self.server.request("GET", "/v1/approvals?status=rejected", token=self.token)
        decided = [a for a in r.json()["data"] if a["run_id"] == paused["run"]["id"]]
        self.assertEqual(decided[0]["decided_by"]["api_key_id"], None)
        self.assertEqual(decided[0]["reason"], "no")


class EventIdsAcrossAPause(GateServer):
    EXTRA_CONFIG = "tools:\n  calculator:\n    requires_approval: true\n"

    def test_the_resumed_stream_numbers_on_and_a_reader_misses_nothing(self):
        conversation_id = self.new_conversation(self.token)
        first = EventStream(self.server, "POST", f"/v1/conversations/{conversation_id}/messages",
                            {"message": "what is 6*7", "stream": True}, token=self.token).events()
        first_ids = [e["id"] for e in first]
        self.assertEqual(first_ids, list(range(1, len(first) + 1)))
        self.assertEqual(first[-1]["event"], "run.completed")

        second = EventStream(self.server, "POST", f"/v1/conversations/{conversation_id}/approve",
                             {"approved": True, "stream": True}, token=self.token).events()

        second_ids = [e["id"] for e in second]
        self.assertEqual(second_ids, list(range(first_ids[-1] + 1, first_ids[-1] + 1 + len(second))))
        self.assertEqual(second[0]["event"], "run.started")
        # A reader that saw only the first event gets the rest of both parts, once each.
        replay = EventStream(self.server, "GET", f"/v1/conversations/{conversation_id}/events",
                             token=self.token, headers={"Last-Event-ID": "1"}).events()
        self.assertEqual([e["id"] for e in replay], first_ids[1:] + second_ids)
        self.assertEqual([e["event"] for e in replay][:2], ["approval.required", "run.completed"])
        self.assertIn("tool_call.started", [e["event"] for e in replay])


class Runs(GateServer):
    EXTRA_CONFIG = "tools:\n  calculator:\n    requires_approval: true\n"

    def run_of(self, run_id, token=None):
        r = self.server.request("GET", f"/v1/runs/{run_id}", token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def assert_run_shape(self, run):
        for field in ("id", "conversation_id", "status", "steps", "usage", "model", "attempts",
                      "created_at", "updated_at"):
            self.assertIn(field, run)

    def test_runs_are_listed_newest_first_and_read_by_their_owner_only(self):
        conversation_id = self.new_conversation(self.token, model="fake-echo")
        ids = []
        for text in ("one", "two"):
            r = self.send(conversation_id, {"message": text}, self.token)
            self.assertEqual(r.status, 200, r.body)
            ids.append(r.json()["run"]["id"])

        r = self.server.request("GET", f"/v1/conversations/{conversation_id}/runs", token=self.token)

        self.assertEqual(r.status, 200, r.body)
        listed = r.json()
        self.assertEqual(listed["object"], "list")
        self.assertEqual([run["id"] for run in listed["data"]], ids[::-1])
        run = self.run_of(ids[0])
        self.assert_run_shape(run)
        self.assertEqual(run["status"], "completed")
        self.assertEqual(run["model"], "fake-echo")
        self.assertEqual(run["conversation_id"], conversation_id)
        self.assertIn("finished_at", run)
        stranger = self.server.sign_up()["access_token"]
        assert_error(self, self.server.request("GET", f"/v1/runs/{ids[0]}", token=stranger),
                     404, "run_not_found")
        assert_error(self, self.server.request("GET", f"/v1/conversations/{conversation_id}/runs",
                                               token=stranger), 404)
        assert_error(self, self.server.request("POST", f"/v1/runs/{ids[0]}/cancel", token=stranger),
                     404, "run_not_found")

    def test_cancelling_a_paused_run_closes_its_approvals(self):
        conversation_id, paused = self.paused(self.token)
        run_id = paused["run"]["id"]

        r = self.server.request("POST", f"/v1/runs/{run_id}/cancel", token=self.token)

        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["status"], "cancelled")
        approval = paused["pending_approvals"][0]
        r = self.server.request("GET", "/v1/approvals?status=rejected", token=self.token)
        closed = [a for a in r.json()["data"] if a["id"] == approval["id"]]
        self.assertEqual(closed[0]["reason"], "cancelled")
        conversation = self.server.request("GET", f"/v1/conversations/{conversation_id}",
                                           token=self.token).json()
        self.assertEqual(conversation["status"], "idle")
        self.assertEqual([m["role"] for m in conversation["messages"]], ["user", "assistant", "tool"])
        r = self.server.request("POST", f"/v1/runs/{run_id}/cancel", token=self.token)
        assert_error(self, r, 409, "run_not_active")

    def test_a_background_message_answers_202_at_once_and_a_cancel_stops_it_within_a_second(self):
        conversation_id = self.new_conversation(self.token, model="fake-slow-stream")
        started = time.monotonic()
        r = self.send(conversation_id, {"message": SLOW, "background": True}, self.token)

        self.assertEqual(r.status, 202, r.body)
        self.assertLess(time.monotonic() - started, 2)
        run = r.json()
        self.assert_run_shape(run)
        self.assertEqual(run["status"], "running")
        time.sleep(0.5)
        self.assertEqual(self.run_of(run["id"])["status"], "running")

        asked = time.monotonic()
        r = self.server.request("POST", f"/v1/runs/{run['id']}/cancel", token=self.token)

        self.assertEqual(r.status, 200, r.body)
        self.assertLess(time.monotonic() - asked, 1.0)
        self.assertEqual(r.json()["status"], "cancelled")
        self.assertIn("finished_at", r.json())
        conversation = self.server.request("GET", f"/v1/conversations/{conversation_id}",
                                           token=self.token).json()
        self.assertEqual(conversation["status"], "idle")

    def test_deleting_a_conversation_with_a_running_run_cancels_it_first(self):
        conversation_id = self.new_conversation(self.token, model="fake-slow-stream")
        r = self.send(conversation_id, {"message": SLOW, "background": True}, self.token)
        self.assertEqual(r.status, 202, r.body)
        run_id = r.json()["id"]

        r = self.server.request("DELETE", f"/v1/conversations/{conversation_id}", token=self.token)

        self.assertEqual(r.status, 204, r.body)
        assert_error(self, self.server.request("GET", f"/v1/runs/{run_id}", token=self.token), 404)


if __name__ == "__main__":
    unittest.main()

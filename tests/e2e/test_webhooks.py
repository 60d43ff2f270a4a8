"""Webhooks against the real binary: registration and its refusals, signed deliveries of
run.completed and approval.required checked by the `standardwebhooks` npm package (in
webhook_receiver.mjs), a refused delivery tried again, the delivery attempts listed, owner
scoping, the private-address rule, and an undelivered event that outlives a restart."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from fake_upstream import start_fake_upstream, write_config
from harness import Agentd, assert_error

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
    # The receiver listens on loopback; retries come quickly.
    "AGENTD_WEBHOOK_ALLOW_PRIVATE": "true",
    "AGENTD_WEBHOOK_RETRY_BASE_MS": "300",
    "AGENTD_WEBHOOK_POLL_MS": "100",
}
CALCULATOR_NEEDS_APPROVAL = "tools:\n  calculator:\n    requires_approval: true\n"
WEBHOOK_FIELDS = {"id", "object", "url", "events", "description", "created_at"}


class Receiver:
    """webhook_receiver.mjs, stopped when the test class ends."""

    def __init__(self, test_case):
        self.process = subprocess.Popen(["node", os.path.join(HERE, "webhook_receiver.mjs")],
                                        stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.process.stdout.readline())["port"]
        test_case.addClassCleanup(self.process.stdout.close)
        test_case.addClassCleanup(self.stop)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def url(self, name):
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    def configure(self, name, secret, fail_first=0):
        body = json.dumps({"name": name, "secret": secret, "fail_first": fail_first}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/_config", body,
                                         {"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(request).read()

    def received(self, name):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_received") as r:
            return [d for d in json.load(r)["data"] if d["name"] == name]

    def wait_for(self, name, count, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.received(name)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{name}: {len(self.received(name))} deliveries, not {count}")


class WebhookClient:
    """Calls shared by the test classes; `server`, `receiver` and `token` are the class's."""

    def register_webhook(self, name, events, token=None, server=None, fail_first=0):
        r = (server or self.server).request(
            "POST", "/v1/webhooks",
            {"url": self.receiver.url(name), "events": events, "description": name},
            token=token or self.token)
        self.assertEqual(r.status, 201, r.body)
        created = r.json()
        self.assertEqual(set(created), WEBHOOK_FIELDS | {"secret"})
        self.assertTrue(created["secret"].startswith("whsec_"))
        self.receiver.configure(name, created["secret"], fail_first)
        return created

    def complete_a_run(self, token=None, server=None):
        server = server or self.server
        r = server.request("POST", "/v1/conversations", {"model": "fake-echo", "message": "hello"},
                           token=token or self.token)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["run"]["status"], "completed")
        return r.json()

    def pause_a_run(self):
        r = self.server.request("POST", "/v1/conversations",
                                {"model": "fake-tool", "message": "what is 6*7"}, token=self.token)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["run"]["status"], "awaiting_approval")
        return r.json()

    def deliveries(self, webhook_id, token=None, server=None):
        r = (server or self.server).request("GET", f"/v1/webhooks/{webhook_id}/deliveries",
                                            token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()["data"]

    def wait_for_attempts(self, webhook_id, count, timeout=10):
        """The webhook's attempts, newest first, once `count` are stored."""
        deadline = time.time() + timeout
        while len(attempts := self.deliveries(webhook_id)) < count and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(len(attempts), count, attempts)
        return attempts

    def assert_verified(self, delivery, event_type):
        self.assertTrue(delivery["verified"], delivery["error"])
        self.assertEqual(delivery["answered"], 204)
        payload = json.loads(delivery["body"])
        self.assertEqual(set(payload), {"type", "timestamp", "data"})
        self.assertEqual(payload["type"], event_type)
        return payload


class Webhooks(WebhookClient, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        cls.receiver = Receiver(cls)
        config = write_config(cls, cls.upstream, CALCULATOR_NEEDS_APPROVAL)
        cls.server = Agentd({**BASE_ENV, "AGENTD_CONFIG": config}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    def test_completed_and_paused_runs_are_delivered_signed(self):
        webhook = self.register_webhook("both", ["run.completed", "approval.required"])
        self.assertEqual(webhook["events"], ["run.completed", "approval.required"])
        completed = self.complete_a_run()
        paused = self.pause_a_run()

        got = {json.loads(d["body"])["type"]: d for d in self.receiver.wait_for("both", 2)}
        run = self.assert_verified(got["run.completed"], "run.completed")["data"]
        self.assertEqual(run["run"]["id"], completed["run"]["id"])
        self.assertEqual(run["run"]["status"], "completed")
        self.assertEqual(run["message"]["content"], completed["message"]["content"])
        approval = self.assert_verified(got["approval.required"], "approval.required")["data"]
        self.assertEqual([a["id"] for a in approval["approvals"]],
                         [a["id"] for a in paused["pending_approvals"]])
        # A paused run's run.completed (status awaiting_approval) is no run.completed event.
        time.sleep(0.5)
        self.assertEqual(len(self.receiver.received("both")), 2)

        attempts = self.deliveries(webhook["id"])
        self.assertEqual(len(attempts), 2)
        ids = {d["headers"]["webhook-id"] for d in got.values()}
        for attempt in attempts:
            self.assertEqual(attempt["attempt"], 1)
            self.assertEqual(attempt["status_code"], 204)
            self.assertIsNone(attempt["error"])
            self.assertIsNone(attempt["next_attempt_at"])
            self.assertIn(attempt["event_id"], ids)

    def test_only_subscribed_events_are_delivered(self):
        self.register_webhook("approvals-only", ["approval.required"])
        self.complete_a_run()
        self.pause_a_run()
        got = self.receiver.wait_for("approvals-only", 1)
        time.sleep(0.5)
        got = self.receiver.received("approvals-only")
        self.assertEqual([json.loads(d["body"])["type"] for d in got], ["approval.required"])

    def test_responses_that_end_are_delivered_as_the_api_shows_them(self):
        self.register_webhook("responses", ["response.completed", "response.failed"])
        r = self.server.request("POST", "/v1/responses", {"model": "fake-echo", "input": "hi"},
                                token=self.token)
        self.assertEqual(r.status, 200, r.body)
        failed = self.server.request("POST", "/v1/responses",
                                     {"model": "fake-500-alone", "input": "hi"}, token=self.token)
        self.assertEqual(failed.status, 200, failed.body)
        self.assertEqual(failed.json()["status"], "failed")
        got = {json.loads(d["body"])["type"]: d for d in self.receiver.wait_for("responses", 2)}
        completed = self.assert_verified(got["response.completed"], "response.completed")["data"]
        self.assertEqual(completed, r.json())
        failure = self.assert_verified(got["response.failed"], "response.failed")["data"]
        self.assertEqual(failure["id"], failed.json()["id"])
        self.assertEqual(failure["status"], "failed")

    def test_refused_delivery_is_tried_again_with_the_same_id(self):
        webhook = self.register_webhook("flaky", ["run.completed"], fail_first=1)
        self.complete_a_run()
        first, second = self.receiver.wait_for("flaky", 2)
        self.assertTrue(first["verified"], first["error"])
        self.assertEqual(first["answered"], 500)
        self.assert_verified(second, "run.completed")
        self.assertEqual(first["headers"]["webhook-id"], second["headers"]["webhook-id"])
        self.assertEqual(first["body"], second["body"])

        retried, refused = self.wait_for_attempts(webhook["id"], 2)  # newest first
        self.assertEqual((refused["attempt"], refused["status_code"]), (1, 500))
        self.assertEqual(refused["error"], "the receiver answered HTTP 500")
        self.assertIsNotNone(refused["next_attempt_at"])
        self.assertEqual((retried["attempt"], retried["status_code"]), (2, 204))
        self.assertEqual(retried["event_id"], refused["event_id"])

    def test_webhooks_are_listed_read_and_deleted_without_their_secret(self):
        created = self.register_webhook("listed", ["run.completed"])
        r = self.server.request("GET", "/v1/webhooks?limit=100", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        listed = {w["id"]: w for w in r.json()["data"]}
        self.assertEqual(set(listed[created["id"]]), WEBHOOK_FIELDS)
        r = self.server.request("GET", f"/v1/webhooks/{created['id']}", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {k: v for k, v in created.items() if k != "secret"})

        r = self.server.request("DELETE", f"/v1/webhooks/{created['id']}", token=self.token)
        self.assertEqual(r.status, 204, r.body)
        assert_error(self, self.server.request("GET", f"/v1/webhooks/{created['id']}",
                                               token=self.token), 404, "webhook_not_found")

    def test_another_users_webhook_is_not_found(self):
        created = self.register_webhook("private", ["run.completed"])
        other = self.server.sign_up()["access_token"]
        for method, path in (("GET", f"/v1/webhooks/{created['id']}"),
                             ("DELETE", f"/v1/webhooks/{created['id']}"),
                             ("GET", f"/v1/webhooks/{created['id']}/deliveries")):
            assert_error(self, self.server.request(method, path, token=other), 404,
                         "webhook_not_found")
        r = self.server.request("GET", "/v1/webhooks", token=other)
        self.assertEqual(r.json()["data"], [])
        # Nor does their run reach it.
        self.complete_a_run(token=other)
        time.sleep(0.5)
        self.assertEqual(self.receiver.received("private"), [])

    def test_an_api_key_cannot_manage_webhooks(self):
        r = self.server.request("POST", "/v1/auth/tokens", {"name": "program"}, token=self.token)
        key = r.json()["key"]
        for method, path, body in (("POST", "/v1/webhooks",
                                    {"url": self.receiver.url("k"), "events": ["run.completed"]}),
                                   ("GET", "/v1/webhooks", None)):
            assert_error(self, self.server.request(method, path, body, token=key), 403,
                         "api_key_cannot_manage_webhooks", "permission_error")

    def test_bad_registrations_are_refused_with_the_field_at_fault(self):
        url = self.receiver.url("bad")
        for body, code, param in (
                ({"url": url, "events": ["run.completed", "run.exploded"]}, "unknown_event", "events"),
                ({"url": url, "events": []}, "invalid_events", "events"),
                ({"url": url}, "missing_field", "events"),
                ({"url": "ftp://example.org/x", "events": ["run.completed"]}, "invalid_url", "url"),
                ({"url": "https://user:pw@example.org/", "events": ["run.completed"]}, "invalid_url", "url"),
                ({"events": ["run.completed"]}, "missing_field", "url"),
                ({"url": url, "events": "run.completed"}, "invalid_type", "events")):
            error = assert_error(self, self.server.request("POST", "/v1/webhooks", body,
                                                           token=self.token), 400, code)
            self.assertEqual(error["param"], param, body)

    def test_a_user_has_at_most_ten_webhooks(self):
        token = self.server.sign_up()["access_token"]
        for i in range(10):
            self.register_webhook(f"many-{i}", ["run.completed"], token=token)
        assert_error(self, self.server.request(
            "POST", "/v1/webhooks", {"url": self.receiver.url("many-10"), "events": ["run.completed"]},
            token=token), 409, "too_many_webhooks")


class PrivateAddresses(unittest.TestCase):
    """Without AGENTD_WEBHOOK_ALLOW_PRIVATE, the rule of http_get: public addresses only."""

    def test_private_and_loopback_urls_are_refused(self):
        env = {**BASE_ENV, "AGENTD_WEBHOOK_ALLOW_PRIVATE": None}
        with Agentd(env) as server:
            token = server.sign_up()["access_token"]
            for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://[::1]/hook",
                        "http://169.254.169.254/latest", "http://localhost:9/hook"):
                assert_error(self, server.request("POST", "/v1/webhooks",
                                                  {"url": url, "events": ["run.completed"]},
                                                  token=token), 403, "address_not_allowed")


class DurableOutbox(WebhookClient, unittest.TestCase):
    """An event not yet delivered when agentd stops is delivered by the next start."""

    def test_a_retry_due_after_a_restart_is_delivered(self):
        self.upstream = start_fake_upstream(self)
        self.receiver = Receiver(self)
        config = write_config(self, self.upstream, "")
        data_dir = tempfile.mkdtemp(prefix="agentd-e2e-webhooks-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        # The retry is due well after the stop.
        env = {**BASE_ENV, "AGENTD_CONFIG": config, "AGENTD_WEBHOOK_RETRY_BASE_MS": "3000"}

        self.server = Agentd(env, data_dir=data_dir).start()
        self.addCleanup(self.server.stop)
        self.token = self.server.sign_up()["access_token"]
        webhook = self.register_webhook("durable", ["run.completed"], fail_first=1)
        self.complete_a_run()
        (refused,) = self.receiver.wait_for("durable", 1)
        self.assertEqual(refused["answered"], 500)
        # Once the refusal is stored (else the claim, not the retry, decides when it is sent).
        self.wait_for_attempts(webhook["id"], 1)
        self.server.stop(signal.SIGKILL)

        self.server = Agentd(env, data_dir=data_dir).start()
        self.addCleanup(self.server.stop)
        _, delivered = self.receiver.wait_for("durable", 2)
        self.assert_verified(delivered, "run.completed")
        self.assertEqual(delivered["headers"]["webhook-id"], refused["headers"]["webhook-id"])
        attempts = self.wait_for_attempts(webhook["id"], 2)
        self.assertEqual([a["status_code"] for a in attempts], [204, 500])


if __name__ == "__main__":
    unittest.main()

"""The API document (docs/openapi.yaml) against the server: the router and the document list
the same routes; every operation answers, once with a success and once with an error, as the
document says (the harness checks every response it reads against the document); and the
server serves the document, its docs page and its metrics."""

import http.client
import json
import os
import re
import socket
import subprocess
import tempfile
import unittest

from prometheus_client.parser import text_string_to_metric_families

import openapi_contract
from event_stream import EventStream
from fake_upstream import start_fake_upstream, write_config
from harness import AGENTD_BIN, PASSWORD, Agentd, assert_error, unique_email

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# The operations each test below must see answer with a success and with an error.
GROUPS = {
    "test_system": ["GET /health", "GET /ready"],
    "test_auth": ["POST /v1/auth/register", "POST /v1/auth/login", "POST /v1/auth/refresh",
                  "POST /v1/auth/logout", "GET /v1/users/me"],
    "test_api_keys": ["POST /v1/auth/tokens", "GET /v1/auth/tokens",
                      "GET /v1/auth/tokens/{id}", "PATCH /v1/auth/tokens/{id}",
                      "DELETE /v1/auth/tokens/{id}"],
    "test_users": ["GET /v1/users", "GET /v1/users/{id}", "PATCH /v1/users/{id}"],
    "test_webhooks": ["POST /v1/webhooks", "GET /v1/webhooks", "GET /v1/webhooks/{id}",
                      "DELETE /v1/webhooks/{id}", "GET /v1/webhooks/{id}/deliveries"],
    "test_usage": ["GET /v1/usage"],
    "test_tools": ["GET /v1/tools", "POST /v1/tools/execute", "POST /v1/tools/batch"],
    "test_chat": ["POST /v1/chat/completions", "GET /v1/models"],
    "test_conversations": ["POST /v1/conversations", "GET /v1/conversations",
                           "GET /v1/conversations/{id}", "DELETE /v1/conversations/{id}",
                           "POST /v1/conversations/{id}/messages",
                           "GET /v1/conversations/{id}/events"],
    "test_runs_and_approvals": ["GET /v1/conversations/{id}/runs", "GET /v1/runs/{id}",
                                "POST /v1/runs/{id}/cancel", "POST /v1/conversations/{id}/approve",
                                "GET /v1/approvals"],
    "test_responses": ["POST /v1/responses", "GET /v1/responses/{id}",
                       "DELETE /v1/responses/{id}", "GET /v1/responses/{id}/input_items",
                       "POST /v1/responses/{id}/cancel"],
    "test_openapi_json_is_the_document": ["GET /openapi.json"],
    "test_docs_page_and_its_files": ["GET /docs", "GET /docs/{file}"],
    "test_console_page_and_its_files": ["GET /console", "GET /console/assets/{file}"],
    "test_metrics_with_a_token": ["GET /metrics"],
}
# Operations without an error a test here can provoke: /health and the pages never fail,
# /ready only with its database down (test_postgres_faults).
NEVER_FAIL = {"GET /health", "GET /ready", "GET /openapi.json", "GET /docs", "GET /console"}

METRICS_TOKEN = "metrics-token-for-the-document-test"  # at least 16 characters

# Every response read by the servers below, as (operation, status).
SEEN = []


class RecordingAgentd(Agentd):
    def expect(self, method, path, status, headers):
        expectation = super().expect(method, path, status, headers)
        SEEN.append((expectation.operation, status))
        return expectation


def router_routes():
    """What `agentd routes` prints: "METHOD /pattern" per route."""
    with tempfile.TemporaryDirectory(prefix="agentd-routes-") as data_dir:
        result = subprocess.run([AGENTD_BIN, "routes"], capture_output=True, text=True, timeout=30,
                                env={**os.environ, "AGENTD_DATA_DIR": data_dir})
    if result.returncode != 0:
        raise AssertionError(f"agentd routes exited {result.returncode}: "
                             f"{(result.stderr or result.stdout)[:2000]}")
    return {line for line in result.stdout.splitlines() if re.match(r"^[A-Z]+ /", line)}


def documented_operations():
    paths = openapi_contract.load_document()["paths"]
    return {f"{method.upper()} {path}" for path, item in paths.items()
            for method in item if method in METHODS}


def first_difference(served, expected, pointer=""):
    """Where two JSON values first differ, as "<pointer>: <served> != <expected>", or None."""
    if isinstance(served, dict) and isinstance(expected, dict):
        for key in sorted(served.keys() | expected.keys()):
            if key not in served or key not in expected:
                side = "document" if key in expected else "answer"
                return f"{pointer}/{key}: only in the {side}"
            if found := first_difference(served[key], expected[key], f"{pointer}/{key}"):
                return found
        return None
    if isinstance(served, list) and isinstance(expected, list) and len(served) == len(expected):
        for i, (a, b) in enumerate(zip(served, expected)):
            if found := first_difference(a, b, f"{pointer}/{i}"):
                return found
        return None
    return None if served == expected else f"{pointer or '/'}: {served!r:.200} != {expected!r:.200}"


class RouteDrift(unittest.TestCase):
    def test_the_router_and_the_document_list_the_same_routes(self):
        routed, documented = router_routes(), documented_operations()
        undocumented, unrouted = sorted(routed - documented), sorted(documented - routed)
        problems = [f"  in the router, not in docs/openapi.yaml: {r}" for r in undocumented]
        problems += [f"  in docs/openapi.yaml, not in the router: {o}" for o in unrouted]
        if problems:
            self.fail("the routes and the API document differ:\n" + "\n".join(problems))

    def test_every_documented_operation_is_exercised_below(self):
        exercised = {operation for group in GROUPS.values() for operation in group}
        self.assertEqual(sorted(documented_operations() - exercised), [],
                         "add these to GROUPS and to a test")
        self.assertEqual(sorted(exercised - documented_operations()), [])


class Exercised(unittest.TestCase):
    """A test that must see each operation of its GROUPS entry succeed and fail."""

    def setUp(self):
        SEEN.clear()

    def assert_exercised(self):
        missing = []
        for operation in GROUPS[self._testMethodName]:
            statuses = {status for seen, status in SEEN if seen == operation}
            if not any(200 <= status < 300 for status in statuses):
                missing.append(f"{operation}: no success")
            if operation not in NEVER_FAIL and not any(status >= 400 for status in statuses):
                missing.append(f"{operation}: no error")
        self.assertEqual(missing, [])


class EveryOperation(Exercised):
    """Each operation of the API once with a success and once with an error, against the
    scripted upstream."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream)
        cls.server = RecordingAgentd({"AGENTD_CONFIG": config, "FAKE_UPSTREAM_KEY": "k"}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    def call(self, method, path, body=None, token=None, **kwargs):
        return self.server.request(method, path, body, token=token or self.token, **kwargs)

    def new_conversation(self, model="fake-echo", token=None):
        r = self.call("POST", "/v1/conversations", {"model": model}, token=token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def test_system(self):
        self.assertEqual(self.server.request("GET", "/health").status, 200)
        self.assertEqual(self.server.request("GET", "/ready").status, 200)
        self.assert_exercised()

    def test_auth(self):
        email = unique_email()
        self.assertEqual(self.server.register(email).status, 201)
        assert_error(self, self.server.register(email), 409, "email_taken")
        assert_error(self, self.server.login(email, "wrong-password"), 401, "invalid_credentials")
        signed_in = self.server.login(email)
        self.assertEqual(signed_in.status, 200, signed_in.body)
        assert_error(self, self.server.refresh("nonsense"), 401, "invalid_refresh_token")
        refreshed = self.server.refresh(signed_in.json()["refresh_token"])
        self.assertEqual(refreshed.status, 200, refreshed.body)
        tokens = refreshed.json()
        self.assertEqual(self.server.me(tokens["access_token"]).status, 200)
        assert_error(self, self.server.me(None), 401, "missing_credentials")
        self.assertEqual(self.server.logout(tokens["refresh_token"]).status, 204)
        assert_error(self, self.server.request("POST", "/v1/auth/logout", {}), 400, "missing_field")
        self.assert_exercised()

    def test_api_keys(self):
        created = self.call("POST", "/v1/auth/tokens", {"name": "drift"})
        self.assertEqual(created.status, 201, created.body)
        key = created.json()
        assert_error(self, self.call("POST", "/v1/auth/tokens", {"name": "k"}, token=key["key"]),
                     403, "api_key_cannot_manage_keys")
        self.assertEqual(self.call("GET", "/v1/auth/tokens?limit=5").status, 200)
        assert_error(self, self.call("GET", "/v1/auth/tokens?limit=0"), 400, "invalid_limit")
        budget = {"budget": {"max_tokens": 1000, "max_cost_usd": 0.25, "period": "day"},
                  "tokens_per_minute": 500}
        self.assertEqual(self.call("PATCH", f"/v1/auth/tokens/{key['id']}", budget).status, 200)
        assert_error(self, self.call("PATCH", f"/v1/auth/tokens/{key['id']}",
                                     {"budget": {"period": "year"}}), 400, "invalid_budget")
        self.assertEqual(self.call("GET", f"/v1/auth/tokens/{key['id']}").status, 200)
        assert_error(self, self.call("GET", "/v1/auth/tokens/nothing"), 404, "api_key_not_found")
        self.assertEqual(self.call("DELETE", f"/v1/auth/tokens/{key['id']}").status, 204)
        assert_error(self, self.call("DELETE", "/v1/auth/tokens/nothing"), 404, "api_key_not_found")
        self.assert_exercised()

    def test_users(self):
        email = unique_email("admin")
        made = subprocess.run([AGENTD_BIN, "user", "create", "--email", email, "--admin"],
                              env=self.server.env, input=PASSWORD + "\n", capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(made.returncode, 0, made.stderr)
        admin = self.server.login(email).json()["access_token"]
        person = self.server.sign_up()
        path = f"/v1/users/{person['user']['id']}"
        self.assertEqual(self.call("GET", "/v1/users?limit=5", token=admin).status, 200)
        assert_error(self, self.call("GET", "/v1/users"), 403, "admin_required")
        limits = {"budget": {"max_tokens": 1000, "max_cost_usd": 0.25, "period": "month"},
                  "tokens_per_minute": 500}
        self.assertEqual(self.call("PATCH", path, limits, token=admin).status, 200)
        assert_error(self, self.call("PATCH", path, {"budget": {"period": "year"}}, token=admin),
                     400, "invalid_budget")
        self.assertEqual(self.call("GET", path, token=admin).status, 200)
        self.assertEqual(self.call("GET", path, token=person["access_token"]).status, 200)
        assert_error(self, self.call("GET", path), 404, "user_not_found")
        self.assert_exercised()

    def test_webhooks(self):
        # Nothing listens on port 9: registration does not call the URL.
        created = self.call("POST", "/v1/webhooks",
                            {"url": "https://203.0.113.9:9/hook", "events": ["run.completed"]})
        self.assertEqual(created.status, 201, created.body)
        webhook = created.json()
        assert_error(self, self.call("POST", "/v1/webhooks", {"url": "https://203.0.113.9/",
                                                              "events": ["run.exploded"]}),
                     400, "unknown_event")
        self.assertEqual(self.call("GET", "/v1/webhooks?limit=5").status, 200)
        assert_error(self, self.call("GET", "/v1/webhooks?limit=0"), 400, "invalid_limit")
        self.assertEqual(self.call("GET", f"/v1/webhooks/{webhook['id']}").status, 200)
        assert_error(self, self.call("GET", "/v1/webhooks/nothing"), 404, "webhook_not_found")
        self.assertEqual(self.call("GET", f"/v1/webhooks/{webhook['id']}/deliveries").status, 200)
        assert_error(self, self.call("GET", "/v1/webhooks/nothing/deliveries"), 404,
                     "webhook_not_found")
        self.assertEqual(self.call("DELETE", f"/v1/webhooks/{webhook['id']}").status, 204)
        assert_error(self, self.call("DELETE", f"/v1/webhooks/{webhook['id']}"), 404,
                     "webhook_not_found")
        self.assert_exercised()

    def test_usage(self):
        self.assertEqual(self.call("GET", "/v1/usage?group_by=model").status, 200)
        assert_error(self, self.call("GET", "/v1/usage?group_by=week"), 400, "invalid_group_by")
        self.assert_exercised()

    def test_tools(self):
        self.assertEqual(self.call("GET", "/v1/tools").status, 200)
        assert_error(self, self.server.request("GET", "/v1/tools"), 401)
        call = {"type": "function",
                "function": {"name": "calculator", "arguments": '{"expression":"2*(3+4)"}'}}
        self.assertEqual(self.call("POST", "/v1/tools/execute", call).status, 200)
        missing = {"type": "function", "function": {"name": "nothing", "arguments": "{}"}}
        assert_error(self, self.call("POST", "/v1/tools/execute", missing), 404, "tool_not_found")
        batch = self.call("POST", "/v1/tools/batch", {"calls": [call, missing]})
        self.assertEqual(batch.status, 200, batch.body)
        self.assertEqual([r["status"] for r in batch.json()["results"]], ["ok", "error"])
        assert_error(self, self.call("POST", "/v1/tools/batch", {"nope": 1}), 400, "invalid_batch")
        self.assert_exercised()

    def test_chat(self):
        messages = [{"role": "user", "content": "hello"}]
        r = self.call("POST", "/v1/chat/completions", {"model": "fake-echo", "messages": messages})
        self.assertEqual(r.status, 200, r.body)
        s = EventStream(self.server, "POST", "/v1/chat/completions",
                        {"model": "fake-echo", "messages": messages, "stream": True,
                         "stream_options": {"include_usage": True}}, token=self.token)
        self.assertEqual(s.status, 200)
        self.assertEqual(s.data_lines()[-1], "[DONE]")
        agent = self.call("POST", "/v1/chat/completions",
                          {"model": "fake-tool", "agent": {"tools": ["calculator"]},
                           "messages": [{"role": "user", "content": "what is 6*7"}]})
        self.assertEqual(agent.status, 200, agent.body)
        assert_error(self, self.call("POST", "/v1/chat/completions",
                                     {"model": "no-such-model", "messages": messages}),
                     404, "model_not_found")
        self.assertEqual(self.call("GET", "/v1/models").status, 200)
        assert_error(self, self.server.request("GET", "/v1/models"), 401)
        self.assert_exercised()

    def test_conversations(self):
        with_message = self.call("POST", "/v1/conversations",
                                 {"model": "fake-echo", "message": "hello"})
        self.assertEqual(with_message.status, 201, with_message.body)
        assert_error(self, self.call("POST", "/v1/conversations", {"title": 7}), 400,
                     "invalid_type")
        conversation_id = self.new_conversation()
        assert_error(self, self.call("GET", f"/v1/conversations/{conversation_id}/events"),
                     404, "no_active_run")
        self.assertEqual(self.call("POST", f"/v1/conversations/{conversation_id}/messages",
                                   {"message": "hi"}).status, 200)
        s = EventStream(self.server, "POST", f"/v1/conversations/{conversation_id}/messages",
                        {"message": "again", "stream": True}, token=self.token)
        self.assertEqual(s.events()[-1]["event"], "run.completed")
        followed = EventStream(self.server, "GET", f"/v1/conversations/{conversation_id}/events",
                               token=self.token, headers={"Last-Event-ID": "1"})
        self.assertEqual(followed.events()[-1]["event"], "run.completed")
        assert_error(self, self.call("POST", "/v1/conversations/nothing/messages",
                                     {"message": "hi"}), 404, "conversation_not_found")
        background = self.call("POST", f"/v1/conversations/{self.new_conversation()}/messages",
                               {"message": "hi", "background": True})
        self.assertEqual(background.status, 202, background.body)

        self.assertEqual(self.call("GET", "/v1/conversations?limit=2").status, 200)
        assert_error(self, self.call("GET", "/v1/conversations?limit=101"), 400, "invalid_limit")
        self.assertEqual(self.call("GET", f"/v1/conversations/{conversation_id}").status, 200)
        assert_error(self, self.call("GET", "/v1/conversations/nothing"), 404,
                     "conversation_not_found")
        self.assertEqual(self.call("DELETE", f"/v1/conversations/{conversation_id}").status, 204)
        assert_error(self, self.call("DELETE", f"/v1/conversations/{conversation_id}"), 404,
                     "conversation_not_found")
        self.assert_exercised()

    def test_responses(self):
        created = self.call("POST", "/v1/responses", {"model": "fake-echo", "input": "hello"})
        self.assertEqual(created.status, 200, created.body)
        response_id = created.json()["id"]
        assert_error(self, self.call("POST", "/v1/responses", {"input": "hi", "colour": "red"}),
                     400, "unknown_parameter")
        self.assertEqual(self.call("GET", f"/v1/responses/{response_id}").status, 200)
        assert_error(self, self.call("GET", "/v1/responses/resp_nothing"), 404, "response_not_found")
        items = self.call("GET", f"/v1/responses/{response_id}/input_items")
        self.assertEqual(items.status, 200, items.body)
        assert_error(self, self.call("GET", f"/v1/responses/{response_id}/input_items?order=up"), 400)
        # Only a background response can be cancelled, and only while it runs.
        assert_error(self, self.call("POST", f"/v1/responses/{response_id}/cancel"), 400,
                     "not_background")
        background = self.call("POST", "/v1/responses",
                               {"model": "fake-slow-stream", "background": True,
                                "input": "[fake:fake-slow-stream tokens=200 delay-ms=50] go"})
        self.assertEqual(background.status, 200, background.body)
        cancelled = self.call("POST", f"/v1/responses/{background.json()['id']}/cancel")
        self.assertEqual(cancelled.status, 200, cancelled.body)
        self.assertEqual(cancelled.json()["status"], "cancelled")
        self.assertEqual(self.call("DELETE", f"/v1/responses/{response_id}").status, 200)
        assert_error(self, self.call("DELETE", f"/v1/responses/{response_id}"), 404,
                     "response_not_found")
        self.assert_exercised()

    def test_runs_and_approvals(self):
        # A key whose calculator calls wait for its owner: its runs pause.
        created = self.call("POST", "/v1/auth/tokens",
                            {"name": "careful", "approval_required_tools": ["calculator"]})
        self.assertEqual(created.status, 201, created.body)
        careful = created.json()["key"]

        def pause():
            conversation_id = self.new_conversation("fake-tool", token=careful)
            r = self.call("POST", f"/v1/conversations/{conversation_id}/messages",
                          {"message": "what is 6*7"}, token=careful)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["run"]["status"], "awaiting_approval")
            return conversation_id, r.json()["run"]["id"]

        conversation_id, run_id = pause()
        self.assertEqual(self.call("GET", "/v1/approvals?status=pending").status, 200)
        assert_error(self, self.call("GET", "/v1/approvals?status=maybe"), 400)
        approved = self.call("POST", f"/v1/conversations/{conversation_id}/approve",
                             {"approved": True})
        self.assertEqual(approved.status, 200, approved.body)
        assert_error(self, self.call("POST", f"/v1/conversations/{conversation_id}/approve",
                                     {"approved": True}), 409, "not_awaiting_approval")

        self.assertEqual(self.call("GET", f"/v1/conversations/{conversation_id}/runs").status, 200)
        assert_error(self, self.call("GET", "/v1/conversations/nothing/runs"), 404,
                     "conversation_not_found")
        self.assertEqual(self.call("GET", f"/v1/runs/{run_id}").status, 200)
        assert_error(self, self.call("GET", "/v1/runs/nothing"), 404, "run_not_found")

        _, paused_run = pause()
        self.assertEqual(self.call("POST", f"/v1/runs/{paused_run}/cancel").status, 200)
        assert_error(self, self.call("POST", f"/v1/runs/{paused_run}/cancel"), 409,
                     "run_not_active")
        self.assert_exercised()


def non_loopback_address():
    """An address of this machine other than loopback, or None. (A UDP connect sends
    nothing; it only picks the source address.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 9))
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address


class ElsewhereAgentd(RecordingAgentd):
    """Listens on a non-loopback address of this machine, and is called there: its clients
    come from that address."""

    def __init__(self, address, env=None):
        super().__init__(env)
        self.address = address
        self.env["AGENTD_ADDR"] = f"{address}:{self.port}"

    def connection(self, timeout=30):
        return http.client.HTTPConnection(self.address, self.port, timeout=timeout)


class DocumentsAndMetrics(Exercised):
    """GET /openapi.json, /docs and /metrics."""

    @classmethod
    def setUpClass(cls):
        cls.server = RecordingAgentd({"AGENTD_METRICS": None, "AGENTD_METRICS_TOKEN": None}).start()
        cls.addClassCleanup(cls.server.__exit__)

    def test_openapi_json_is_the_document(self):
        with tempfile.TemporaryDirectory() as scratch:
            expected_path = os.path.join(scratch, "openapi.json")
            subprocess.run([os.path.join(ROOT, "scripts", "openapi-json"),
                            os.path.join(ROOT, "docs", "openapi.yaml"), expected_path], check=True)
            with open(expected_path, encoding="utf-8") as f:
                expected = json.load(f)
        r = self.server.request("GET", "/openapi.json")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("content-type"), "application/json")
        self.assertIsNone(first_difference(r.json(), expected),
                          "GET /openapi.json is not scripts/openapi-json's docs/openapi.yaml")
        self.assert_exercised()

    def test_docs_page_and_its_files(self):
        page = self.server.request("GET", "/docs")
        self.assertEqual(page.status, 200, page.body)
        self.assertTrue(page.header("content-type").startswith("text/html"))
        # Every file the page loads is served, with the type its name says.
        kinds = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}
        loaded = re.findall(r'(?:href|src)="(/docs/[^"]+)"', page.body.decode())
        self.assertTrue(loaded, page.body)
        files = {path: self.server.request("GET", path) for path in loaded}
        for path, r in files.items():
            with self.subTest(file=path):
                self.assertEqual(r.status, 200, r.body[:200])
                kind = kinds[os.path.splitext(path)[1]]
                self.assertTrue(r.header("content-type").startswith(kind), r.header("content-type"))
        self.assertTrue([path for path, r in files.items() if b"/openapi.json" in r.body],
                        "no file of the page loads the document")
        etag = files[loaded[0]].header("etag")
        cached = self.server.request("GET", loaded[0], headers={"If-None-Match": etag})
        self.assertEqual(cached.status, 304, cached.body)
        assert_error(self, self.server.request("GET", "/docs/nothing.js"), 404, "not_found")
        self.assert_exercised()

    def test_console_page_and_its_files(self):
        page = self.server.request("GET", "/console/")
        self.assertEqual(page.status, 200, page.body)
        self.assertTrue(page.header("content-type").startswith("text/html"))
        policy = page.header("content-security-policy")
        self.assertIn("default-src 'self'", policy)
        self.assertIn("connect-src 'self'", policy)
        self.assertNotIn("unsafe-inline", policy)
        self.assertEqual(page.header("x-content-type-options"), "nosniff")
        # The page without its slash is the same page.
        self.assertEqual(self.server.request("GET", "/console").body, page.body)
        # Exactly its script and its style sheet, by their fixed names; no inline script.
        html = page.body.decode()
        loaded = sorted(re.findall(r'(?:href|src)="(/console/[^"]+)"', html))
        self.assertEqual(loaded, ["/console/assets/console.css", "/console/assets/console.js"])
        self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)[^>]*>")
        kinds = {".css": "text/css", ".js": "text/javascript"}
        for path in loaded:
            with self.subTest(file=path):
                r = self.server.request("GET", path)
                self.assertEqual(r.status, 200, r.body[:200])
                self.assertTrue(r.header("content-type").startswith(kinds[os.path.splitext(path)[1]]))
                self.assertEqual(r.header("x-content-type-options"), "nosniff")
                self.assertEqual(r.header("cache-control"), "no-cache")
                cached = self.server.request("GET", path, headers={"If-None-Match": r.header("etag")})
                self.assertEqual(cached.status, 304, cached.body)
                self.assertEqual(cached.body, b"")
        assert_error(self, self.server.request("GET", "/console/assets/other.js"), 404, "not_found")
        self.assert_exercised()

    def test_metrics_from_loopback_without_a_token(self):
        r = self.server.request("GET", "/metrics")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8")
        families = list(text_string_to_metric_families(r.body.decode()))
        self.assertTrue(families, "no metric at all")

    def test_metrics_refuse_callers_not_on_loopback_without_a_token(self):
        # A proxy on this host connects from loopback; what it forwards is not from there.
        forwarded = self.server.request("GET", "/metrics",
                                        headers={"X-Forwarded-For": "203.0.113.9"})
        assert_error(self, forwarded, 403, "forbidden", "permission_error")
        address = non_loopback_address()
        if address is None:
            self.skipTest("this machine has no address other than loopback")
        with ElsewhereAgentd(address, {"AGENTD_METRICS_TOKEN": None}) as server:
            assert_error(self, server.request("GET", "/metrics"), 403, "forbidden",
                         "permission_error")

    def test_metrics_with_a_token(self):
        with RecordingAgentd({"AGENTD_METRICS_TOKEN": METRICS_TOKEN}) as server:
            assert_error(self, server.request("GET", "/metrics"), 401, "invalid_token",
                         "authentication_error")
            assert_error(self, server.request("GET", "/metrics", token="wrong"), 401,
                         "invalid_token", "authentication_error")
            r = server.request("GET", "/metrics", token=METRICS_TOKEN)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8")
        self.assert_exercised()


if __name__ == "__main__":
    unittest.main()

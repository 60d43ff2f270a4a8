"""MCP servers as tool sources, through agentd's own HTTP API: the reference server
@modelcontextprotocol/server-everything (npm) over stdio and over Streamable HTTP."""

import os
import subprocess
import tempfile
import time
import unittest

from harness import Agentd, assert_error, free_port, wait_for_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EVERYTHING = os.path.join(ROOT, "tests", "node", "node_modules", "@modelcontextprotocol",
                          "server-everything", "dist", "index.js")
# scripts/test installs the packages, so there a missing one is a failure, not a skip.
NODE_PACKAGES = os.path.exists(EVERYTHING)
if not NODE_PACKAGES and os.environ.get("AGENTD_TESTS_REQUIRE_NODE"):
    raise RuntimeError("npm packages missing from tests/node although scripts/test requires them")


def readiness(server):
    return server.request("GET", "/ready").json()["checks"]


def wait_for_mcp(server, names, timeout=60):
    """Waits until /ready calls every named MCP server ok; returns the checks."""
    deadline = time.time() + timeout
    while True:
        checks = readiness(server)
        if all(checks.get(f"mcp:{name}") == "ok" for name in names):
            return checks
        if time.time() > deadline:
            raise RuntimeError(f"MCP servers not ok in {timeout}s: {checks}\n{server.logs()}")
        time.sleep(0.1)


def tool_items(server, token):
    # Two MCP servers offer more tools than the default page of 20.
    body = server.request("GET", "/v1/tools?limit=100", token=token).json()
    return {t["function"]["name"]: t for t in body["data"]}


@unittest.skipUnless(NODE_PACKAGES, "npm packages missing: run scripts/setup")
class McpTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.http_port = free_port()
        cls.http_server = subprocess.Popen(["node", EVERYTHING, "streamableHttp"],
                                           env=dict(os.environ, PORT=str(cls.http_port)),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(cls.http_port)
        cls.config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        cls.config.write(f"""
mcp_servers:
  - name: everything
    command: node
    args: ["{EVERYTHING}", "stdio"]
    tools: {{toggle-simulated-logging: {{requires_approval: true}}}}
  - name: remote
    url: http://127.0.0.1:{cls.http_port}/mcp
    requires_approval: true
    tools: {{echo: {{requires_approval: false}}, get-sum: {{requires_approval: false}}}}
""")
        cls.config.close()
        cls.server = Agentd({"AGENTD_CONFIG": cls.config.name}).start()
        wait_for_mcp(cls.server, ["everything", "remote"])
        cls.token = cls.server.sign_up()["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__()
        cls.http_server.terminate()
        cls.http_server.wait(10)
        os.unlink(cls.config.name)

    def execute(self, name, arguments, token=None):
        return self.server.request("POST", "/v1/tools/execute",
                                   {"type": "function", "function": {"name": name, "arguments": arguments}},
                                   token=token or self.token)

    def tools(self, token=None):
        return tool_items(self.server, token or self.token)

    def test_both_servers_tools_are_listed_with_their_schemas_and_approval(self):
        tools = self.tools()
        for name in ("everything__echo", "everything__get-sum", "remote__echo", "remote__get-sum"):
            self.assertIn(name, tools)
        self.assertIn("message", tools["everything__echo"]["function"]["parameters"]["properties"])
        self.assertFalse(tools["everything__echo"]["requires_approval"])
        self.assertFalse(tools["everything__get-sum"]["requires_approval"])
        self.assertTrue(tools["everything__toggle-simulated-logging"]["requires_approval"])
        # The server needs approval; its own tool settings override that.
        self.assertFalse(tools["remote__echo"]["requires_approval"])
        self.assertTrue(tools["remote__toggle-simulated-logging"]["requires_approval"])
        names = list(tools)
        self.assertEqual(names, sorted(names))

    def test_an_mcp_tool_that_needs_approval_is_never_run_directly(self):
        for name in ("everything__toggle-simulated-logging", "remote__toggle-simulated-logging"):
            r = self.execute(name, {})
            error = assert_error(self, r, 403, "approval_required", "permission_error")
            self.assertIn(name, error["message"])

    def test_echo_over_stdio_and_http(self):
        for name in ("everything__echo", "remote__echo"):
            r = self.execute(name, {"message": "hello mcp"})
            self.assertEqual(r.status, 200, r.body)
            self.assertIn("hello mcp", str(r.json()["result"]))

    def test_sum_over_stdio_and_http(self):
        for name in ("everything__get-sum", "remote__get-sum"):
            r = self.execute(name, {"a": 2, "b": 3})
            self.assertEqual(r.status, 200, r.body)
            self.assertIn("5", str(r.json()["result"]))

    def test_schema_is_checked_before_the_server_is_called(self):
        r = self.execute("everything__get-sum", {"a": "two", "b": 3})
        assert_error(self, r, 400, "invalid_arguments")

    def test_key_acl_applies_to_mcp_tools(self):
        key = self.server.request("POST", "/v1/auth/tokens",
                                  {"name": "echo only", "allowed_tools": ["everything__echo"]},
                                  token=self.token).json()["key"]
        self.assertEqual(list(self.tools(key)), ["everything__echo"])
        assert_error(self, self.execute("remote__echo", {"message": "x"}, key), 403, "tool_not_allowed")
        self.assertEqual(self.execute("everything__echo", {"message": "x"}, key).status, 200)


SLOW_START_SECONDS = 4


@unittest.skipUnless(NODE_PACKAGES, "npm packages missing: run scripts/setup")
class McpServersConnectInTheBackground(unittest.TestCase):
    """One server that takes 3 s to start and one that cannot start at all: agentd serves at
    once, and /ready says how each server stands."""

    @classmethod
    def setUpClass(cls):
        cls.config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        # The slow server notes when it was started: agentd's own start-up time, long under
        # a sanitizer on a busy machine, does not count.
        cls.started_file = cls.config.name + ".started"
        cls.config.write(f"""
mcp_servers:
  - name: slow
    command: sh
    args: ["-c", "date +%s.%N > \\"$1\\"; sleep {SLOW_START_SECONDS}; exec node \\"$0\\" stdio",
           "{EVERYTHING}", "{cls.started_file}"]
    requires_approval: auto
    tools: {{get-sum: {{requires_approval: true}}}}
  - name: missing
    command: /nonexistent/agentd-mcp-server
""")
        cls.config.close()
        cls.server = Agentd({"AGENTD_CONFIG": cls.config.name}).start(wait_ready=False)
        cls.health_status = None
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                cls.health_status = cls.server.request("GET", "/health", timeout=1).status
                break
            except OSError:
                time.sleep(0.01)
        cls.health_at = time.time()
        # What is seen while the slow server is still starting.
        cls.early_ready = cls.server.request("GET", "/ready")
        cls.token = cls.server.sign_up()["access_token"]
        cls.early_tools = tool_items(cls.server, cls.token)
        cls.early_call = cls.server.request(
            "POST", "/v1/tools/execute",
            {"type": "function", "function": {"name": "calculator", "arguments": {"expression": "6*7"}}},
            token=cls.token)
        deadline = time.time() + 10
        while readiness(cls.server).get("mcp:missing") == "connecting" and time.time() < deadline:
            time.sleep(0.05)
        cls.missing_state = readiness(cls.server).get("mcp:missing")
        cls.late_checks = wait_for_mcp(cls.server, ["slow"])
        cls.late_tools = tool_items(cls.server, cls.token)

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__()
        os.unlink(cls.config.name)
        os.unlink(cls.started_file)

    def test_health_answers_before_the_slow_server_has_started(self):
        self.assertEqual(self.health_status, 200)
        with open(self.started_file) as f:
            slow_server_started_at = float(f.read())
        # Within a second of the server being spawned (or before), not after its sleep.
        self.assertLess(self.health_at - slow_server_started_at, 1.0, self.server.logs())

    def test_ready_is_ready_and_shows_the_slow_server_connecting(self):
        self.assertEqual(self.early_ready.status, 200, self.early_ready.body)
        checks = self.early_ready.json()["checks"]
        self.assertEqual(checks["database"], "ok")
        self.assertEqual(checks["mcp:slow"], "connecting")

    def test_the_rest_is_served_while_the_slow_server_starts(self):
        self.assertNotIn("slow__echo", self.early_tools)
        self.assertIn("calculator", self.early_tools)
        self.assertEqual(self.early_call.status, 200, self.early_call.body)

    def test_the_slow_servers_tools_appear_once_it_is_ok(self):
        self.assertEqual(self.late_checks["mcp:slow"], "ok")
        self.assertIn("slow__echo", self.late_tools)
        self.assertIn("slow__get-sum", self.late_tools)

    def test_a_server_that_cannot_start_is_unavailable_with_the_reason(self):
        self.assertTrue(self.missing_state.startswith("unavailable: "), self.missing_state)
        self.assertIn("/nonexistent/agentd-mcp-server", self.missing_state)
        self.assertTrue(self.late_checks["mcp:missing"].startswith("unavailable: "))
        self.assertFalse(any(name.startswith("missing__") for name in self.late_tools))

    def test_tools_show_the_servers_annotations(self):
        annotations = self.late_tools["slow__echo"]["annotations"]
        self.assertIs(annotations["readOnlyHint"], True)
        self.assertIs(annotations["destructiveHint"], False)
        self.assertNotIn("annotations", self.late_tools["calculator"])

    def test_auto_approval_follows_read_only_hint_and_config_overrides_it(self):
        self.assertIs(self.late_tools["slow__echo"]["requires_approval"], False)
        self.assertIs(self.late_tools["slow__toggle-simulated-logging"]["annotations"]["readOnlyHint"], False)
        self.assertIs(self.late_tools["slow__toggle-simulated-logging"]["requires_approval"], True)
        # get-sum says readOnlyHint: true, but the config asks for approval.
        self.assertIs(self.late_tools["slow__get-sum"]["annotations"]["readOnlyHint"], True)
        self.assertIs(self.late_tools["slow__get-sum"]["requires_approval"], True)


@unittest.skipUnless(NODE_PACKAGES, "npm packages missing: run scripts/setup")
class McpShutdown(unittest.TestCase):
    def test_sigterm_stops_a_server_still_connecting(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as config:
            config.write(f"""
mcp_servers:
  - name: sleepy
    command: sh
    args: ["-c", "sleep 30; exec node \\"$0\\" stdio", "{EVERYTHING}"]
""")
            config.flush()
            server = Agentd({"AGENTD_CONFIG": config.name}).start()
            try:
                self.assertEqual(readiness(server)["mcp:sleepy"], "connecting")
                started = time.time()
                self.assertEqual(server.stop(timeout=10), 0, server.logs())
                self.assertLess(time.time() - started, 5)
            finally:
                server.__exit__()


if __name__ == "__main__":
    unittest.main()

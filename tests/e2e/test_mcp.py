"""MCP servers as tool sources, through agentd's own HTTP API: the reference server
@modelcontextprotocol/server-everything (npm) over stdio and over Streamable HTTP."""

import os
import socket
import subprocess
import tempfile
import time
import unittest

from harness import Agentd, assert_error, free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EVERYTHING = os.path.join(ROOT, "tests", "node", "node_modules", "@modelcontextprotocol",
                          "server-everything", "dist", "index.js")


def wait_for_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@unittest.skipUnless(os.path.exists(EVERYTHING), "npm packages missing: run scripts/setup")
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
    tools: {{get-sum: {{requires_approval: true}}}}
  - name: remote
    url: http://127.0.0.1:{cls.http_port}/mcp
    requires_approval: true
""")
        cls.config.close()
        cls.server = Agentd({"AGENTD_CONFIG": cls.config.name}).start()
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
        # Two MCP servers offer more tools than the default page of 20.
        body = self.server.request("GET", "/v1/tools?limit=100", token=token or self.token).json()
        return {t["function"]["name"]: t for t in body["data"]}

    def test_both_servers_tools_are_listed_with_their_schemas_and_approval(self):
        tools = self.tools()
        for name in ("everything__echo", "everything__get-sum", "remote__echo", "remote__get-sum"):
            self.assertIn(name, tools)
        self.assertIn("message", tools["everything__echo"]["function"]["parameters"]["properties"])
        self.assertFalse(tools["everything__echo"]["requires_approval"])
        self.assertTrue(tools["everything__get-sum"]["requires_approval"])
        self.assertTrue(tools["remote__echo"]["requires_approval"])
        names = list(tools)
        self.assertEqual(names, sorted(names))

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


if __name__ == "__main__":
    unittest.main()

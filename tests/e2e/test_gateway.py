"""The OpenAI-compatible gateway against a scripted upstream: shapes, streaming, routing,
errors, cancellation, and the official openai SDK as an unmodified client."""

import json
import os
import socket
import subprocess
import tempfile
import time
import unittest

from fake_upstream import FakeUpstream
from harness import Agentd, assert_error

HERE = os.path.dirname(os.path.abspath(__file__))


def sse_events(body):
    return [line[len("data: "):] for line in body.decode().split("\n") if line.startswith("data: ")]


class GatewayServer(unittest.TestCase):
    """agentd routing the fake models to a fresh fake upstream, and a signed-in user."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = FakeUpstream()
        cls.config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        cls.config.write(cls.upstream.config_yaml())
        cls.config.close()
        cls.server = Agentd({"AGENTD_CONFIG": cls.config.name,
                             "FAKE_UPSTREAM_KEY": "upstream-secret-key"}).start()
        cls.token = cls.server.sign_up()["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__()
        cls.upstream.stop()
        os.unlink(cls.config.name)


class Gateway(GatewayServer):

    def chat(self, body, token=None):
        return self.server.request("POST", "/v1/chat/completions", body, token=token or self.token)

    def test_completion_has_openai_shape(self):
        r = self.chat({"model": "fake-echo", "messages": [{"role": "user", "content": "hi"}]})
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["object"], "chat.completion")
        self.assertTrue(body["id"].startswith("chatcmpl-"))
        self.assertEqual(body["model"], "fake-echo")
        self.assertEqual(body["choices"][0]["message"], {"role": "assistant", "content": "echo: hi"})
        self.assertEqual(body["choices"][0]["finish_reason"], "stop")
        self.assertEqual(set(body["usage"]), {"prompt_tokens", "completion_tokens", "total_tokens"})

    def test_default_model_is_used_when_none_is_named(self):
        r = self.chat({"messages": [{"role": "user", "content": "hi"}]})
        self.assertEqual(r.json()["model"], "fake-echo")

    def test_stream_ends_with_done_and_usage(self):
        r = self.chat({"model": "fake-echo", "stream": True, "stream_options": {"include_usage": True},
                       "messages": [{"role": "user", "content": "one two three"}]})
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("text/event-stream"))
        events = sse_events(r.body)
        self.assertEqual(events[-1], "[DONE]")
        chunks = [json.loads(e) for e in events[:-1]]
        self.assertTrue(all(c["object"] == "chat.completion.chunk" for c in chunks))
        self.assertEqual(chunks[0]["choices"][0]["delta"]["role"], "assistant")
        text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
        self.assertEqual(text, "echo: one two three")
        self.assertEqual(chunks[-1]["choices"], [])
        self.assertGreater(chunks[-1]["usage"]["total_tokens"], 0)

    def test_stream_without_usage_option_has_no_usage_chunk(self):
        r = self.chat({"model": "fake-echo", "stream": True,
                       "messages": [{"role": "user", "content": "x"}]})
        chunks = [json.loads(e) for e in sse_events(r.body)[:-1]]
        self.assertTrue(all(c["choices"] for c in chunks))

    def test_anthropic_upstream_is_translated(self):
        r = self.chat({"model": "claude-echo", "messages": [
            {"role": "system", "content": "be brief"}, {"role": "user", "content": "bonjour"}]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["choices"][0]["message"]["content"], "echo: bonjour")
        streamed = self.chat({"model": "claude-tool", "stream": True,
                              "messages": [{"role": "user", "content": "what is 6*7"}],
                              "tools": [{"type": "function", "function": {
                                  "name": "calculator", "parameters": {"type": "object"}}}]})
        chunks = [json.loads(e) for e in sse_events(streamed.body)[:-1]]
        arguments = "".join(tc["function"].get("arguments", "")
                            for c in chunks for tc in c["choices"][0]["delta"].get("tool_calls", []))
        self.assertEqual(json.loads(arguments), {"expression": "6*7"})
        self.assertEqual(chunks[-1]["choices"][0]["finish_reason"], "tool_calls")

    def test_failing_model_falls_back(self):
        r = self.chat({"model": "fake-500", "messages": [{"role": "user", "content": "x"}]})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["model"], "fake-echo")

    def test_429_is_retried_after_retry_after(self):
        started = time.time()
        r = self.chat({"model": "fake-429-then-ok", "user": "retry-check",
                       "messages": [{"role": "user", "content": "x"}]})
        self.assertEqual(r.status, 200, r.body)
        self.assertGreaterEqual(time.time() - started, 0.9)

    def test_upstream_5xx_without_fallback_is_502(self):
        r = self.chat({"model": "fake-500-alone", "messages": [{"role": "user", "content": "x"}]})
        error = assert_error(self, r, 502, type_="upstream_error")
        self.assertNotIn("upstream-secret-key", r.body.decode())
        self.assertTrue(error["message"])

    def test_unreachable_upstream_is_502(self):
        r = self.chat({"model": "unreachable", "messages": [{"role": "user", "content": "x"}]})
        assert_error(self, r, 502, "upstream_unreachable", "upstream_error")

    def test_unknown_model_is_404(self):
        r = self.chat({"model": "nope", "messages": [{"role": "user", "content": "x"}]})
        assert_error(self, r, 404, "model_not_found")

    def test_model_acl_of_a_key(self):
        created = self.server.request("POST", "/v1/auth/tokens",
                                      {"name": "m", "allowed_models": ["fake-echo"]}, token=self.token)
        key = created.json()["key"]
        denied = self.chat({"model": "claude-echo", "messages": [{"role": "user", "content": "x"}]}, key)
        assert_error(self, denied, 403, "model_not_allowed", "permission_error")
        models = self.server.request("GET", "/v1/models", token=key).json()
        self.assertEqual([m["id"] for m in models["data"]], ["fake-echo"])

    def test_bad_requests_are_400(self):
        cases = [
            ({"model": "fake-echo"}, "messages"),
            ({"model": "fake-echo", "messages": []}, "messages"),
            ({"model": "fake-echo", "messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
            ({"model": "fake-echo", "messages": [{"role": "tool", "content": "x"}]}, "messages[0].tool_call_id"),
            ({"model": "fake-echo", "temperature": 7, "messages": [{"role": "user", "content": "x"}]}, "temperature"),
            ({"model": 5, "messages": [{"role": "user", "content": "x"}]}, "model"),
        ]
        for body, param in cases:
            error = assert_error(self, self.chat(body), 400)
            self.assertEqual(error["param"], param, body)
        too_many = {"model": "fake-echo", "messages": [{"role": "user", "content": "x"}] * 1001}
        assert_error(self, self.chat(too_many), 400, "too_many_messages")

    def test_client_disconnect_cancels_the_upstream_stream(self):
        self.upstream.reset()
        body = json.dumps({"model": "fake-slow-stream", "stream": True,
                           "messages": [{"role": "user", "content": "long"}]}).encode()
        with socket.create_connection(("127.0.0.1", self.server.port)) as s:
            s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                      b"Authorization: Bearer " + self.token.encode() + b"\r\n"
                      b"Content-Type: application/json\r\nContent-Length: " +
                      str(len(body)).encode() + b"\r\n\r\n" + body)
            s.settimeout(10)
            received = b""
            while b"data: " not in received:  # headers and the first event may come apart
                piece = s.recv(65536)
                self.assertTrue(piece, "the stream ended before its first event")
                received += piece
        deadline = time.time() + 3
        while time.time() < deadline and self.upstream.stats()["cancelled_streams"] == 0:
            time.sleep(0.05)
        self.assertEqual(self.upstream.stats()["cancelled_streams"], 1)

    def test_a_stream_keeps_its_connection_for_the_next_request(self):
        conn = self.server.connection(10)
        body = json.dumps({"model": "fake-fast", "stream": True,
                           "messages": [{"role": "user", "content": "x"}]})
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        conn.request("POST", "/v1/chat/completions", body, headers)
        first = conn.getresponse()
        self.assertNotEqual(first.getheader("Connection", "").lower(), "close")
        self.assertEqual(sse_events(first.read())[-1], "[DONE]")
        conn.request("GET", "/v1/models", headers=headers)  # same socket: no reconnect
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()

    def test_a_request_sent_while_a_stream_runs_is_answered_after_it(self):
        body = json.dumps({"model": "fake-fast", "stream": True,
                           "messages": [{"role": "user", "content": "x"}]}).encode()
        auth = b"Authorization: Bearer " + self.token.encode() + b"\r\n"
        with socket.create_connection(("127.0.0.1", self.server.port)) as s:
            s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth +
                      b"Content-Type: application/json\r\nContent-Length: " +
                      str(len(body)).encode() + b"\r\n\r\n" + body +
                      b"GET /v1/models HTTP/1.1\r\nHost: x\r\n" + auth +
                      b"Connection: close\r\n\r\n")
            s.settimeout(10)
            received = b""
            while True:
                piece = s.recv(65536)
                if not piece:
                    break
                received += piece
        self.assertIn(b"data: [DONE]", received)
        second = received.split(b"0\r\n\r\n", 1)[1]
        self.assertTrue(second.startswith(b"HTTP/1.1 200"), second[:80])
        self.assertIn(b'"object":"list"', second)

    def test_error_after_stream_began_is_a_final_event(self):
        r = self.chat({"model": "fake-disconnect", "stream": True,
                       "messages": [{"role": "user", "content": "x"}]})
        events = sse_events(r.body)
        self.assertEqual(events[-1], "[DONE]")
        self.assertIn("error", json.loads(events[-2]))


class OpenAiSdk(GatewayServer):
    """The official npm `openai` client, unmodified, against agentd."""

    def run_sdk(self, scenario):
        env = dict(os.environ, AGENTD_BASE_URL=f"http://127.0.0.1:{self.server.port}/v1",
                   AGENTD_TOKEN=self.token)
        out = subprocess.run(["node", os.path.join(HERE, "openai_sdk_client.mjs"), scenario],
                             env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def test_non_stream(self):
        result = self.run_sdk("complete")
        self.assertEqual(result["content"], "echo: hello sdk")
        self.assertEqual(result["object"], "chat.completion")
        self.assertGreater(result["usage"]["total_tokens"], 0)

    def test_stream_with_usage(self):
        result = self.run_sdk("stream_with_usage")
        self.assertEqual(result["content"], "echo: streamed words")
        self.assertGreater(result["usage"]["total_tokens"], 0)

    def test_tool_calls_pass_through(self):
        result = self.run_sdk("tool_calls_passed_through")
        self.assertEqual(result["finish_reason"], "tool_calls")
        self.assertEqual(result["name"], "calculator")
        self.assertEqual(result["arguments"], {"expression": "6*7"})
        self.assertEqual(result["streamed_arguments"], {"expression": "6*7"})

    def test_errors_map_to_sdk_errors(self):
        result = self.run_sdk("errors")
        self.assertEqual(result["no-such-model"]["status"], 404)
        self.assertEqual(result["no-such-model"]["code"], "model_not_found")
        self.assertEqual(result["fake-500-alone"]["status"], 502)
        self.assertEqual(result["unreachable"]["status"], 502)

    def test_models_list(self):
        self.assertIn("fake-echo", self.run_sdk("models")["models"])


if __name__ == "__main__":
    unittest.main()

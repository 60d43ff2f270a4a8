"""Two agentd replicas on one PostgreSQL database and one Redis, behind nginx: what one
replica starts, another continues or sees. A paused run approved on the other replica; a
run's events followed on the other replica, across a reconnect; one rate limit for a key
whatever replica answers; a revoked key and a logged-out session refused at once everywhere;
a run cancelled on the replica that does not run it; a run whose replica is killed taken over
by the other, without running a completed tool call twice; Redis stopped and started again
under load."""

import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from event_stream import EventStream
from fake_upstream import start_fake_upstream, write_config
from harness import assert_error
from replicas import Topology, skip_unless_available

LEASE_MS = 2000
BASE_ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_RATE_LIMIT_FAIL_OPEN": "false",
    "AGENTD_RUN_LEASE_MS": str(LEASE_MS),
}
STRICT = "[fake:fake-tool strict=1] "
CALCULATOR_ANSWER = 'The tool returned: {"expression":"6*7","result":42}'
FINAL_STATUSES = {"completed", "failed", "cancelled", "awaiting_approval"}

# A stdio MCP server with one tool, `count`, that appends a line to the file named by its
# first argument on every call: the number of lines is the number of times it ran, whichever
# replica's copy of the server ran it.
COUNTER_MCP_SERVER = r'''
import json, os, sys

count_file = sys.argv[1]


def answer(message_id, result=None, error=None):
    reply = {"jsonrpc": "2.0", "id": message_id}
    if error is not None:
        reply["error"] = error
    else:
        reply["result"] = result
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    if not line.strip():
        continue
    message = json.loads(line)
    if "id" not in message or "method" not in message:
        continue  # a notification or an answer: nothing to say
    method = message["method"]
    if method == "initialize":
        answer(message["id"], {"protocolVersion": message["params"]["protocolVersion"],
                               "capabilities": {"tools": {}},
                               "serverInfo": {"name": "counter", "version": "1"}})
    elif method == "tools/list":
        answer(message["id"], {"tools": [{
            "name": "count", "description": "Counts one call.",
            "inputSchema": {"type": "object", "properties": {"label": {"type": "string"}}}}]})
    elif method == "tools/call":
        label = message["params"].get("arguments", {}).get("label", "")
        with open(count_file, "a") as f:
            f.write(label + "\n")
            f.flush()
            os.fsync(f.fileno())
        with open(count_file) as f:
            total = sum(1 for _ in f)
        answer(message["id"], {"content": [{"type": "text", "text": f"counted {label} ({total})"}],
                               "isError": False})
    elif method == "ping":
        answer(message["id"], {})
    else:
        answer(message["id"], error={"code": -32601, "message": "method not found"})
'''


class ScriptedModel:
    """An OpenAI-compatible model, scripted for the takeover test: its first turn asks for
    counter__count; the first turn after a tool result is held (nothing is sent back) until
    `release` is set or a minute passes, the later ones answer at once with the tool's
    result. `held` is set when a held call arrives. Answers stream when asked to."""

    def __init__(self):
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.held = threading.Event()
        self.after_tool_calls = 0
        self.requests = []
        model = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                model.answer(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self):
        with self.lock:
            self.after_tool_calls = 0
            self.requests = []
        self.held.clear()
        self.release.clear()

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def answer(self, handler, body):
        messages = body["messages"]
        with self.lock:
            self.requests.append(messages)
            after_tool = messages[-1]["role"] == "tool"
            if after_tool:
                self.after_tool_calls += 1
            hold = after_tool and self.after_tool_calls == 1
        if hold:
            self.held.set()
            self.release.wait(60)
        if after_tool:
            reply = {"content": "The tool returned: " + str(messages[-1]["content"])}
        else:
            arguments = json.dumps({"label": "once"})
            reply = {"tool_calls": [{"id": "call_" + uuid.uuid4().hex[:16], "type": "function",
                                     "function": {"name": "counter__count",
                                                  "arguments": arguments}}]}
        try:
            self.send(handler, body, reply)
        except OSError:
            pass  # the replica that asked is gone

    @staticmethod
    def send(handler, body, reply):
        created = int(time.time())
        finish = "tool_calls" if "tool_calls" in reply else "stop"
        usage = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
        base = {"id": "chatcmpl-scripted", "created": created, "model": body["model"]}
        if body.get("stream"):
            delta = {"role": "assistant", **reply}
            if "tool_calls" in reply:
                delta["tool_calls"] = [{"index": 0, **reply["tool_calls"][0]}]
            chunks = [{**base, "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
                      {**base, "object": "chat.completion.chunk",
                       "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}]
            if body.get("stream_options", {}).get("include_usage"):
                chunks.append({**base, "object": "chat.completion.chunk", "choices": [],
                               "usage": usage})
            data = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
            content_type = "text/event-stream"
        else:
            message = {"role": "assistant", "content": reply.get("content")}
            if "tool_calls" in reply:
                message["tool_calls"] = reply["tool_calls"]
            data = json.dumps({**base, "object": "chat.completion", "usage": usage,
                               "choices": [{"index": 0, "message": message,
                                            "finish_reason": finish}]})
            content_type = "application/json"
        payload = data.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
        handler.wfile.flush()


def slow(tokens, delay_ms):
    return f"[fake:fake-slow-stream tokens={tokens} delay-ms={delay_ms}] a long answer please"


def slow_text(tokens):
    return " ".join(f"t{i}" for i in range(tokens))


def poll(predicate, timeout):
    """The first true value of `predicate` within `timeout` seconds, else None."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def wait_for(predicate, timeout, what):
    value = poll(predicate, timeout)
    if value is None:
        raise AssertionError(f"{what}: not within {timeout}s")
    return value


def mcp_ready(server, name):
    try:
        return server.request("GET", "/ready", timeout=5).json().get("checks", {}).get(
            f"mcp:{name}") == "ok"
    except (OSError, ValueError):
        return False


class Replicas(unittest.TestCase):
    """Two replicas, A and B, with nginx in front; every test uses users, keys and
    conversations of its own."""

    @classmethod
    def setUpClass(cls):
        skip_unless_available()
        cls.upstream = start_fake_upstream(cls)
        cls.model = ScriptedModel()
        cls.addClassCleanup(cls.model.stop)
        work = tempfile.mkdtemp(prefix="agentd-replicas-test-")
        cls.addClassCleanup(shutil.rmtree, work, ignore_errors=True)
        counter = os.path.join(work, "counter_mcp.py")
        with open(counter, "w") as f:
            f.write(COUNTER_MCP_SERVER)
        cls.count_file = os.path.join(work, "count.txt")
        config = write_config(cls, cls.upstream, f"""\
  - {{name: scripted, provider: openai, base_url: "http://127.0.0.1:{cls.model.port}/v1", \
api_key_env: FAKE_UPSTREAM_KEY, timeout_ms: 60000, max_retries: 0}}
tools:
  calculator: {{requires_approval: true}}
mcp_servers:
  - name: counter
    command: {json.dumps(sys.executable)}
    args: [{json.dumps(counter)}, {json.dumps(cls.count_file)}]
    requires_approval: false
""")
        cls.topology = Topology(2, {**BASE_ENV, "AGENTD_CONFIG": config})
        cls.topology.start()
        cls.addClassCleanup(cls.topology.stop)
        cls.proxy = cls.topology.proxy
        for replica in cls.topology.replicas:
            wait_for(lambda: mcp_ready(replica, "counter"), 30, "MCP counter server connected")

    def setUp(self):
        self.a, self.b = self.topology.replicas  # a test may have restarted one
        self.token = self.proxy.sign_up()["access_token"]

    # --- helpers --------------------------------------------------------------------------
    def new_conversation(self, server, model):
        r = server.request("POST", "/v1/conversations", {"model": model}, token=self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def new_key(self, server, **fields):
        r = server.request("POST", "/v1/auth/tokens", {"name": "replicas", **fields},
                           token=self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()

    def stored(self, server, conversation_id):
        r = server.request("GET", f"/v1/conversations/{conversation_id}", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def get_run(self, server, run_id):
        r = server.request("GET", f"/v1/runs/{run_id}", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def follow(self, server, conversation_id, last_event_id=None):
        headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
        s = EventStream(server, "GET", f"/v1/conversations/{conversation_id}/events",
                        token=self.token, headers=headers, timeout=30)
        if s.status != 200:
            self.fail(f"GET /events on the other replica: {s.status} {s.body()!r}")
        return s

    # --- approvals ------------------------------------------------------------------------
    def test_each_replica_reports_its_redis_connection_on_ready(self):
        for replica in (self.a, self.b):
            r = replica.request("GET", "/ready")
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["checks"]["redis"], "ok")

    def test_run_paused_on_one_replica_is_approved_on_the_other(self):
        conversation_id = self.new_conversation(self.a, "fake-tool")
        r = self.a.request("POST", f"/v1/conversations/{conversation_id}/messages",
                           {"message": STRICT + "what is 6*7"}, token=self.token)
        self.assertEqual(r.status, 200, r.body)
        paused = r.json()
        self.assertEqual(paused["run"]["status"], "awaiting_approval", paused)
        call = paused["message"]["tool_calls"][0]
        self.assertEqual(call["function"]["name"], "calculator")
        self.assertEqual([a["tool_call_id"] for a in paused["pending_approvals"]], [call["id"]])

        # B sees the pause A stored, and resumes the run.
        self.assertEqual(self.stored(self.b, conversation_id)["status"], "awaiting_approval")
        r = self.b.request("POST", f"/v1/conversations/{conversation_id}/approve",
                           {"decisions": [{"tool_call_id": call["id"], "approved": True}]},
                           token=self.token)
        self.assertEqual(r.status, 200, r.body)
        done = r.json()
        self.assertEqual(done["run"]["status"], "completed", done)
        self.assertEqual(done["run"]["id"], paused["run"]["id"])
        self.assertEqual(done["message"]["content"], CALCULATOR_ANSWER)

        # Both replicas read the same finished history: the tool ran once.
        for server in (self.a, self.b):
            conversation = self.stored(server, conversation_id)
            self.assertEqual(conversation["status"], "idle")
            messages = conversation["messages"]
            self.assertEqual([m["role"] for m in messages],
                             ["user", "assistant", "tool", "assistant"])
            self.assertEqual(json.loads(messages[2]["content"]),
                             {"expression": "6*7", "result": 42})
            self.assertEqual(messages[2]["tool_call_id"], call["id"])
        self.assertEqual(self.get_run(self.a, paused["run"]["id"])["status"], "completed")

    # --- events ---------------------------------------------------------------------------
    def test_events_of_a_run_on_one_replica_are_followed_on_the_other_across_a_reconnect(self):
        tokens = 40
        conversation_id = self.new_conversation(self.a, "fake-echo")
        r = self.a.request("POST", f"/v1/conversations/{conversation_id}/messages",
                           {"message": slow(tokens, 50), "background": True}, token=self.token)
        self.assertEqual(r.status, 202, r.body)
        run_id = r.json()["id"]

        first = self.follow(self.b, conversation_id)
        seen = []
        while sum(e["event"] == "message.delta" for e in seen) < 10:
            event = first.next_event()
            self.assertIsNotNone(event, f"the stream on B ended early: {seen}")
            self.assertNotEqual(event["event"], "run.completed", "the run ended too soon")
            seen.append(event)
        first.disconnect()
        # The reconnect comes while the run is still producing words on A.
        self.assertEqual(self.get_run(self.a, run_id)["status"], "running")

        rest = self.follow(self.b, conversation_id, last_event_id=seen[-1]["id"]).events()
        events = seen + rest
        self.assertGreater(sum(e["event"] == "message.delta" for e in rest), 0,
                           "nothing came after the reconnect: it was not in the middle")
        ids = [e["id"] for e in events]
        self.assertEqual(ids, list(range(ids[0], ids[0] + len(ids))),
                         "event ids repeat, skip or go back")
        self.assertEqual(events[0]["event"], "run.started")
        self.assertEqual(events[-1]["event"], "run.completed")
        self.assertEqual([e["event"] for e in events].count("run.completed"), 1)
        text = "".join(e["data"]["content"] for e in events if e["event"] == "message.delta")
        self.assertEqual(text, slow_text(tokens))
        result = events[-1]["data"]
        self.assertEqual(result["run"]["id"], run_id)
        self.assertEqual(result["run"]["status"], "completed")
        self.assertEqual(result["message"]["content"], slow_text(tokens))

    # --- rate limits ----------------------------------------------------------------------
    def test_a_key_rate_limit_is_shared_by_the_replicas(self):
        limit, requests = 20, 60
        key = self.new_key(self.a, rate_limit_per_minute=limit)["key"]
        servers = [self.a, self.b]

        def call(i):
            r = servers[i % 2].request("GET", "/v1/models", token=key)
            return i % 2, r

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(call, range(requests)))
        elapsed = time.monotonic() - started

        statuses = sorted({r.status for _, r in results})
        self.assertTrue(set(statuses) <= {200, 429}, statuses)
        allowed = [side for side, r in results if r.status == 200]
        # GCRA with a burst of `limit`: one more request every 60/limit seconds after it.
        most = limit + int(elapsed // (60 / limit))
        self.assertGreaterEqual(len(allowed), limit)
        self.assertLessEqual(len(allowed), most,
                             f"{len(allowed)} of {requests} allowed in {elapsed:.1f}s "
                             f"(A {allowed.count(0)}, B {allowed.count(1)}): each replica "
                             "counts on its own")
        for side, r in results:
            self.assertEqual(r.header("x-ratelimit-limit"), str(limit))
            if r.status == 429:
                assert_error(self, r, 429, type_="rate_limit_error")
                self.assertIsNotNone(r.header("retry-after"))
        # Both replicas refused some: each one sees what the other allowed.
        self.assertTrue(all(any(s == side and r.status == 429 for s, r in results)
                            for side in (0, 1)))

    # --- revocation, logout and cancel at once everywhere ---------------------------------
    def assert_refused_now(self, response):
        """The very next request after the revocation answered is refused: the replica that
        revoked waited until every replica had dropped its cached entry (each acknowledges
        the notice on Redis), though their caches would keep it for 2 s."""
        assert_error(self, response, 401, type_="authentication_error")

    def test_a_key_revoked_on_one_replica_fails_on_the_other_at_once(self):
        created = self.new_key(self.a)
        key = created["key"]
        for _ in range(2):  # B has used the key: it knows it
            r = self.b.request("GET", "/v1/models", token=key)
            self.assertEqual(r.status, 200, r.body)
        r = self.a.request("DELETE", f"/v1/auth/tokens/{created['id']}", token=self.token)
        self.assertEqual(r.status, 204, r.body)
        self.assert_refused_now(self.b.request("GET", "/v1/models", token=key))
        assert_error(self, self.a.request("GET", "/v1/models", token=key), 401,
                     type_="authentication_error")

    def test_a_session_logged_out_on_one_replica_fails_on_the_other_at_once(self):
        session = self.proxy.sign_up()
        for _ in range(2):  # B has accepted the access token: it knows it
            r = self.b.me(session["access_token"])
            self.assertEqual(r.status, 200, r.body)
        r = self.a.logout(session["refresh_token"])
        self.assertEqual(r.status, 204, r.body)
        self.assert_refused_now(self.b.me(session["access_token"]))
        assert_error(self, self.b.refresh(session["refresh_token"]), 401,
                     type_="authentication_error")

    def test_a_run_cancelled_on_one_replica_stops_at_once_on_the_replica_running_it(self):
        conversation_id = self.new_conversation(self.a, "fake-echo")
        cancelled_before = self.upstream.stats()["cancelled_streams"]
        r = self.a.request("POST", f"/v1/conversations/{conversation_id}/messages",
                           {"message": slow(300, 20), "background": True}, token=self.token)
        self.assertEqual(r.status, 202, r.body)
        run_id = r.json()["id"]
        wait_for(lambda: self.upstream.stats()["active_streams"] > 0, 10,
                 "A streaming the model's answer")

        r = self.b.request("POST", f"/v1/runs/{run_id}/cancel", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["status"], "cancelled", r.body)
        cancelled_at = time.monotonic()
        # A drops the upstream request long before the 6 s answer would have ended.
        wait_for(lambda: self.upstream.stats()["cancelled_streams"] > cancelled_before, 2,
                 "A cancelling its upstream request")
        self.assertLess(time.monotonic() - cancelled_at, 2)
        self.assertEqual(self.get_run(self.a, run_id)["status"], "cancelled")
        wait_for(lambda: self.stored(self.a, conversation_id)["status"] == "idle", 3,
                 "the conversation free again")
        r = self.a.request("POST", f"/v1/conversations/{conversation_id}/messages",
                           {"message": "again"}, token=self.token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["message"]["content"], "echo: again")

    # --- takeover after kill -9 -----------------------------------------------------------
    def count_lines(self):
        try:
            with open(self.count_file) as f:
                return len(f.read().splitlines())
        except FileNotFoundError:
            return 0

    def test_a_run_whose_replica_is_killed_is_finished_by_the_other_without_rerunning_a_tool(self):
        self.model.reset()
        counted_before = self.count_lines()
        conversation_id = self.new_conversation(self.a, "scripted")
        r = self.a.request("POST", f"/v1/conversations/{conversation_id}/messages",
                           {"message": "count once, then answer", "background": True},
                           token=self.token)
        self.assertEqual(r.status, 202, r.body)
        run_id = r.json()["id"]
        try:
            # The tool has run and the model is asked again; that call hangs, and A dies.
            self.assertTrue(self.model.held.wait(30), "A never asked the model after the tool")
            self.assertEqual(self.count_lines(), counted_before + 1)
            self.topology.kill(0)
            killed_at = time.monotonic()

            def finished():
                run = self.get_run(self.b, run_id)
                return run if run["status"] in FINAL_STATUSES else None

            run = poll(finished, 30)
            if run is None:
                self.fail(f"run still {self.get_run(self.b, run_id)['status']} 30 s after its "
                          f"replica was killed:\n{self.topology.logs()}")
            took = time.monotonic() - killed_at
            self.assertEqual(run["status"], "completed", run)
            self.assertEqual(run["attempts"], 2, run)
            # About one lease to notice, then one model call; a sanitizer build is slow.
            self.assertLess(took, 5 * LEASE_MS / 1000, f"taken over and finished in {took:.1f}s")
            # The completed tool call was taken from the journal, not run again.
            self.assertEqual(self.count_lines(), counted_before + 1)
            self.assertEqual(self.model.after_tool_calls, 2)

            conversation = self.stored(self.b, conversation_id)
            self.assertEqual(conversation["status"], "idle")
            messages = conversation["messages"]
            self.assertEqual([m["role"] for m in messages],
                             ["user", "assistant", "tool", "assistant"])
            self.assertIn("counted once (", messages[2]["content"])
            self.assertEqual(messages[3]["content"],
                             "The tool returned: " + messages[2]["content"])
        finally:
            self.model.release.set()
            if not self.topology.alive()[0]:
                self.topology.restart(0)
                wait_for(lambda: mcp_ready(self.topology.replicas[0], "counter"), 30,
                         "MCP counter server connected after the restart")

    # --- Redis stopped and started --------------------------------------------------------
    def test_redis_stopped_and_started_under_load(self):
        key = self.new_key(self.a)["key"]
        pids = [r.process.pid for r in self.topology.replicas]
        log = []  # (sent, answered, status, error code)
        refused = []  # the 503 answers, whole
        stop = threading.Event()

        def load():
            while not stop.is_set():
                sent = time.monotonic()
                try:
                    r = self.proxy.request("GET", "/v1/models", token=key, timeout=10)
                    code = None
                    if r.status == 503:
                        refused.append(r)
                    if r.status != 200:
                        try:
                            code = r.json()["error"]["code"]
                        except (ValueError, KeyError, TypeError):
                            code = f"not the error shape: {r.body[:200]!r}"
                    log.append((sent, time.monotonic(), r.status, code))
                except OSError as e:
                    log.append((sent, time.monotonic(), None, repr(e)))
                time.sleep(0.01)

        loader = threading.Thread(target=load)
        loader.start()
        try:
            time.sleep(0.5)
            stopping_at = time.monotonic()
            self.topology.redis.stop()
            stopped_at = time.monotonic()
            time.sleep(2.0)
            restarted_at = time.monotonic()
            self.topology.redis.start()
            ok_again = wait_for(
                lambda: next((t for _, t, s, _ in list(log) if t > restarted_at and s == 200),
                             None), 10, "a request succeeds after Redis is back")
            time.sleep(1.0)
        finally:
            stop.set()
            loader.join(15)
            if not self.topology.redis.running():
                self.topology.redis.start()

        before = [e for e in log if e[1] < stopping_at]
        gap = [e for e in log if e[0] > stopped_at + 0.3 and e[1] < restarted_at]
        after = [e for e in log if e[0] > ok_again]
        self.assertTrue(before and gap and after, (len(before), len(gap), len(after)))
        self.assertEqual({(s, c) for _, _, s, c in before}, {(200, None)})
        self.assertEqual({(s, c) for _, _, s, c in gap}, {(503, "rate_limiter_unavailable")},
                         "with Redis down every request is refused as rate_limiter_unavailable")
        assert_error(self, refused[0], 503, "rate_limiter_unavailable", "api_error")
        self.assertEqual({(s, c) for _, _, s, c in after}, {(200, None)})
        self.assertLess(ok_again - restarted_at, 5.0)
        # Nothing else went wrong at any point, and nobody restarted.
        for _, _, status, code in log:
            self.assertIn((status, code), {(200, None), (503, "rate_limiter_unavailable")})
        self.assertEqual(self.topology.alive(), [True, True])
        self.assertEqual([r.process.pid for r in self.topology.replicas], pids)
        r = self.proxy.request("GET", "/v1/models", token=key)
        self.assertEqual(r.status, 200, r.body)


if __name__ == "__main__":
    unittest.main()

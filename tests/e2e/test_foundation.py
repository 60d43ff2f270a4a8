"""The server skeleton as a client sees it: health, routing errors, limits, timeouts,
request ids, logs and graceful shutdown."""

import json
import os
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from fake_upstream import FakeUpstream
from harness import AGENTD_BIN, Agentd, Response, assert_error


def raw_exchange(port, request, timeout=10):
    """Sends raw request bytes on a new connection and reads the answer until the server
    closes it: a Response whose body is the raw bytes."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(timeout)
        s.sendall(request)
        reply = b""
        while True:
            try:
                piece = s.recv(65536)
            except ConnectionResetError:
                break
            if not piece:
                break
            reply += piece
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Response(status, headers, body)


def json_log_lines(server):
    """Every line of a server's log parsed strictly: bytes that are not UTF-8 fail."""
    with open(server.log_path, "rb") as f:
        return [json.loads(line.decode("utf-8")) for line in f.read().splitlines() if line]


def strict_json(body):
    return json.loads(body.decode("utf-8"))


class Foundation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Agentd({"AGENTD_MAX_BODY_BYTES": "4096"}).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__()

    def test_health_answers_ok(self):
        r = self.server.request("GET", "/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), {"status": "ok"})
        self.assertEqual(r.header("content-type"), "application/json")

    def test_ready_reports_database(self):
        r = self.server.request("GET", "/ready")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["checks"]["database"], "ok")

    def test_unknown_route_is_404_in_error_shape(self):
        r = self.server.request("GET", "/v1/nothing-here")
        assert_error(self, r, 404, "route_not_found", "invalid_request_error")

    def test_wrong_method_is_405_with_allow(self):
        r = self.server.request("DELETE", "/health")
        assert_error(self, r, 405, "method_not_allowed")
        self.assertEqual(r.header("allow"), "GET")

    def test_oversized_body_is_413(self):
        r = self.server.request("POST", "/health", raw=b"x" * 5000,
                                headers={"Content-Type": "application/json"})
        assert_error(self, r, 413, "request_too_large")

    def test_oversized_chunked_body_is_413(self):
        with socket.create_connection(("127.0.0.1", self.server.port)) as s:
            chunk = b"x" * 3000
            s.sendall(b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in range(2):
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            s.sendall(b"0\r\n\r\n")
            reply = s.recv(65536)
        self.assertTrue(reply.startswith(b"HTTP/1.1 413"), reply[:80])

    def test_request_id_is_echoed_or_generated(self):
        r = self.server.request("GET", "/health", headers={"X-Request-Id": "trace-42"})
        self.assertEqual(r.header("x-request-id"), "trace-42")
        generated = self.server.request("GET", "/health").header("x-request-id")
        self.assertRegex(generated, r"^[0-9a-f]{32}$")
        error = self.server.request("GET", "/missing", headers={"X-Request-Id": "trace-43"})
        self.assertEqual(error.header("x-request-id"), "trace-43")

    def test_unsafe_request_id_is_replaced(self):
        r = self.server.request("GET", "/health", headers={"X-Request-Id": "a b<script>"})
        self.assertRegex(r.header("x-request-id"), r"^[0-9a-f]{32}$")

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        conn = self.server.connection()
        for _ in range(3):
            conn.request("GET", "/health")
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            r.read()
        conn.close()

    def test_malformed_http_is_400(self):
        with socket.create_connection(("127.0.0.1", self.server.port)) as s:
            s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            reply = s.recv(65536)
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply[:80])
        self.assertIn(b'"type":"invalid_request_error"', reply)

    def test_access_log_has_one_line_per_request(self):
        self.server.request("GET", "/health", headers={"X-Request-Id": "log-line-check"})
        time.sleep(1.2)  # the log is flushed at least once a second
        lines = [l for l in self.server.logs().splitlines() if "log-line-check" in l]
        self.assertEqual(len(lines), 1)
        self.assertIn("status=200", lines[0])
        self.assertIn("path=/health", lines[0])


class HostileRequests(unittest.TestCase):
    """What a client that means harm (or is merely broken) sends: bytes that are not UTF-8,
    huge heads, deep JSON. Each gets a clear answer in the error shape, and the JSON log stays
    JSON."""

    @classmethod
    def setUpClass(cls):
        cls.server = Agentd({"AGENTD_LOG_FORMAT": "json"}).start()
        cls.addClassCleanup(cls.server.__exit__)

    def test_path_bytes_that_are_not_utf8_give_a_json_body_and_json_logs(self):
        r = raw_exchange(self.server.port, b"GET /v1/\xff\xfe HTTP/1.1\r\nHost: x\r\n"
                                           b"X-Request-Id: not-utf8-path\r\n"
                                           b"Connection: close\r\n\r\n")
        self.assertEqual(r.status, 404, r.body)
        error = strict_json(r.body)["error"]
        self.assertEqual(error["code"], "route_not_found")
        self.assertIn("/v1/\ufffd\ufffd", error["message"])
        time.sleep(1.2)  # the log is flushed at least once a second
        lines = [line for line in json_log_lines(self.server)
                 if line.get("request_id") == "not-utf8-path"]
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["path"], "/v1/\ufffd\ufffd")

    def test_oversized_headers_are_431(self):
        r = raw_exchange(self.server.port, b"GET /health HTTP/1.1\r\nHost: x\r\n"
                                           b"X-Big: " + b"a" * 20000 + b"\r\n\r\n")
        error = assert_error(self, r, 431, "request_header_fields_too_large",
                             "invalid_request_error")
        self.assertIsNone(error["param"])

    def test_too_long_request_target_is_414(self):
        for length in (9000, 20000):  # within the header limit, and beyond it
            r = raw_exchange(self.server.port, b"GET /" + b"a" * length +
                             b" HTTP/1.1\r\nHost: x\r\n\r\n")
            error = assert_error(self, r, 414, "uri_too_long", "invalid_request_error")
            self.assertIsNone(error["param"])

    def test_json_nested_64_levels_is_accepted(self):
        deep = "[" * 63 + "1" + "]" * 63  # inside the body object: 64 levels
        body = '{"email":"nobody@example.com","password":"wrong-password","deep":%s}' % deep
        r = self.server.request("POST", "/v1/auth/login", raw=body.encode(),
                                headers={"Content-Type": "application/json"})
        assert_error(self, r, 401, "invalid_credentials")

    def test_deeper_json_is_refused_naming_the_limit(self):
        deep = "[" * 64 + "1" + "]" * 64
        body = '{"email":"nobody@example.com","password":"wrong-password","deep":%s}' % deep
        r = self.server.request("POST", "/v1/auth/login", raw=body.encode(),
                                headers={"Content-Type": "application/json"})
        error = assert_error(self, r, 400, "invalid_json")
        self.assertIn("nesting deeper than 64", error["message"])


class PrivateDataDir(unittest.TestCase):
    """The data dir holds password and key hashes and the signing secret."""

    def setUp(self):
        self.parent = tempfile.mkdtemp(prefix="agentd-e2e-private-")
        self.addCleanup(subprocess.run, ["rm", "-rf", self.parent])

    def mode(self, *parts):
        return stat.S_IMODE(os.stat(os.path.join(*parts)).st_mode)

    def test_a_new_data_dir_and_database_are_owner_only(self):
        data_dir = os.path.join(self.parent, "data")  # agentd creates it
        previous = os.umask(0o022)  # the usual umask, which gave 0755 and 0644 before
        try:
            server = Agentd({"AGENTD_DATA_DIR": data_dir}, data_dir=self.parent).start()
        finally:
            os.umask(previous)
        try:
            server.sign_up()  # a write, so the WAL files exist
            self.assertEqual(self.mode(data_dir), 0o700)
            for name in ("agentd.db", "agentd.db-wal", "agentd.db-shm", "jwt_secret"):
                self.assertEqual(self.mode(data_dir, name), 0o600, name)
        finally:
            server.stop()

    def test_an_existing_open_data_dir_keeps_its_mode_with_a_warning(self):
        data_dir = os.path.join(self.parent, "shared")
        os.mkdir(data_dir)
        os.chmod(data_dir, 0o750)
        server = Agentd({"AGENTD_LOG_FORMAT": "json"}, data_dir=data_dir).start()
        try:
            self.assertEqual(self.mode(data_dir), 0o750)
            self.assertEqual(self.mode(data_dir, "agentd.db"), 0o600)
        finally:
            server.stop()
        warnings = [line for line in json_log_lines(server)
                    if line["event"] == "data_dir_not_private"]
        self.assertEqual(len(warnings), 1)
        self.assertEqual(warnings[0]["level"], "warning")
        self.assertEqual(warnings[0]["path"], data_dir)


class StreamDisconnect(unittest.TestCase):
    """A client that leaves a stream is ordinary: no error in the log."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = FakeUpstream()
        cls.addClassCleanup(cls.upstream.stop)
        cls.addClassCleanup(cls.upstream.process.stdout.close)
        config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        config.write(cls.upstream.config_yaml())
        config.close()
        cls.addClassCleanup(os.unlink, config.name)
        cls.server = Agentd({"AGENTD_CONFIG": config.name, "FAKE_UPSTREAM_KEY": "k",
                             "AGENTD_LOG_FORMAT": "json", "AGENTD_LOG_LEVEL": "debug"}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    def leave_stream(self, body, request_id):
        payload = json.dumps(body).encode()
        with socket.create_connection(("127.0.0.1", self.server.port)) as s:
            s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                      b"Authorization: Bearer " + self.token.encode() + b"\r\n"
                      b"X-Request-Id: " + request_id.encode() + b"\r\n"
                      b"Content-Type: application/json\r\nContent-Length: " +
                      str(len(payload)).encode() + b"\r\n\r\n" + payload)
            s.settimeout(10)
            received = b""
            while b"data: " not in received:
                piece = s.recv(65536)
                self.assertTrue(piece, "the stream ended before its first event")
                received += piece
        # The request line is logged once the server has seen the client go.
        deadline = time.time() + 5
        while time.time() < deadline:
            time.sleep(0.3)
            if any(line.get("request_id") == request_id for line in json_log_lines(self.server)):
                return
        self.fail(f"no request log line for {request_id}")

    def assert_no_stream_errors(self):
        failures = [line for line in json_log_lines(self.server)
                    if line["event"] == "stream_producer_failed" and line["level"] != "debug"]
        self.assertEqual(failures, [])

    def test_leaving_a_gateway_stream_is_not_an_error(self):
        self.leave_stream({"model": "fake-slow-stream", "stream": True,
                           "messages": [{"role": "user", "content": "long"}]}, "leave-gateway")
        self.assert_no_stream_errors()

    def test_leaving_an_agent_stream_is_not_an_error(self):
        self.leave_stream({"model": "fake-slow-stream", "stream": True, "agent": {"tools": []},
                           "messages": [{"role": "user", "content": "long"}]}, "leave-agent")
        self.assert_no_stream_errors()


class Timeouts(unittest.TestCase):
    def test_silent_client_is_disconnected(self):
        with Agentd({"AGENTD_IDLE_TIMEOUT_MS": "300"}) as server:
            with socket.create_connection(("127.0.0.1", server.port)) as s:
                s.settimeout(5)
                start = time.time()
                self.assertEqual(s.recv(1), b"")
                self.assertLess(time.time() - start, 3)

    def test_slow_header_is_cut_off(self):
        with Agentd({"AGENTD_HEADER_TIMEOUT_MS": "300"}) as server:
            with socket.create_connection(("127.0.0.1", server.port)) as s:
                s.settimeout(5)
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes
                start = time.time()
                self.assertEqual(s.recv(1), b"")
                self.assertLess(time.time() - start, 3)


class Lifecycle(unittest.TestCase):
    def test_bad_configuration_exits_2_with_message(self):
        result = subprocess.run([AGENTD_BIN, "serve"], capture_output=True, text=True,
                                env={"AGENTD_MAX_BODY_BYTES": "lots"}, timeout=10)
        self.assertEqual(result.returncode, 2)
        self.assertIn("AGENTD_MAX_BODY_BYTES", result.stderr)

    def test_configuration_that_cannot_work_exits_2_with_message(self):
        """Errors found only while building the server (a duplicate model, a default model
        nobody configured) are configuration errors too."""
        server = Agentd({"OPENAI_API_KEY": None, "ANTHROPIC_API_KEY": None})
        config_path = os.path.join(server.data_dir, "agentd.yaml")
        with open(config_path, "w") as f:
            f.write("models:\n"
                    "  - {name: twin, provider: openai, base_url: http://127.0.0.1:9/v1}\n"
                    "  - {name: twin, provider: openai, base_url: http://127.0.0.1:9/v1}\n")
        cases = [({"AGENTD_CONFIG": config_path}, "twin"),
                 ({"AGENTD_DEFAULT_MODEL": "nowhere"}, "default model nowhere")]
        for extra, expected in cases:
            with self.subTest(expected=expected):
                result = subprocess.run([AGENTD_BIN, "serve"], capture_output=True, text=True,
                                        env={**server.env, **extra}, timeout=30)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn("invalid configuration", result.stderr)
                self.assertIn(expected, result.stderr)
        subprocess.run(["rm", "-rf", server.data_dir])

    def test_help_and_version(self):
        help_ = subprocess.run([AGENTD_BIN, "--help"], capture_output=True, text=True, timeout=10)
        self.assertEqual(help_.returncode, 0)
        self.assertIn("serve", help_.stdout)
        version = subprocess.run([AGENTD_BIN, "version"], capture_output=True, text=True,
                                 timeout=10)
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout, r"^agentd \d+\.\d+\.\d+")

    def test_migrate_command_prepares_database(self):
        server = Agentd()
        result = subprocess.run([AGENTD_BIN, "migrate"], env=server.env, capture_output=True,
                                text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("migrated", result.stdout)
        subprocess.run(["rm", "-rf", server.data_dir])

    def test_json_log_format(self):
        with Agentd({"AGENTD_LOG_FORMAT": "json"}) as server:
            server.request("GET", "/health")
            time.sleep(1.2)
            events = [json.loads(line) for line in server.logs().splitlines() if line]
        requests = [e for e in events if e["event"] == "request"]
        self.assertTrue(requests)
        self.assertEqual(requests[-1]["status"], 200)
        self.assertIn("request_id", requests[-1])

    def test_sigterm_lets_in_flight_request_finish(self):
        server = Agentd().start()
        try:
            with socket.create_connection(("127.0.0.1", server.port)) as busy, \
                    socket.create_connection(("127.0.0.1", server.port)) as idle:
                busy.settimeout(10)
                idle.settimeout(10)
                # A request whose body is still arriving when the signal comes.
                busy.sendall(b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
                time.sleep(0.3)
                server.process.send_signal(signal.SIGTERM)
                time.sleep(0.3)
                self.assertIsNone(server.process.poll(), "exited before the request finished")
                self.assertEqual(idle.recv(1), b"", "idle connection should be closed")
                busy.sendall(b"67890")
                reply = busy.recv(65536)
                self.assertTrue(reply.startswith(b"HTTP/1.1 405"), reply[:80])
                self.assertIn(b"Connection: close", reply)
            self.assertEqual(server.process.wait(10), 0)
            # No new connections after shutdown began.
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        finally:
            server.__exit__()

    def test_shutdown_deadline_bounds_a_stuck_request(self):
        server = Agentd({"AGENTD_SHUTDOWN_TIMEOUT_MS": "500",
                         "AGENTD_HEADER_TIMEOUT_MS": "60000"}).start()
        try:
            with socket.create_connection(("127.0.0.1", server.port)) as stuck:
                stuck.sendall(b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n1")
                time.sleep(0.2)
                start = time.time()
                server.process.send_signal(signal.SIGTERM)
                self.assertEqual(server.process.wait(10), 0)
                self.assertLess(time.time() - start, 5)
        finally:
            server.__exit__()


if __name__ == "__main__":
    unittest.main()

"""Starts the real agentd binary on a free loopback port with a fresh data directory. Every
response read through it is checked against the API document (openapi_contract)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import openapi_contract

AGENTD_BIN = os.environ.get("AGENTD_BIN", "../../build/debug/agentd")

# "postgres" runs each agentd on a PostgreSQL database of its own, made on the server at
# AGENTD_TEST_POSTGRES_URL; otherwise agentd uses its embedded SQLite default.
DATABASE = os.environ.get("AGENTD_E2E_DATABASE", "sqlite")

# A password that satisfies the policy; tests that need another one say so.
PASSWORD = "correct-horse-battery"


def unique_email(label="user"):
    return f"{label}-{uuid.uuid4().hex[:12]}@example.com"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=20, process=None, what="server"):
    """Until something listens on the loopback port; fails at once if `process` exits."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{what}: nothing listens on {port} after {timeout}s")


def postgres_database(data_dir):
    """A fresh database for one data dir, the same one again when agentd restarts on it."""
    marker = os.path.join(data_dir, "postgres_url")
    if os.path.exists(marker):
        with open(marker) as f:
            return f.read()
    server = os.environ["AGENTD_TEST_POSTGRES_URL"]
    name = "e2e_" + uuid.uuid4().hex[:16]
    subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name}"], check=True,
                   stdout=subprocess.DEVNULL)
    url = server.rsplit("/", 1)[0] + "/" + name
    with open(marker, "w") as f:
        f.write(url)
    return url


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())


class Agentd:
    """One agentd process; use as a context manager."""

    def __init__(self, env=None, data_dir=None):
        """`env` overrides the inherited environment; a value of None unsets the variable."""
        self.port = free_port()
        self._own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="agentd-e2e-")
        self.env = dict(os.environ)
        self.env.update({
            "AGENTD_ADDR": f"127.0.0.1:{self.port}",
            "AGENTD_DATA_DIR": self.data_dir,
            "AGENTD_THREADS": "2",
            # A killed server's runs are taken over within seconds, not the default 15.
            "AGENTD_RUN_LEASE_MS": "2000",
        })
        if DATABASE == "postgres" and "AGENTD_DATABASE_URL" not in (env or {}):
            self.env["AGENTD_DATABASE_URL"] = postgres_database(self.data_dir)
            self.env["AGENTD_MIGRATE_ON_START"] = "true"
        for name, value in (env or {}).items():
            if value is None:
                self.env.pop(name, None)
            else:
                self.env[name] = value
        self.log_path = os.path.join(self.data_dir, "agentd.log")
        self.process = None

    def start(self, wait_ready=True):
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([AGENTD_BIN, "serve"], env=self.env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        if wait_ready:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"agentd exited with {self.process.returncode}:\n{self.logs()}")
            try:
                if self.request("GET", "/ready").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"agentd not ready in {timeout}s:\n{self.logs()}")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self._log.close()
        return self.process.returncode if self.process else None

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def connection(self, timeout=30):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, token=None, raw=None, timeout=30):
        """Sends one request; `body` is JSON-encoded unless `raw` bytes are given."""
        headers = dict(headers or {})
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn = self.connection(timeout)
        try:
            conn.request(method, path, body=payload, headers=headers)
            r = conn.getresponse()
            data = r.read()
        finally:
            conn.close()
        response = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        self.expect(method, path, response.status, response.headers).body(data)
        return response

    def expect(self, method, path, status, headers):
        """What the API document says of this answer (openapi_contract.Expectation); every
        response read through this class or EventStream is checked against it."""
        return openapi_contract.expect(method, path, status, headers)

    # Identity helpers: plain calls, no assertions, except sign_up which needs both to work.
    def register(self, email, password=PASSWORD, name=None, headers=None):
        body = {"email": email, "password": password}
        if name is not None:
            body["name"] = name
        return self.request("POST", "/v1/auth/register", body, headers=headers)

    def login(self, email, password=PASSWORD, headers=None):
        return self.request("POST", "/v1/auth/login", {"email": email, "password": password},
                            headers=headers)

    def refresh(self, refresh_token):
        return self.request("POST", "/v1/auth/refresh", {"refresh_token": refresh_token})

    def logout(self, refresh_token):
        return self.request("POST", "/v1/auth/logout", {"refresh_token": refresh_token})

    def me(self, token):
        return self.request("GET", "/v1/users/me", token=token)

    def sign_up(self, email=None, password=PASSWORD, name=None, headers=None):
        """Registers a new user and signs in; returns the login body plus its "email"."""
        email = email or unique_email()
        registered = self.register(email, password, name, headers)
        if registered.status != 201:
            raise RuntimeError(f"register {email}: {registered.status} {registered.body!r}")
        signed_in = self.login(email, password, headers)
        if signed_in.status != 200:
            raise RuntimeError(f"login {email}: {signed_in.status} {signed_in.body!r}")
        return {**signed_in.json(), "email": email}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self._own_dir:
            subprocess.run(["rm", "-rf", self.data_dir])


def assert_error(test, response, status, code=None, type_=None):
    """Checks the OpenAI error shape: {"error":{"message","type","param","code"}}."""
    test.assertEqual(response.status, status, response.body)
    error = response.json()["error"]
    test.assertEqual(set(error), {"message", "type", "param", "code"})
    test.assertTrue(error["message"])
    if code is not None:
        test.assertEqual(error["code"], code)
    if type_ is not None:
        test.assertEqual(error["type"], type_)
    return error


def openai_messages(stored):
    """Stored Message objects as an OpenAI request's message list: assistant tool calls as
    {"id","type":"function","function":{"name","arguments"}}, tool messages with their
    tool_call_id."""
    out = []
    for m in stored:
        message = {"role": m["role"], "content": m["content"]}
        if m.get("tool_calls"):
            message["tool_calls"] = [
                {"id": c["id"], "type": c["type"],
                 "function": {"name": c["function"]["name"], "arguments": c["function"]["arguments"]}}
                for c in m["tool_calls"]]
        if m["role"] == "tool":
            message["tool_call_id"] = m["tool_call_id"]
            if "name" in m:
                message["name"] = m["name"]
        out.append(message)
    return out

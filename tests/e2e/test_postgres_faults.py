"""PostgreSQL outages against the real binary, on a cluster this file owns (it stops, crashes,
freezes and restarts it, so never the shared one): a request that needs the database gets a
quick 503 database_unavailable and never hangs, /ready says so, the process stays up, and
once the server is back the same requests work again without restarting agentd, with nothing
stored before the outage lost. A run cut by an outage ends failed once the database returns,
which frees its conversation. agentd started while the database is down exits at once with a
clear log line."""

import concurrent.futures
import json
import os
import subprocess
import time
import unittest

from event_stream import EventStream
from fake_upstream import start_fake_upstream, write_config
from harness import AGENTD_BIN, PASSWORD, Agentd, assert_error
from postgres_cluster import PostgresCluster, postgres_bin_dir

POOL_SIZE = 4
# Small database timeouts, so that a hang would show as a slow answer.
ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_LOG_FORMAT": "json",
    "AGENTD_MIGRATE_ON_START": "true",
    "AGENTD_DATABASE_POOL_SIZE": str(POOL_SIZE),
    "AGENTD_DATABASE_QUERY_TIMEOUT_MS": "1500",
    "AGENTD_DATABASE_ACQUIRE_TIMEOUT_MS": "500",
    "AGENTD_DATABASE_CONNECT_TIMEOUT_MS": "1000",
}
# Every refusal during an outage must come well within this: against a stopped server it is
# immediate, against a frozen one about 3 s (a query timeout, then one more try).
ANSWER_WITHIN = 5.0
# The password in the database URL (trust authentication ignores it): it must never be shown.
DB_PASSWORD = "pw-never-shown-4711"


def slow(tokens, delay_ms, text="a long answer please"):
    """A message the fake upstream answers with `tokens` words "t0 t1 …", one every
    `delay_ms` ms, whatever the model."""
    return f"[fake:fake-slow-stream tokens={tokens} delay-ms={delay_ms}] {text}"


def slow_text(tokens):
    return " ".join(f"t{i}" for i in range(tokens))


def log_events(server):
    """agentd's JSON log lines, parsed (anything else in the file, such as a sanitizer
    report, is skipped)."""
    with open(server.log_path, "rb") as f:
        lines = f.read().decode("utf-8", errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


class PostgresFaults(unittest.TestCase):
    """One cluster for the class, a fresh database and agentd for each test."""

    @classmethod
    def setUpClass(cls):
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            message = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
            if os.environ.get("AGENTD_TESTS_REQUIRE_POSTGRES") == "1":
                raise AssertionError(message + ", and AGENTD_TESTS_REQUIRE_POSTGRES=1")
            raise unittest.SkipTest(message)
        cls.cluster = PostgresCluster(bin_dir)
        cls.addClassCleanup(cls.cluster.destroy)
        cls.cluster.start()
        cls.upstream = start_fake_upstream(cls)
        cls.config = write_config(cls, cls.upstream)

    def setUp(self):
        # A test that failed half-way may have left the server frozen or stopped.
        self.cluster.thaw()
        if not self.cluster.running():
            self.cluster.start()

    # --- helpers -------------------------------------------------------------------------
    def agentd_env(self, url=None, **overrides):
        url = url or self.cluster.create_database()
        url = url.replace("postgres://agentd@", f"postgres://agentd:{DB_PASSWORD}@")
        return {**ENV, "AGENTD_CONFIG": self.config, "AGENTD_DATABASE_URL": url, **overrides}

    def start_agentd(self, **overrides):
        server = Agentd(self.agentd_env(**overrides))
        self.addCleanup(server.__exit__)
        return server.start()

    def timed(self, server, method, path, body=None, token=None):
        started = time.monotonic()
        r = server.request(method, path, body, token=token, timeout=30)
        return r, time.monotonic() - started

    def assert_unavailable(self, server, method, path, body=None, token=None):
        """503 database_unavailable in the OpenAI error shape, quickly, with nothing of the
        database's address or credentials in it."""
        r, took = self.timed(server, method, path, body, token)
        assert_error(self, r, 503, "database_unavailable", "api_error")
        self.assertLess(took, ANSWER_WITHIN, f"{method} {path} took {took:.1f}s")
        self.assertNotIn(DB_PASSWORD.encode(), r.body)
        self.assertNotIn(str(self.cluster.port).encode(), r.body)
        return r

    def assert_not_ready(self, server):
        r, took = self.timed(server, "GET", "/ready")
        error = assert_error(self, r, 503, type_="api_error")
        self.assertIn("database", error["message"])
        self.assertLess(took, ANSWER_WITHIN)
        self.assertEqual(server.request("GET", "/health").status, 200)  # alive, just not ready
        self.assertIsNone(server.process.poll(), "agentd exited during the outage")

    def assert_credentials_not_doubted(self, server, credentials, me):
        """During an outage a valid credential may still be served from agentd's short-lived
        identity cache (200, the same user), then gets 503 within seconds; never 401, which
        would make a client sign its user out or throw its key away."""
        pending = dict(credentials)
        deadline = time.monotonic() + ANSWER_WITHIN
        while pending:
            for name, credential in list(pending.items()):
                r = server.request("GET", "/v1/users/me", token=credential)
                if r.status == 200:
                    self.assertEqual(r.json(), me, name)
                    continue
                self.assertEqual((name, r.status), (name, 503), r.body)
                assert_error(self, r, 503, "database_unavailable", "api_error")
                del pending[name]
            self.assertLess(time.monotonic(), deadline,
                            f"{sorted(pending)} still accepted {ANSWER_WITHIN}s into the outage")
            time.sleep(0.05)

    def wait_until_ok(self, server, method, path, token=None, timeout=10):
        """Polls until `path` answers 200 (the database is back); returns that response."""
        deadline = time.monotonic() + timeout
        while True:
            r = server.request(method, path, token=token)
            if r.status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(r.status, 200, f"{method} {path} still failing {timeout}s after the "
                                        f"database came back: {r.body!r}\n{server.logs()[-3000:]}")
        return r

    def get_ok(self, server, path, token):
        r = server.request("GET", path, token=token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def snapshot(self, server, token):
        """Everything the user has stored, as the API shows it."""
        listed = self.get_ok(server, "/v1/conversations?limit=100", token)
        return {
            "me": self.get_ok(server, "/v1/users/me", token),
            "conversations": listed,
            "each": {c["id"]: self.get_ok(server, f"/v1/conversations/{c['id']}", token)
                     for c in listed["data"]},
            "keys": self.get_ok(server, "/v1/auth/tokens", token),
        }

    def store_some_data(self, server):
        """A signed-in user with a conversation that ran, an empty one and an API key."""
        user = server.sign_up()
        token = user["access_token"]
        ran = server.request("POST", "/v1/conversations",
                             {"model": "fake-echo", "message": "remember this"}, token=token)
        self.assertEqual(ran.status, 201, ran.body)
        empty = server.request("POST", "/v1/conversations", {"title": "kept empty"}, token=token)
        self.assertEqual(empty.status, 201, empty.body)
        key = server.request("POST", "/v1/auth/tokens", {"name": "outage"}, token=token)
        self.assertEqual(key.status, 201, key.body)
        return user, ran.json()["conversation"]["id"], key.json()["key"]

    # --- outages -------------------------------------------------------------------------
    def check_outage(self, mode):
        server = self.start_agentd()
        user, conversation_id, api_key = self.store_some_data(server)
        token = user["access_token"]
        # The key is first used a second after the session was: what agentd caches of each
        # then expires at different times during the outage.
        time.sleep(1)
        self.assertEqual(server.request("GET", "/v1/users/me", token=api_key).status, 200)
        before = self.snapshot(server, token)

        self.cluster.stop(mode)
        with self.subTest(mode=mode, check="credentials during the outage"):
            self.assert_credentials_not_doubted(
                server, {"access token": token, "API key": api_key}, before["me"])
        # A login is likewise never "invalid credentials", nor a refresh "session ended".
        refused = [
            ("GET", "/v1/conversations", None, token),
            ("POST", "/v1/conversations", {"title": "during the outage"}, token),
            ("GET", f"/v1/conversations/{conversation_id}", None, token),
            ("POST", f"/v1/conversations/{conversation_id}/messages", {"message": "hello?"}, token),
            ("GET", "/v1/auth/tokens", None, token),
            ("POST", "/v1/auth/login", {"email": user["email"], "password": PASSWORD}, None),
            ("POST", "/v1/auth/refresh", {"refresh_token": user["refresh_token"]}, None),
        ]
        for method, path, body, credential in refused:
            with self.subTest(mode=mode, request=f"{method} {path}", credential=bool(credential)):
                self.assert_unavailable(server, method, path, body, credential)
        self.assert_not_ready(server)

        self.cluster.start()  # same port, same data
        self.wait_until_ok(server, "GET", "/v1/conversations", token)
        # All there, and nothing half-written by the refused requests.
        self.assertEqual(self.snapshot(server, token), before)
        # The same session, key and refresh token still work: the user stayed signed in.
        self.assertEqual(server.request("GET", "/v1/users/me", token=api_key).status, 200)
        refreshed = server.refresh(user["refresh_token"])
        self.assertEqual(refreshed.status, 200, refreshed.body)
        self.assertEqual(server.login(user["email"]).status, 200)
        # Every pooled connection works again, not just the first one tried.
        for _ in range(2 * POOL_SIZE):
            self.assertEqual(server.request("GET", "/v1/conversations", token=token).status, 200)
        answered = server.request("POST", f"/v1/conversations/{conversation_id}/messages",
                                  {"message": "after"}, token=token)
        self.assertEqual(answered.status, 200, answered.body)
        self.assertEqual(answered.json()["message"]["content"], "echo: after")
        self.assertEqual(server.request("GET", "/ready").status, 200)
        with self.subTest(mode=mode, check="the log stays JSON"):
            time.sleep(1.1)  # the log is flushed at least once a second
            with open(server.log_path, "rb") as f:
                lines = [line for line in f.read().decode(errors="replace").splitlines() if line]
            self.assertEqual([line for line in lines if not line.startswith("{")], [])

    def test_a_clean_restart_refuses_quickly_and_loses_nothing(self):
        """pg_ctl stop -m fast: the server closes every session and goes away."""
        self.check_outage("fast")

    def test_a_crash_refuses_quickly_and_loses_nothing(self):
        """pg_ctl stop -m immediate: every server process dies without a goodbye; the
        server recovers from its WAL at the next start."""
        self.check_outage("immediate")

    def test_connections_broken_by_a_restart_do_not_fail_the_next_requests(self):
        """After a restart nobody used the database during, every pooled connection is dead:
        the pool must notice and connect again, not hand the dead ones to requests."""
        server = self.start_agentd()
        token = server.sign_up()["access_token"]
        for mode in ("fast", "immediate"):
            with self.subTest(mode=mode):
                # Several requests at once, so the pool holds several connections.
                with concurrent.futures.ThreadPoolExecutor(POOL_SIZE) as workers:
                    warm = list(workers.map(
                        lambda _: server.request("GET", "/v1/conversations", token=token).status,
                        range(2 * POOL_SIZE)))
                self.assertEqual(warm, [200] * (2 * POOL_SIZE))
                self.cluster.stop(mode)
                self.cluster.start()
                after = [server.request("GET", "/v1/conversations", token=token).status
                         for _ in range(2 * POOL_SIZE)]
                self.assertEqual(after, [200] * (2 * POOL_SIZE))

    def test_a_server_that_stops_answering_costs_a_bounded_wait(self):
        """A frozen server (SIGSTOP: connections open, nothing answers) is the case only the
        query and connect timeouts catch: each request still gets its 503 in seconds."""
        server = self.start_agentd()
        user, conversation_id, _ = self.store_some_data(server)
        token = user["access_token"]
        before = self.snapshot(server, token)

        self.cluster.freeze()
        self.assert_unavailable(server, "GET", "/v1/conversations", token=token)
        self.assert_unavailable(server, "POST", "/v1/conversations", {"title": "frozen"}, token)
        self.assert_unavailable(server, "GET", f"/v1/conversations/{conversation_id}",
                                token=token)
        self.assert_not_ready(server)

        self.cluster.thaw()
        self.wait_until_ok(server, "GET", "/v1/conversations", token)
        self.assertEqual(self.snapshot(server, token), before)

    # --- a run cut by an outage ----------------------------------------------------------
    def test_a_run_whose_database_vanishes_ends_failed_once_it_is_back(self):
        """A background run streams 60 words over 3 s; the database stops after the first word.
        The answer cannot be stored, so the run fails; agentd keeps trying to store that
        end and does once the database is back, freeing the conversation. The stream is
        kept open only to know when the run has ended."""
        server = self.start_agentd()
        token = server.sign_up()["access_token"]
        created = server.request("POST", "/v1/conversations",
                                 {"model": "fake-echo", "message": "hello"}, token=token)
        self.assertEqual(created.status, 201, created.body)
        conversation_id = created.json()["conversation"]["id"]
        path = f"/v1/conversations/{conversation_id}"

        s = EventStream(server, "POST", path + "/messages",
                        {"message": slow(60, 50), "stream": True, "background": True},
                        token=token)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        seen = s.events_until("message.delta")
        run_id = seen[0]["data"]["run"]["id"]
        self.assertEqual(self.get_ok(server, path, token)["status"], "running")

        self.cluster.stop("fast")
        rest = s.events()
        self.assertEqual(rest[-1]["event"], "error", rest[-1])
        self.assertEqual(rest[-1]["data"]["error"]["code"], "database_unavailable", rest[-1])
        text = "".join(e["data"]["content"] for e in seen + rest if e["event"] == "message.delta")
        self.assertEqual(text, slow_text(60))  # the model's answer itself was not cut
        self.assert_unavailable(server, "GET", f"/v1/runs/{run_id}", token=token)

        self.cluster.start()
        self.wait_until_ok(server, "GET", f"/v1/runs/{run_id}", token)
        deadline = time.monotonic() + 20  # retries back off to one every 5 s
        while (run := self.get_ok(server, f"/v1/runs/{run_id}", token))["status"] == "running":
            self.assertLess(time.monotonic(), deadline, f"run still running: {run}")
            time.sleep(0.1)
        self.assertEqual(run["status"], "failed", run)
        self.assertIn("database", run.get("error", ""), run)
        self.assertTrue(run.get("finished_at"), run)
        runs = self.get_ok(server, path + "/runs", token)["data"]
        self.assertEqual([(r["id"], r["status"]) for r in runs][:1], [(run_id, "failed")])
        self.assertEqual(runs[1]["status"], "completed")

        # What was stored before the outage is all there, and the conversation is free.
        conversation = self.get_ok(server, path, token)
        self.assertEqual(conversation["status"], "idle")
        self.assertEqual([(m["role"], m["content"]) for m in conversation["messages"][:3]],
                         [("user", "hello"), ("assistant", "echo: hello"),
                          ("user", slow(60, 50))])
        again = server.request("POST", path + "/messages", {"message": "again"}, token=token)
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(again.json()["run"]["status"], "completed")
        self.assertEqual(again.json()["message"]["content"], "echo: again")

    # --- starting while the database is down ---------------------------------------------
    def test_a_schema_behind_or_ahead_is_refused_by_ready_until_it_matches(self):
        """Replicas are migrated by `agentd migrate` in a deploy step: one that starts on a
        database not (or not yet) migrated serves nothing from it and says why, in its log
        and on /ready, until the schema is the one it was built for."""
        url = self.cluster.create_database()
        env = self.agentd_env(url, AGENTD_MIGRATE_ON_START="false")
        server = Agentd(env)
        self.addCleanup(server.__exit__)
        server.start(wait_ready=False)
        ready = self.wait_for_status(server, "/ready", 503)
        self.assertIn("schema is behind", ready.json()["error"]["message"])
        self.assertIn("schema_not_current", [e["event"] for e in log_events(server)])

        migrate = subprocess.run([AGENTD_BIN, "migrate"], env=server.env, capture_output=True,
                                 timeout=30)
        self.assertEqual(migrate.returncode, 0, migrate.stderr)
        self.assertEqual(self.wait_for_status(server, "/ready", 200).status, 200)
        self.assertTrue(server.sign_up()["access_token"])

        # A newer agentd migrated further: this one refuses again, naming the cause.
        subprocess.run(["psql", url, "-qc",
                        "INSERT INTO schema_migrations(version, name) VALUES (999, 'future')"],
                       check=True)
        ready = self.wait_for_status(server, "/ready", 503)
        self.assertIn("schema is ahead", ready.json()["error"]["message"])

    def wait_for_status(self, server, path, status, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = server.request("GET", path)
                if r.status == status or time.monotonic() > deadline:
                    self.assertEqual(r.status, status, r.body)
                    return r
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.1)

    def test_agentd_started_before_its_database_waits_for_it(self):
        """A database starting alongside agentd (a compose file, a pod) is waited for, with
        a log line per try, not a crash loop: once it answers, agentd migrates and serves."""
        url = self.cluster.create_database()
        self.cluster.stop("fast")
        server = Agentd(self.agentd_env(url, AGENTD_MIGRATE_ON_START="true",
                                        AGENTD_DATABASE_START_TIMEOUT_MS="30000"))
        self.addCleanup(server.__exit__)
        server.start(wait_ready=False)
        deadline = time.monotonic() + 10
        while "database_not_ready" not in server.logs() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertIsNone(server.process.poll(), server.logs())
        waiting = [e for e in log_events(server) if e["event"] == "database_not_ready"]
        self.assertTrue(waiting, server.logs())
        self.assertEqual(waiting[0]["step"], "migrate")
        self.assertNotIn(DB_PASSWORD, server.logs())

        self.cluster.start()
        server.wait_ready(timeout=20)
        self.assertTrue(server.sign_up()["access_token"])

    def test_agentd_gives_up_on_a_database_that_never_answers(self):
        """Past AGENTD_DATABASE_START_TIMEOUT_MS agentd exits 1, saying which step failed,
        for its supervisor to restart it; it never listens without its database."""
        url = self.cluster.create_database()
        self.cluster.stop("fast")
        for migrate, event in [("true", "migration_failed"), ("false", "schema_check_failed")]:
            with self.subTest(migrate=migrate):
                server = Agentd(self.agentd_env(url, AGENTD_MIGRATE_ON_START=migrate,
                                                AGENTD_DATABASE_START_TIMEOUT_MS="1500"))
                self.addCleanup(server.__exit__)
                started = time.monotonic()
                server.start(wait_ready=False)
                code = server.process.wait(30)
                took = time.monotonic() - started
                logs = server.logs()
                self.assertEqual(code, 1, logs)
                self.assertLess(took, 10, logs)
                events = log_events(server)
                failures = [e for e in events if e["event"] == event]
                self.assertEqual(len(failures), 1, logs)
                self.assertEqual(failures[0]["level"], "error")
                self.assertNotIn("listening", [e["event"] for e in events])
                self.assertNotIn(DB_PASSWORD, logs)


if __name__ == "__main__":
    unittest.main()

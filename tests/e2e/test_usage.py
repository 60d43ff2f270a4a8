"""Usage accounting end to end: every model call through the gateway (OpenAI and Anthropic,
streamed or not, with a key or a session) is recorded with what the upstream reported, summed
by GET /v1/usage and `agentd usage`, priced from the configuration, and written before the
server stops on SIGTERM."""

import json
import os
import subprocess
import time
import unittest

from fake_upstream import start_fake_upstream
from harness import AGENTD_BIN, PASSWORD, Agentd, assert_error, unique_email

# USD per million tokens, as the configuration below sets them.
OPENAI_PRICE = (2.0, 8.0)
ANTHROPIC_PRICE = (3.0, 15.0)
# Calls are written about once a second: a little more than that is allowed for.
FLUSH_BOUND_SECONDS = 5


def usage_config(upstream):
    base = upstream.base_url
    return "\n".join([
        "default_model: priced-echo",
        "models:",
        f"  - {{name: priced-echo, provider: openai, model: fake-echo, base_url: \"{base}\", "
        f"api_key_env: FAKE_UPSTREAM_KEY, input_per_million: {OPENAI_PRICE[0]}, "
        f"output_per_million: {OPENAI_PRICE[1]}}}",
        f"  - {{name: claude-priced, provider: anthropic, model: fake-echo, base_url: \"{base}\", "
        f"api_key_env: FAKE_UPSTREAM_KEY, input_per_million: {ANTHROPIC_PRICE[0]}, "
        f"output_per_million: {ANTHROPIC_PRICE[1]}, cached_input_per_million: 0.3}}",
        f"  - {{name: unpriced-echo, provider: openai, model: fake-echo, base_url: \"{base}\", "
        f"api_key_env: FAKE_UPSTREAM_KEY}}",
    ]) + "\n"


def sse_data(body):
    return [line[len("data: "):] for line in body.decode().split("\n") if line.startswith("data: ")]


def cost(tokens_in, tokens_out, price):
    return (tokens_in * price[0] + tokens_out * price[1]) / 1e6


class UsageServer(unittest.TestCase):
    """One server on a fake upstream; a person with a key and a session."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        cls.config_path = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                       f"agentd-usage-{os.getpid()}.yaml")
        with open(cls.config_path, "w") as f:
            f.write(usage_config(cls.upstream))
        cls.addClassCleanup(os.unlink, cls.config_path)
        cls.server = Agentd({"AGENTD_CONFIG": cls.config_path,
                             "FAKE_UPSTREAM_KEY": "upstream-secret-key",
                             "AGENTD_RATE_LIMIT_PER_MINUTE": "100000"})
        cls.addClassCleanup(cls.server.__exit__)
        cls.server.start()

    def new_person(self):
        """A signed-in person and one API key of theirs: (session token, key id, key)."""
        token = self.server.sign_up()["access_token"]
        created = self.server.request("POST", "/v1/auth/tokens", {"name": "usage"}, token=token)
        self.assertEqual(created.status, 201, created.body)
        return token, created.json()["id"], created.json()["key"]

    def chat(self, credential, model, text, stream=False, include_usage=None):
        body = {"model": model, "messages": [{"role": "user", "content": text}]}
        if stream:
            body["stream"] = True
        if include_usage is not None:
            body["stream_options"] = {"include_usage": include_usage}
        r = self.server.request("POST", "/v1/chat/completions", body, token=credential)
        self.assertEqual(r.status, 200, r.body)
        return r

    def usage(self, token, **query):
        path = "/v1/usage"
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return self.server.request("GET", path, token=token)

    def usage_once_written(self, token, requests, **query):
        """The usage once `requests` calls are in it (they are written in batches)."""
        deadline = time.time() + FLUSH_BOUND_SECONDS
        while True:
            r = self.usage(token, **query)
            self.assertEqual(r.status, 200, r.body)
            if r.json()["totals"]["requests"] >= requests or time.time() > deadline:
                self.assertEqual(r.json()["totals"]["requests"], requests, r.body)
                return r.json()
            time.sleep(0.1)


class Usage(UsageServer):

    def test_every_call_counts_what_the_upstream_reported_streams_included(self):
        token, key_id, key = self.new_person()
        self.upstream.reset()
        self.chat(key, "priced-echo", "one two three")
        # A stream whose client did not ask for usage: agentd asks the upstream anyway, and
        # the client's stream carries no usage chunk.
        streamed = self.chat(key, "priced-echo", "four five", stream=True)
        chunks = [json.loads(d) for d in sse_data(streamed.body)[:-1]]
        self.assertTrue(all("usage" not in c or c["usage"] is None for c in chunks), chunks)
        self.assertTrue(all(c["choices"] for c in chunks), "a usage-only chunk reached the client")
        self.chat(key, "claude-priced", "six seven eight nine", stream=True, include_usage=True)
        self.chat(token, "claude-priced", "ten")
        reported = self.upstream.stats()

        totals = self.usage_once_written(token, 4)["totals"]
        self.assertEqual(totals["input_tokens"], reported["input_tokens"])
        self.assertEqual(totals["output_tokens"], reported["output_tokens"])
        self.assertEqual(totals["cached_tokens"], 0)

        models = {row["model"]: row for row in self.usage(token, group_by="model").json()["data"]}
        self.assertEqual(set(models), {"priced-echo", "claude-priced"})
        for name, price in (("priced-echo", OPENAI_PRICE), ("claude-priced", ANTHROPIC_PRICE)):
            row = models[name]
            self.assertEqual(row["requests"], 2)
            self.assertAlmostEqual(row["cost_usd"],
                                   cost(row["input_tokens"], row["output_tokens"], price))
        self.assertAlmostEqual(totals["cost_usd"],
                               models["priced-echo"]["cost_usd"] + models["claude-priced"]["cost_usd"])

        keys = {row["api_key_id"]: row for row in self.usage(token, group_by="key").json()["data"]}
        self.assertEqual(set(keys), {None, key_id})  # None: the session's call
        self.assertEqual(keys[key_id]["requests"], 3)
        self.assertEqual(keys[None]["requests"], 1)

        today = time.strftime("%Y-%m-%d", time.gmtime())
        day_keys = self.usage(token, group_by="day,key").json()
        self.assertEqual(day_keys["group_by"], "day,key")
        self.assertEqual([(row["day"], row["api_key_id"]) for row in day_keys["data"]],
                         [(today, None), (today, key_id)])  # the session first: "" orders first
        self.assertEqual([row["requests"] for row in day_keys["data"]], [1, 3])
        self.assertEqual(day_keys["totals"], totals)
        # Its cursor is the day, a space and the key.
        paged = self.usage(token, group_by="day,key", limit=1, after=f"{today}%20").json()
        self.assertEqual([row["api_key_id"] for row in paged["data"]], [key_id])
        self.assertFalse(paged["has_more"])

        days = self.usage(token).json()
        self.assertEqual(days["group_by"], "day")
        self.assertEqual(len(days["data"]), 1)
        self.assertEqual(days["data"][0]["day"], time.strftime("%Y-%m-%d", time.gmtime()))

    def test_responses_api_calls_count_as_their_response_reports(self):
        token, key_id, key = self.new_person()
        plain = self.server.request("POST", "/v1/responses",
                                    {"model": "priced-echo", "input": "one two three"}, token=key)
        self.assertEqual(plain.status, 200, plain.body)
        streamed = self.server.request("POST", "/v1/responses",
                                       {"model": "claude-priced", "input": "four five",
                                        "stream": True}, token=key)
        self.assertEqual(streamed.status, 200, streamed.body)
        completed = [json.loads(d) for d in sse_data(streamed.body)
                     if d != "[DONE]" and json.loads(d)["type"] == "response.completed"]
        self.assertEqual(len(completed), 1)

        totals = self.usage_once_written(token, 2, group_by="key")["totals"]
        reported = [plain.json()["usage"], completed[0]["response"]["usage"]]
        self.assertEqual(totals["input_tokens"], sum(u["input_tokens"] for u in reported))
        self.assertEqual(totals["output_tokens"], sum(u["output_tokens"] for u in reported))
        rows = self.usage(token, group_by="key").json()["data"]
        self.assertEqual([(row["api_key_id"], row["requests"]) for row in rows], [(key_id, 2)])

    def test_a_model_without_a_price_counts_tokens_and_costs_null(self):
        token, _, key = self.new_person()
        self.chat(key, "unpriced-echo", "a b c")
        totals = self.usage_once_written(token, 1)["totals"]
        self.assertGreater(totals["input_tokens"], 0)
        self.assertIsNone(totals["cost_usd"])

    def test_a_person_sees_only_their_own_usage(self):
        token, _, key = self.new_person()
        self.chat(key, "priced-echo", "mine")
        self.usage_once_written(token, 1)
        other_token, _, _ = self.new_person()
        empty = self.usage(other_token).json()
        self.assertEqual(empty["data"], [])
        self.assertEqual(empty["totals"]["requests"], 0)
        me = self.server.me(token).json()["id"]
        assert_error(self, self.usage(other_token, user_id=me), 403, "not_admin", "permission_error")

    def test_the_range_and_the_pages(self):
        token, _, key = self.new_person()
        self.chat(key, "priced-echo", "x")
        self.chat(key, "claude-priced", "y")
        self.usage_once_written(token, 2)
        self.assertEqual(self.usage(token, to="2020-01-01").json()["totals"]["requests"], 0)
        today = time.strftime("%Y-%m-%d", time.gmtime())
        self.assertEqual(self.usage(token, **{"from": today, "to": today}).json()["totals"]["requests"], 2)
        first = self.usage(token, group_by="model", limit=1).json()
        self.assertEqual([row["model"] for row in first["data"]], ["claude-priced"])
        self.assertTrue(first["has_more"])
        second = self.usage(token, group_by="model", limit=1, after="claude-priced").json()
        self.assertEqual([row["model"] for row in second["data"]], ["priced-echo"])
        self.assertFalse(second["has_more"])

    def test_bad_queries_are_400(self):
        token, _, _ = self.new_person()
        assert_error(self, self.usage(token, group_by="week"), 400, "invalid_group_by")
        assert_error(self, self.usage(token, **{"from": "yesterday"}), 400, "invalid_time")
        assert_error(self, self.usage(token, **{"from": "2026-03-03", "to": "2026-03-01"}), 400,
                     "invalid_range")
        assert_error(self, self.usage(token, limit=0), 400, "invalid_limit")
        assert_error(self, self.usage(token, after="nothing"), 400, "invalid_cursor")

    def test_needs_a_credential(self):
        assert_error(self, self.server.request("GET", "/v1/usage"), 401)


class UsageAcrossRestart(unittest.TestCase):
    """Calls made just before SIGTERM are written before the process ends, and the command
    line and an administrator see them."""

    def test_calls_survive_sigterm_and_the_cli_and_an_admin_see_them(self):
        upstream = start_fake_upstream(self)
        config_path = os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                   f"agentd-usage-restart-{os.getpid()}.yaml")
        with open(config_path, "w") as f:
            f.write(usage_config(upstream))
        self.addCleanup(os.unlink, config_path)
        env = {"AGENTD_CONFIG": config_path, "FAKE_UPSTREAM_KEY": "upstream-secret-key",
               "AGENTD_RATE_LIMIT_PER_MINUTE": "100000"}
        server = Agentd(env)
        self.addCleanup(server.__exit__)
        server.start()
        person = server.sign_up()
        for text in ("a", "b c", "d e f"):
            r = server.request("POST", "/v1/chat/completions",
                               {"model": "priced-echo", "messages": [{"role": "user", "content": text}]},
                               token=person["access_token"])
            self.assertEqual(r.status, 200, r.body)
        reported = upstream.stats()
        self.assertEqual(server.stop(), 0)

        cli = subprocess.run([AGENTD_BIN, "usage", "--group-by", "model", "--json"],
                             env=server.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        summary = json.loads(cli.stdout)
        self.assertEqual(summary["totals"]["requests"], 3)
        self.assertEqual(summary["totals"]["input_tokens"], reported["input_tokens"])
        self.assertEqual(summary["totals"]["output_tokens"], reported["output_tokens"])
        self.assertEqual([row["model"] for row in summary["data"]], ["priced-echo"])

        table = subprocess.run([AGENTD_BIN, "usage", "--user", person["email"]], env=server.env,
                               capture_output=True, text=True, timeout=60)
        self.assertEqual(table.returncode, 0, table.stderr)
        lines = table.stdout.splitlines()
        self.assertTrue(lines[0].split()[:2] == ["DAY", "REQUESTS"], table.stdout)
        self.assertEqual(lines[-1].split()[:2], ["TOTAL", "3"])

        # An administrator (made on the command line) reads anyone's usage over HTTP.
        admin_email = unique_email("admin")
        made = subprocess.run([AGENTD_BIN, "user", "create", "--email", admin_email, "--admin"],
                              env=server.env, input=PASSWORD + "\n", capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(made.returncode, 0, made.stderr)
        server.start()
        admin = server.login(admin_email).json()["access_token"]
        everyone = server.request("GET", "/v1/usage", token=admin).json()
        self.assertEqual(everyone["totals"]["requests"], 3)
        one = server.request("GET", f"/v1/usage?user_id={person['user']['id']}", token=admin)
        self.assertEqual(one.json()["totals"]["requests"], 3)
        assert_error(self, server.request("GET", "/v1/usage?user_id=nobody", token=admin), 404)


if __name__ == "__main__":
    unittest.main()

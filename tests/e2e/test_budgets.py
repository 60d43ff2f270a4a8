"""Budgets end to end: a key's budget and tokens per minute, set on creation or with PATCH,
shown with what the key spent, and held across two replicas behind nginx (one Redis script
reserves each call's worst case before the upstream is called): of 50 concurrent calls that
the budget allows 10 of, at most 10 reach the upstream, the rest get 429 budget_exceeded;
usage totals equal what the upstream reported, streamed or not, OpenAI and Anthropic; and a
conversation run that reaches the budget mid-way ends failed, keeping what it produced.
A user's budget, set by an administrator over HTTP or on the command line, counts the user's
session and every one of their keys together, binds the administrator too, and holds on both
replicas from the moment it is set."""

import concurrent.futures
import json
import subprocess
import time
import unittest

from fake_upstream import start_fake_upstream, write_config
from harness import AGENTD_BIN, PASSWORD, assert_error, unique_email
from replicas import Topology, skip_unless_available

BASE_ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
}
PRICED_MODELS = """\
  - {name: priced-echo, provider: openai, model: fake-echo, base_url: "%(base)s",
     api_key_env: FAKE_UPSTREAM_KEY, input_per_million: 2, output_per_million: 8}
  - {name: claude-priced, provider: anthropic, model: fake-echo, base_url: "%(base)s",
     api_key_env: FAKE_UPSTREAM_KEY, input_per_million: 3, output_per_million: 15}
"""
# Every call waits this long for its first byte, so all 50 have asked for the budget before
# any ends and gives back what it reserved but did not use.
SLOW = "[fake:fake-slow-first-byte delay-ms=3000] "
MAX_TOKENS = 1000
FLUSH_BOUND_SECONDS = 5


class BudgetsAcrossReplicas(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        skip_unless_available()
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream, PRICED_MODELS % {"base": cls.upstream.base_url})
        cls.topology = Topology(2, {**BASE_ENV, "AGENTD_CONFIG": config})
        cls.topology.start()
        cls.addClassCleanup(cls.topology.stop)
        cls.proxy = cls.topology.proxy

    def person(self):
        return self.proxy.sign_up()["access_token"]

    def admin(self):
        """An administrator made on the command line, signed in through the proxy."""
        email = unique_email("admin")
        made = subprocess.run([AGENTD_BIN, "user", "create", "--email", email, "--admin"],
                              env=self.topology.replicas[0].env, input=PASSWORD + "\n",
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(made.returncode, 0, made.stderr)
        signed_in = self.proxy.login(email)
        self.assertEqual(signed_in.status, 200, signed_in.body)
        return signed_in.json()

    def set_user_limits(self, admin_token, user_id, **limits):
        r = self.proxy.request("PATCH", f"/v1/users/{user_id}", limits, token=admin_token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def create_key(self, token, **fields):
        r = self.proxy.request("POST", "/v1/auth/tokens", {"name": "budgeted", **fields},
                               token=token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()

    def chat(self, key, model, text, stream=False, max_tokens=MAX_TOKENS):
        body = {"model": model, "max_tokens": max_tokens,
                "messages": [{"role": "user", "content": text}]}
        if stream:
            body["stream"] = True
        return self.proxy.request("POST", "/v1/chat/completions", body, token=key, timeout=60)

    def fifty_at_once_of_which_ten_fit(self, call):
        """Makes call(0) … call(49) at once, against a budget that covers ten of them: at most
        ten reach the upstream (counted there), each one answered, the others refused with 429
        budget_exceeded. Returns the answered and the refused."""
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            answers = list(pool.map(call, range(50)))
        reached = self.upstream.stats()["requests"]
        ok = [r for r in answers if r.status == 200]
        refused = [r for r in answers if r.status == 429]
        self.assertLessEqual(reached, 10)
        self.assertGreaterEqual(reached, 1)
        self.assertEqual(len(ok), reached, [r.status for r in answers])
        self.assertEqual(len(ok) + len(refused), 50, [r.status for r in answers])
        for r in refused:
            assert_error(self, r, 429, "budget_exceeded", "rate_limit_error")
        return ok, refused

    def test_a_budget_for_ten_calls_lets_at_most_ten_of_fifty_through(self):
        token = self.person()
        # Each call reserves MAX_TOKENS and its prompt's estimate (a few tokens): ten fit,
        # eleven do not.
        key = self.create_key(token, budget={"max_tokens": 10 * MAX_TOKENS + 500, "period": "day"})
        self.assertEqual(key["budget"], {"max_tokens": 10 * MAX_TOKENS + 500, "max_cost_usd": None,
                                         "period": "day"})
        self.upstream.reset()

        def call(i):
            model = "priced-echo" if i % 2 == 0 else "claude-priced"
            return self.chat(key["key"], model, SLOW + f"call {i}", stream=i % 4 >= 2)

        ok, refused = self.fifty_at_once_of_which_ten_fit(call)
        reached = len(ok)
        for r in refused:
            self.assertGreaterEqual(int(r.header("retry-after")), 1)
        # Streams too were answered in full.
        for r in ok:
            if r.header("content-type").startswith("text/event-stream"):
                self.assertTrue(r.body.decode().rstrip().endswith("data: [DONE]"))

        # What the upstream reported is what was accounted, and what the budget counts once
        # the reservations are settled.
        reported = self.upstream.stats()
        deadline = time.time() + FLUSH_BOUND_SECONDS
        while True:
            totals = self.proxy.request("GET", "/v1/usage", token=token).json()["totals"]
            shown = self.proxy.request("GET", f"/v1/auth/tokens/{key['id']}", token=token).json()
            settled = shown["spent"]["tokens"] == totals["input_tokens"] + totals["output_tokens"]
            if (totals["requests"] == reached and settled) or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(totals["requests"], reached)
        self.assertEqual(totals["input_tokens"], reported["input_tokens"])
        self.assertEqual(totals["output_tokens"], reported["output_tokens"])
        self.assertEqual(shown["spent"]["tokens"], reported["input_tokens"] + reported["output_tokens"])
        self.assertEqual(shown["remaining"]["tokens"],
                         10 * MAX_TOKENS + 500 - shown["spent"]["tokens"])
        self.assertIsNone(shown["remaining"]["cost_usd"])
        self.assertTrue(shown["resets_at"].endswith("T00:00:00Z"), shown)

    def test_patch_sets_and_removes_limits_and_a_key_cannot_raise_its_own(self):
        token = self.person()
        key = self.create_key(token)
        self.assertIsNone(key["budget"])
        self.assertIsNone(key["tokens_per_minute"])
        path = f"/v1/auth/tokens/{key['id']}"
        r = self.proxy.request("PATCH", path, {"budget": {"max_cost_usd": 0.5, "period": "week"},
                                               "tokens_per_minute": 5000}, token=token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["budget"], {"max_tokens": None, "max_cost_usd": 0.5,
                                              "period": "week"})
        self.assertEqual(r.json()["tokens_per_minute"], 5000)
        shown = self.proxy.request("GET", path, token=token).json()
        self.assertEqual(shown["spent"], {"tokens": 0, "cost_usd": 0})
        self.assertEqual(shown["remaining"], {"tokens": None, "cost_usd": 0.5})
        listed = self.proxy.request("GET", "/v1/auth/tokens", token=token).json()["data"]
        self.assertEqual(listed[0]["tokens_per_minute"], 5000)

        assert_error(self, self.proxy.request("PATCH", path, {"budget": {"max_tokens": 1}},
                                              token=token), 400, "invalid_budget")
        assert_error(self, self.proxy.request("PATCH", path, {"budget": {"period": "day"}},
                                              token=token), 400, "invalid_budget")
        assert_error(self, self.proxy.request("PATCH", path, {"tokens_per_minute": 0},
                                              token=token), 400, "invalid_tokens_per_minute")
        assert_error(self, self.proxy.request("PATCH", path, {"name": "x"}, token=token), 400,
                     "unknown_field")
        assert_error(self, self.proxy.request("PATCH", path, {"budget": None}, token=key["key"]),
                     403, "api_key_cannot_manage_keys")
        other = self.person()
        assert_error(self, self.proxy.request("PATCH", path, {"budget": None}, token=other), 404,
                     "api_key_not_found")
        assert_error(self, self.proxy.request("GET", path, token=other), 404, "api_key_not_found")

        r = self.proxy.request("PATCH", path, {"budget": None}, token=token)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.json()["budget"])
        self.assertEqual(r.json()["tokens_per_minute"], 5000)  # absent: kept

    def test_tokens_per_minute_refuse_with_token_rate_limited(self):
        token = self.person()
        key = self.create_key(token, tokens_per_minute=1500)
        self.assertEqual(self.chat(key["key"], "priced-echo", "one").status, 200)
        # The first call's worst case is still counted (or its usage, once settled): no room
        # for another 1,000 in this minute.
        r = self.chat(key["key"], "priced-echo", "two")
        assert_error(self, r, 429, "token_rate_limited", "rate_limit_error")
        self.assertLessEqual(int(r.header("retry-after")), 60)

    def test_a_run_that_reaches_its_budget_ends_failed_and_keeps_its_work(self):
        token = self.person()
        key = self.create_key(token)
        # The first model call (a tool call) fits; the second, made while the first still
        # holds its worst case of the model's output limit, does not.
        r = self.proxy.request("PATCH", f"/v1/auth/tokens/{key['id']}",
                               {"budget": {"max_tokens": 6000, "period": "month"}}, token=token)
        self.assertEqual(r.status, 200, r.body)
        created = self.proxy.request("POST", "/v1/conversations", {"model": "fake-tool"},
                                     token=key["key"])
        self.assertEqual(created.status, 201, created.body)
        conversation = created.json()["id"]
        r = self.proxy.request("POST", f"/v1/conversations/{conversation}/messages",
                               {"message": "what is 6*7", "tools": ["calculator"]},
                               token=key["key"], timeout=60)
        self.assertEqual(r.status, 200, r.body)
        run = r.json()["run"]
        self.assertEqual(run["status"], "failed", r.body)
        stored = self.proxy.request("GET", f"/v1/runs/{run['id']}", token=key["key"]).json()
        self.assertIn("budget", stored["error"])
        messages = self.proxy.request("GET", f"/v1/conversations/{conversation}",
                                      token=key["key"]).json()["messages"]
        roles = [m["role"] for m in messages]
        self.assertEqual(roles, ["user", "assistant", "tool"], messages)
        self.assertIn("42", messages[-1]["content"])


    # --- a user's budget, set by an administrator ------------------------------------------
    def test_a_users_budget_for_ten_calls_holds_across_their_session_and_keys(self):
        admin = self.admin()["access_token"]
        person = self.proxy.sign_up()
        token = person["access_token"]
        # The keys' own budgets have room for everything: the user's is what binds.
        keys = [self.create_key(token, budget={"max_tokens": 10**9, "period": "day"})["key"]
                for _ in range(2)]
        shown = self.set_user_limits(admin, person["user"]["id"],
                                     budget={"max_tokens": 10 * MAX_TOKENS + 500, "period": "day"})
        self.assertEqual(shown["budget"], {"max_tokens": 10 * MAX_TOKENS + 500,
                                           "max_cost_usd": None, "period": "day"})
        self.assertEqual(shown["object"], "user")
        self.upstream.reset()

        def call(i):
            credential = [token, keys[0], keys[1]][i % 3]
            return self.chat(credential, "priced-echo", SLOW + f"call {i}", stream=i % 2 == 1)

        _, refused = self.fifty_at_once_of_which_ten_fit(call)
        for r in refused:
            self.assertIn("this user's budget", r.json()["error"]["message"])

        # The user sees their own account with what it spent, once the calls have settled.
        reported = self.upstream.stats()
        path = f"/v1/users/{person['user']['id']}"
        deadline = time.time() + FLUSH_BOUND_SECONDS
        while True:
            mine = self.proxy.request("GET", path, token=token)
            self.assertEqual(mine.status, 200, mine.body)
            spent = mine.json()["spent"]["tokens"]
            if spent == reported["input_tokens"] + reported["output_tokens"] or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(spent, reported["input_tokens"] + reported["output_tokens"])
        self.assertEqual(mine.json()["remaining"]["tokens"], 10 * MAX_TOKENS + 500 - spent)
        self.assertTrue(mine.json()["resets_at"].endswith("T00:00:00Z"))

    def test_a_users_limit_binds_on_both_replicas_at_once_and_an_admin_may_lift_it(self):
        admin = self.admin()["access_token"]
        person = self.proxy.sign_up()
        token = person["access_token"]
        key = self.create_key(token)["key"]
        for credential in (token, key, token, key):  # both replicas have the user cached
            self.assertEqual(self.chat(credential, "priced-echo", "warm").status, 200)

        self.set_user_limits(admin, person["user"]["id"], tokens_per_minute=MAX_TOKENS // 2)
        # The very next call on either replica, through either credential, is refused.
        for credential in (token, key, token, key):
            r = self.chat(credential, "priced-echo", "over")
            assert_error(self, r, 429, "token_rate_limited", "rate_limit_error")
            self.assertIn("this user's tokens per minute", r.json()["error"]["message"])

        shown = self.set_user_limits(admin, person["user"]["id"], tokens_per_minute=None)
        self.assertIsNone(shown["tokens_per_minute"])
        for credential in (token, key, token, key):
            self.assertEqual(self.chat(credential, "priced-echo", "again").status, 200)

    def test_an_administrator_is_held_to_their_own_budget_and_may_raise_it(self):
        signed_in = self.admin()
        admin, admin_id = signed_in["access_token"], signed_in["user"]["id"]
        self.set_user_limits(admin, admin_id, budget={"max_tokens": 100, "period": "total"})
        assert_error(self, self.chat(admin, "priced-echo", "mine"), 429, "budget_exceeded")
        self.set_user_limits(admin, admin_id, budget={"max_tokens": 100_000, "period": "total"})
        self.assertEqual(self.chat(admin, "priced-echo", "mine").status, 200)

    def test_only_an_administrators_session_manages_users(self):
        signed_in = self.admin()
        admin = signed_in["access_token"]
        person = self.proxy.sign_up()
        token, user_id = person["access_token"], person["user"]["id"]
        other = self.proxy.sign_up()

        listed = self.proxy.request("GET", "/v1/users?limit=100", token=admin)
        self.assertEqual(listed.status, 200, listed.body)
        self.assertIn(user_id, [u["id"] for u in listed.json()["data"]])
        one = self.proxy.request("GET", f"/v1/users/{user_id}", token=admin).json()
        self.assertEqual(one["email"], person["email"])
        self.assertIsNone(one["budget"])
        self.assertNotIn("spent", one)  # no budget, nothing to count against
        self.assertNotIn("password_hash", json.dumps(listed.json()))

        path = f"/v1/users/{user_id}"
        assert_error(self, self.proxy.request("GET", "/v1/users", token=token), 403,
                     "admin_required", "permission_error")
        assert_error(self, self.proxy.request("PATCH", path, {"tokens_per_minute": 10**9},
                                              token=token), 403, "admin_required")
        assert_error(self, self.proxy.request("GET", f"/v1/users/{other['user']['id']}",
                                              token=token), 404, "user_not_found")
        self.assertEqual(self.proxy.request("GET", path, token=token).status, 200)
        admin_key = self.create_key(admin)["key"]
        assert_error(self, self.proxy.request("PATCH", path, {"tokens_per_minute": 5},
                                              token=admin_key), 403, "admin_required")
        assert_error(self, self.proxy.request("PATCH", path, {"budget": {"max_tokens": 1}},
                                              token=admin), 400, "invalid_budget")
        assert_error(self, self.proxy.request("PATCH", path, {"role": "admin"}, token=admin),
                     400, "unknown_field")
        assert_error(self, self.proxy.request("PATCH", "/v1/users/nobody", {"budget": None},
                                              token=admin), 404, "user_not_found")
        # /me keeps its fixed shape.
        me = self.proxy.request("GET", "/v1/users/me", token=token).json()
        self.assertEqual(set(me), {"id", "email", "name", "role", "created_at"})

    def test_the_command_line_sets_and_removes_a_users_limits(self):
        person = self.proxy.sign_up()
        env = self.topology.replicas[0].env
        made = subprocess.run([AGENTD_BIN, "user", "limits", "--email", person["email"],
                               "--budget-max-cost-usd", "0.000001", "--budget-period", "week",
                               "--tokens-per-minute", "900"],
                              env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(made.returncode, 0, made.stderr)
        shown = json.loads(made.stdout)
        self.assertEqual(shown["budget"], {"max_tokens": None, "max_cost_usd": 0.000001,
                                           "period": "week"})
        self.assertEqual(shown["tokens_per_minute"], 900)
        r = self.chat(person["access_token"], "priced-echo", "costly")
        assert_error(self, r, 429, "budget_exceeded")

        cleared = subprocess.run([AGENTD_BIN, "user", "limits", "--email", person["email"]],
                                 env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(cleared.returncode, 0, cleared.stderr)
        self.assertIsNone(json.loads(cleared.stdout)["budget"])
        self.assertEqual(self.chat(person["access_token"], "priced-echo", "free").status, 200)
        bad = subprocess.run([AGENTD_BIN, "user", "limits", "--email", person["email"],
                              "--budget-max-tokens", "5", "--budget-period", "year"],
                             env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("--budget-period", bad.stderr)


if __name__ == "__main__":
    unittest.main()

"""The administration command line, run as the real binary beside a running server: users
(create, list, disable, enable), API keys (create, list, revoke), config check, and what
every command shares: --help, one-line errors on standard error and the exit codes
(0 done, 1 failed, 2 wrong command line or configuration)."""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from harness import AGENTD_BIN, PASSWORD, Agentd, assert_error, free_port, unique_email
from replicas import RedisServer, redis_server_bin

JWT_SECRET = "cli-e2e-known-signing-secret-0123456789"
BASE_ENV = {
    "AGENTD_JWT_SECRET": JWT_SECRET,
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "100000",
}
# Servers cache users and keys for two seconds: a change made by another process is seen
# within that, and this leaves room for a slow machine.
CACHE_BOUND_SECONDS = 6
KEY_PATTERN = re.compile(r"sk-agentd-[A-Za-z0-9_-]{20,}")
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def agentd(env, *args, stdin=None, timeout=60):
    """Runs `agentd args...` with `env` (a server's environment, usually) and waits for it."""
    return subprocess.run([AGENTD_BIN, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def wait_for_status(test, request, status):
    """Repeats `request` until it answers `status` (a change another process made reaches a
    server's caches within their TTL); returns that response, or fails with the last one."""
    deadline = time.time() + CACHE_BOUND_SECONDS
    while True:
        response = request()
        if response.status == status or time.time() > deadline:
            test.assertEqual(response.status, status, response.body)
            return response
        time.sleep(0.1)


class CliTestCase(unittest.TestCase):
    """One server for the class; commands run with its environment, so they share its
    database."""

    @classmethod
    def setUpClass(cls):
        cls.server = Agentd(BASE_ENV)
        cls.addClassCleanup(cls.server.__exit__)
        cls.server.start()

    def run_cli(self, *args, stdin=None, env=None):
        return agentd({**self.server.env, **(env or {})}, *args, stdin=stdin)

    def assert_ok(self, result):
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result

    def assert_fails(self, result, code, message):
        """Exit code `code` and an "agentd: ..." line on standard error that says `message`."""
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        errors = [line for line in result.stderr.splitlines() if line.startswith("agentd: ")]
        self.assertTrue(errors, result.stderr)
        self.assertIn(message, errors[-1])
        return result

    def create_user(self, email=None, *extra, password=PASSWORD):
        email = email or unique_email()
        self.assert_ok(self.run_cli("user", "create", "--email", email, *extra,
                                    stdin=password + "\n"))
        return email

    def create_key(self, email, *extra):
        """Creates a key with the CLI; returns (id, secret) from its output."""
        result = self.assert_ok(self.run_cli("key", "create", "--user", email, *extra))
        fields = dict(line.split(": ", 1) for line in result.stdout.splitlines())
        return fields["id"], fields["key"]


class CommandLine(unittest.TestCase):
    """What every command shares; none of these needs a server or a database."""

    COMMANDS = [
        ["serve"], ["migrate"], ["healthcheck"], ["version"], ["routes"], ["config", "check"],
        ["user", "create"], ["user", "list"], ["user", "disable"], ["user", "enable"],
        ["user", "limits"],
        ["key", "create"], ["key", "list"], ["key", "revoke"], ["usage"],
    ]

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="agentd-e2e-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.env = {**os.environ, "AGENTD_DATA_DIR": self.data_dir}

    def test_help_lists_the_commands_and_the_exit_codes(self):
        result = agentd(self.env, "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in ("serve", "migrate", "healthcheck", "version", "routes", "config", "user",
                        "key", "usage"):
            self.assertRegex(result.stdout, rf"\n  {command} ")
        self.assertIn("Exit codes: 0", result.stdout)
        self.assertIn("2 wrong command line or configuration", result.stdout)

    def test_every_command_has_help(self):
        for command in self.COMMANDS:
            with self.subTest(command=command):
                result = agentd(self.env, *command, "--help")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("Usage:", result.stdout)
                self.assertIn(" ".join(command), result.stdout)
        self.assertEqual(os.listdir(self.data_dir), [], "help touched the data dir")

    def test_key_create_help_offers_what_the_http_route_takes(self):
        result = agentd(self.env, "key", "create", "--help")
        for option in ("--user", "--name", "--allowed-tools", "--allowed-models",
                       "--approval-required-tools", "--can-approve", "--expires",
                       "--rate-limit-per-minute", "--budget-max-tokens", "--budget-max-cost-usd",
                       "--budget-period", "--tokens-per-minute", "--json"):
            self.assertIn(option, result.stdout)

    def test_version_both_ways(self):
        for args in (["version"], ["--version"]):
            with self.subTest(args=args):
                result = agentd(self.env, *args)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertRegex(result.stdout, r"^agentd \d+\.\d+\.\d+\n$")

    def test_usage_errors_exit_2_with_one_line_saying_why(self):
        cases = [
            ([], "name a command"),
            (["frobnicate"], "unknown command 'frobnicate'"),
            (["user"], "name a command"),
            (["user", "frobnicate"], "unknown command 'frobnicate'"),
            (["user", "disable"], "--email is required"),
            (["key", "revoke"], "id is required"),
            (["key", "create", "--user", "a@example.com", "--rate-limit-per-minute", "many"],
             "--rate-limit-per-minute"),
            (["user", "list", "--colour"], "unexpected argument '--colour'"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = agentd(self.env, *args)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertTrue(result.stderr.startswith("agentd: "), result.stderr)
                self.assertIn(message, result.stderr.splitlines()[0])
                self.assertEqual(result.stdout, "")

    def test_a_bad_environment_is_a_configuration_error_for_every_command(self):
        env = {**self.env, "AGENTD_THREADS": "lots"}
        for command in (["user", "list"], ["key", "list"], ["config", "check"], ["routes"]):
            with self.subTest(command=command):
                result = agentd(env, *command)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn("agentd: invalid configuration: AGENTD_THREADS", result.stderr)

    def test_a_database_that_does_not_answer_fails_with_1_and_says_so(self):
        port = free_port()  # nothing listens there
        url = f"postgres://agentd:db-password-not-shown@127.0.0.1:{port}/agentd"
        env = {**self.env, "AGENTD_DATABASE_URL": url, "AGENTD_DATABASE_START_TIMEOUT_MS": "300",
               "AGENTD_DATABASE_CONNECT_TIMEOUT_MS": "300"}
        for command in (["user", "list"], ["key", "list"], ["user", "disable", "--email",
                                                            "a@example.com"]):
            with self.subTest(command=command):
                result = agentd(env, *command)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                self.assertRegex(result.stderr.splitlines()[-1], r"^agentd: .*unreachable")
                self.assertNotIn("db-password-not-shown", result.stdout + result.stderr)

    def test_healthcheck_without_a_server_fails_with_1(self):
        env = {**self.env, "AGENTD_ADDR": f"127.0.0.1:{free_port()}"}
        result = agentd(env, "healthcheck", "--timeout-ms", "500")
        self.assertEqual(result.returncode, 1)
        self.assertTrue(result.stderr.startswith("agentd: healthcheck: "), result.stderr)


class Users(CliTestCase):
    def test_create_then_list_shows_every_column(self):
        email = self.create_user(None, "--name", "Grace Hopper", "--admin")
        result = self.assert_ok(self.run_cli("user", "list"))
        header, *rows = result.stdout.splitlines()
        self.assertEqual(header.split(), ["ID", "EMAIL", "NAME", "ROLE", "CREATED", "DISABLED"])
        row = next(row for row in rows if email in row)
        self.assertRegex(row, r"^[0-9a-f-]{36}  " + re.escape(email) +
                         r" +Grace Hopper +admin +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +no$")

    def test_json_lists_users_newest_first_without_secrets(self):
        first = self.create_user()
        second = self.create_user()
        result = self.assert_ok(self.run_cli("user", "list", "--json"))
        users = json_lines(result.stdout)
        emails = [user["email"] for user in users]
        self.assertLess(emails.index(second), emails.index(first))
        for user in users:
            self.assertEqual(set(user), {"id", "object", "email", "name", "role", "created_at",
                                         "disabled", "disabled_at", "budget",
                                         "tokens_per_minute"})
            self.assertRegex(user["id"], UUID_PATTERN)
        self.assertNotIn("argon2", result.stdout)
        self.assertNotIn(PASSWORD, result.stdout)

    def test_list_agrees_with_what_the_server_serves(self):
        session = self.server.sign_up(name="Ada")
        users = json_lines(self.assert_ok(self.run_cli("user", "list", "--json")).stdout)
        listed = next(user for user in users if user["email"] == session["email"])
        self.assertEqual({k: listed[k] for k in session["user"]}, session["user"])
        self.assertFalse(listed["disabled"])
        self.assertIsNone(listed["disabled_at"])

    def test_disabling_shuts_out_every_credential_of_the_user_on_the_running_server(self):
        session = self.server.sign_up()
        email = session["email"]
        _, key = self.create_key(email)
        for credential in (session["access_token"], key):
            self.assertEqual(self.server.me(credential).status, 200)

        result = self.assert_ok(self.run_cli("user", "disable", "--email", email.upper()))
        self.assertIn(f"disabled {email}", result.stdout)

        for credential in (session["access_token"], key):
            r = wait_for_status(self, lambda c=credential: self.server.me(c), 401)
            assert_error(self, r, 401, "user_disabled", "authentication_error")
        # Signing in says what a wrong password says: nothing about the account.
        assert_error(self, self.server.login(email), 401, "invalid_credentials")
        assert_error(self, self.server.refresh(session["refresh_token"]), 401, "user_disabled")
        users = json_lines(self.assert_ok(self.run_cli("user", "list", "--json")).stdout)
        listed = next(user for user in users if user["email"] == email)
        self.assertTrue(listed["disabled"])
        self.assertRegex(listed["disabled_at"], r"Z$")

    def test_enabling_lets_the_user_back_in(self):
        session = self.server.sign_up()
        email = session["email"]
        _, key = self.create_key(email)
        self.assert_ok(self.run_cli("user", "disable", "--email", email))
        wait_for_status(self, lambda: self.server.me(key), 401)

        result = self.assert_ok(self.run_cli("user", "enable", "--email", email))
        self.assertIn(f"enabled {email}", result.stdout)

        wait_for_status(self, lambda: self.server.me(key), 200)
        self.assertEqual(self.server.me(session["access_token"]).status, 200)
        self.assertEqual(self.server.login(email).status, 200)

    def test_disabling_twice_keeps_the_first_time(self):
        email = self.create_user()
        first = self.assert_ok(self.run_cli("user", "disable", "--email", email)).stdout
        time.sleep(1.1)
        again = self.assert_ok(self.run_cli("user", "disable", "--email", email)).stdout
        self.assertEqual(first.split("since ")[1], again.split("since ")[1])

    def test_an_unknown_email_fails_with_1(self):
        for command in ("disable", "enable"):
            with self.subTest(command=command):
                self.assert_fails(self.run_cli("user", command, "--email", "nobody@example.com"),
                                  1, "no user has the email nobody@example.com")

    def test_create_refuses_a_taken_email_with_1_and_a_bad_one_with_2(self):
        email = self.create_user()
        self.assert_fails(self.run_cli("user", "create", "--email", email, stdin=PASSWORD + "\n"),
                          1, "email is already registered")
        self.assert_fails(self.run_cli("user", "create", "--email", "not-an-email",
                                       stdin=PASSWORD + "\n"), 2, "email")
        self.assert_fails(self.run_cli("user", "create", "--email", unique_email(), stdin=""),
                          2, "password on standard input")


class Keys(CliTestCase):
    def test_create_prints_the_key_once_and_it_works_on_the_server(self):
        email = self.create_user()
        result = self.assert_ok(self.run_cli("key", "create", "--user", email, "--name", "ci"))
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 2, result.stdout)
        self.assertRegex(lines[0], r"^id: [0-9a-f-]{36}$")
        self.assertRegex(lines[1], r"^key: sk-agentd-")
        key = lines[1].split(": ", 1)[1]
        self.assertEqual(len(KEY_PATTERN.findall(result.stdout + result.stderr)), 1)
        self.assertIn("shown this once", result.stderr)

        r = self.server.me(key)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["email"], email)
        listed = self.assert_ok(self.run_cli("key", "list"))
        self.assertNotIn(key, listed.stdout)
        self.assertNotIn(key[len("sk-agentd-") + 6:], listed.stdout)

    def test_create_takes_the_options_of_the_http_route(self):
        email = self.create_user()
        key_id, key = self.create_key(
            email, "--name", "limited", "--allowed-tools", "calculator",
            "--allowed-models", "", "--approval-required-tools", "current_time",
            "--can-approve", "--expires", "2h", "--rate-limit-per-minute", "7")

        tools = self.server.request("GET", "/v1/tools", token=key)
        self.assertEqual(tools.status, 200, tools.body)
        self.assertEqual([t["function"]["name"] for t in tools.json()["data"]], ["calculator"])
        self.assertEqual(tools.header("X-RateLimit-Limit"), "7")

        listed = json_lines(self.assert_ok(self.run_cli("key", "list", "--json")).stdout)
        shown = next(k for k in listed if k["id"] == key_id)
        self.assertEqual(shown["name"], "limited")
        self.assertEqual(shown["allowed_tools"], ["calculator"])
        self.assertEqual(shown["allowed_models"], [])
        self.assertEqual(shown["approval_required_tools"], ["current_time"])
        self.assertTrue(shown["can_approve"])
        self.assertEqual(shown["rate_limit_per_minute"], 7)
        self.assertEqual(shown["user_email"], email)
        self.assertTrue(key.startswith(shown["prefix"]))
        expires = time.mktime(time.strptime(shown["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
        created = time.mktime(time.strptime(shown["created_at"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertAlmostEqual(expires - created, 7200, delta=5)

    def test_create_with_json_shows_the_key_once_with_its_fields(self):
        email = self.create_user()
        result = self.assert_ok(self.run_cli("key", "create", "--user", email, "--json",
                                             "--expires", "2099-01-01T00:00:00Z"))
        created = json.loads(result.stdout)
        self.assertRegex(created["key"], KEY_PATTERN)
        self.assertEqual(created["expires_at"], "2099-01-01T00:00:00Z")
        self.assertEqual(created["name"], "cli")
        self.assertIsNone(created["allowed_tools"])
        self.assertEqual(self.server.me(created["key"]).status, 200)

    def test_create_refuses_bad_options_with_2_and_an_unknown_user_with_1(self):
        email = self.create_user()
        cases = [
            (["--allowed-tools", "rm"], "'rm'"),
            (["--expires", "soon"], "--expires"),
            (["--expires", "2001-01-01T00:00:00Z"], "expires_at must be in the future"),
            (["--rate-limit-per-minute", "0"], "rate_limit_per_minute"),
        ]
        for extra, message in cases:
            with self.subTest(extra=extra):
                self.assert_fails(self.run_cli("key", "create", "--user", email, *extra), 2,
                                  message)
        self.assert_fails(self.run_cli("key", "create", "--user", "nobody@example.com"), 1,
                          "no user has the email nobody@example.com")

    def test_list_shows_everyones_keys_or_one_users(self):
        ada = self.create_user()
        bob = self.create_user()
        ada_key, _ = self.create_key(ada, "--name", "ada-key")
        bob_key, _ = self.create_key(bob, "--name", "bob-key")

        table = self.assert_ok(self.run_cli("key", "list")).stdout
        header, *rows = table.splitlines()
        self.assertEqual(header.split(), ["ID", "USER", "NAME", "PREFIX", "CREATED", "EXPIRES",
                                          "LAST", "USED", "STATUS"])
        self.assertTrue(any(ada_key in row and ada in row and row.endswith("active")
                            for row in rows), table)
        self.assertTrue(any(bob_key in row and bob in row for row in rows), table)
        ids = [row.split()[0] for row in rows]
        self.assertLess(ids.index(bob_key), ids.index(ada_key))  # newest first

        only_ada = json_lines(self.assert_ok(self.run_cli("key", "list", "--json", "--user",
                                                          ada)).stdout)
        self.assertEqual([k["id"] for k in only_ada], [ada_key])
        self.assert_fails(self.run_cli("key", "list", "--user", "nobody@example.com"), 1,
                          "no user has the email")

    def test_revoke_stops_the_key_on_the_running_server(self):
        email = self.create_user()
        key_id, key = self.create_key(email)
        self.assertEqual(self.server.me(key).status, 200)

        result = self.assert_ok(self.run_cli("key", "revoke", key_id))
        self.assertIn(f"revoked API key {key_id}", result.stdout)

        r = wait_for_status(self, lambda: self.server.me(key), 401)
        assert_error(self, r, 401, "invalid_api_key")
        listed = json_lines(self.assert_ok(self.run_cli("key", "list", "--json")).stdout)
        self.assertIsNotNone(next(k for k in listed if k["id"] == key_id)["revoked_at"])
        self.assertRegex(self.assert_ok(self.run_cli("key", "list")).stdout,
                         re.escape(key_id) + r".*revoked\n")

    def test_revoking_an_unknown_key_fails_with_1(self):
        for key_id in ("01900000-0000-7000-8000-000000000000", "not-an-id"):
            with self.subTest(key_id=key_id):
                self.assert_fails(self.run_cli("key", "revoke", key_id), 1,
                                  f"no API key has the id {key_id}")


class ServerCommands(CliTestCase):
    def test_healthcheck_of_the_running_server_exits_0(self):
        result = self.run_cli("healthcheck")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_routes_lists_the_routes_alone_on_standard_output(self):
        result = self.assert_ok(self.run_cli("routes"))
        lines = result.stdout.splitlines()
        self.assertIn("GET /health", lines)
        self.assertIn("DELETE /v1/auth/tokens/{id}", lines)
        for line in lines:
            self.assertRegex(line, r"^[A-Z]+ /\S*$")


class ConfigCheck(unittest.TestCase):
    SECRETS = {
        "AGENTD_JWT_SECRET": "jwt-secret-value-0123456789abcdef-xyz",
        "AGENTD_DATABASE_URL": "postgres://agentd:pg-password-value@127.0.0.1:1/agentd",
        "AGENTD_REDIS_URL": "redis://:redis-password-value@127.0.0.1:1",
        "OPENAI_API_KEY": "sk-openai-key-value",
        "ANTHROPIC_API_KEY": "sk-anthropic-key-value",
        "REMOTE_MCP_TOKEN": "mcp-token-value",
        "BRAVE_API_KEY": "brave-key-value",
        "AGENTD_METRICS_TOKEN": "metrics-token-value-0123456789",
    }
    FILE = """default_model: fast
models:
  - {name: fast, provider: openai, base_url: "http://127.0.0.1:9/v1", api_key_env: OPENAI_API_KEY}
tools:
  calculator: {requires_approval: true}
  web_search: {provider: brave}
mcp_servers:
  - name: remote
    url: http://127.0.0.1:9/mcp
    headers: {Authorization: "Bearer ${REMOTE_MCP_TOKEN}"}
"""

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="agentd-e2e-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.config_path = os.path.join(self.data_dir, "agentd.yaml")
        self.write_config(self.FILE)
        self.env = {**os.environ, **self.SECRETS, "AGENTD_DATA_DIR": self.data_dir,
                    "AGENTD_CONFIG": self.config_path}

    def write_config(self, text):
        with open(self.config_path, "w") as f:
            f.write(text)

    def settings_of(self, output):
        """{name: value} of the printed settings, and the group names in order."""
        settings, groups = {}, []
        for line in output.splitlines():
            if line.startswith("["):
                groups.append(line.strip("[]"))
            elif line:
                name, value = line.split(" = ", 1)
                settings[name] = value
        return settings, groups

    def test_prints_every_setting_by_group_with_secrets_masked(self):
        result = agentd(self.env, "config", "check")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for secret in ("jwt-secret-value", "pg-password-value", "redis-password-value",
                       "openai-key-value", "anthropic-key-value", "mcp-token-value",
                       "brave-key-value", "metrics-token-value"):
            self.assertNotIn(secret, result.stdout + result.stderr)
        settings, groups = self.settings_of(result.stdout)
        self.assertEqual(groups[:7], ["server", "database", "identity", "rate limits",
                                      "replicas", "metrics", "tools and models"])
        self.assertEqual(settings["AGENTD_METRICS_TOKEN"], "***")
        self.assertEqual(settings["AGENTD_JWT_SECRET"], "***")
        self.assertEqual(settings["AGENTD_DATABASE_URL"], "postgres://agentd:***@127.0.0.1:1/agentd")
        self.assertEqual(settings["AGENTD_REDIS_URL"], "redis://:***@127.0.0.1:1")
        self.assertEqual(settings["OPENAI_API_KEY"], "***")
        self.assertEqual(settings["ANTHROPIC_API_KEY"], "***")
        self.assertEqual(settings["models.fast.api_key"], "***")
        self.assertEqual(settings["tools.web_search.api_key"], "***")
        self.assertEqual(settings["mcp_servers.remote.headers.Authorization"], "***")
        self.assertEqual(settings["AGENTD_DATA_DIR"], self.data_dir)
        self.assertEqual(settings["AGENTD_CONFIG"], self.config_path)
        self.assertEqual(settings["default_model"], "fast")
        self.assertEqual(settings["tools.calculator.requires_approval"], "true")
        self.assertEqual(settings["AGENTD_MIGRATE_ON_START"], "false")
        for name in ("AGENTD_ADDR", "AGENTD_THREADS", "AGENTD_DATABASE_POOL_SIZE",
                     "AGENTD_ACCESS_TTL", "AGENTD_RUN_LEASE_MS", "AGENTD_TOOL_CONCURRENCY"):
            self.assertIn(name, settings)

    def test_connects_to_nothing_and_creates_nothing(self):
        env = {**self.env, "AGENTD_DATABASE_URL": None, "AGENTD_REDIS_URL": None}
        env = {k: v for k, v in env.items() if v is not None}
        result = agentd(env, "config", "check", timeout=20)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(os.listdir(self.data_dir), ["agentd.yaml"])
        self.assertIn(f"AGENTD_DATABASE_URL = sqlite://{self.data_dir}/agentd.db",
                      result.stdout)

    def test_an_unknown_key_is_a_warning(self):
        self.write_config(self.FILE + "colour: blue\n")
        result = agentd(self.env, "config", "check")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("agentd: warning: ", result.stderr)
        self.assertIn("colour", result.stderr)

    def test_a_bad_file_exits_2_naming_the_problem(self):
        cases = [
            ("models: [{name: x, provider: openai, timeout_ms: soon}]\n", "timeout_ms"),
            ("models: [{name: twin, provider: openai}, {name: twin, provider: openai}]\n",
             "twin"),
            ("default_model: nowhere\n", "default model nowhere"),
            ("tools: {web_search: {provider: yahoo}}\n", "tools.web_search.provider"),
            ("mcp_servers: [{name: both, command: npx, url: http://127.0.0.1:9/mcp}]\n",
             "exactly one of command"),
            ("models: [unclosed\n", "not valid YAML"),
        ]
        for text, message in cases:
            with self.subTest(message=message):
                self.write_config(text)
                result = agentd(self.env, "config", "check")
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertTrue(result.stderr.startswith("agentd: invalid configuration: "),
                                result.stderr)
                self.assertIn(message, result.stderr)
                self.assertEqual(result.stdout, "")

    def test_a_missing_file_or_a_bad_variable_exits_2(self):
        cases = [({"AGENTD_CONFIG": os.path.join(self.data_dir, "missing.yaml")}, "cannot read"),
                 ({"AGENTD_ACCESS_TTL": "forever"}, "AGENTD_ACCESS_TTL"),
                 ({"AGENTD_REDIS_URL": "rediss://127.0.0.1:1"}, "AGENTD_REDIS_URL")]
        for extra, message in cases:
            with self.subTest(message=message):
                result = agentd({**self.env, **extra}, "config", "check")
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn(message, result.stderr)


@unittest.skipIf(redis_server_bin() is None, "redis-server not found")
class NoticesOnRedis(unittest.TestCase):
    """With Redis, a command's change reaches running servers through a notice, not only when
    their caches expire."""

    @classmethod
    def setUpClass(cls):
        cls.redis_dir = tempfile.mkdtemp(prefix="agentd-e2e-redis-")
        cls.addClassCleanup(shutil.rmtree, cls.redis_dir, True)
        cls.redis = RedisServer(cls.redis_dir).start()
        cls.addClassCleanup(cls.redis.stop)
        cls.server = Agentd({**BASE_ENV, "AGENTD_REDIS_URL": cls.redis.url})
        cls.addClassCleanup(cls.server.__exit__)
        cls.server.start()

    def test_disable_and_revoke_are_announced(self):
        session = self.server.sign_up()
        email = session["email"]
        created = agentd(self.server.env, "key", "create", "--user", email, "--json")
        self.assertEqual(created.returncode, 0, created.stderr)
        key = json.loads(created.stdout)
        other = agentd(self.server.env, "key", "create", "--user", self.server.sign_up()["email"],
                       "--json")
        other_key = json.loads(other.stdout)

        # Cached by the server now.
        self.assertEqual(self.server.me(key["key"]).status, 200)
        self.assertEqual(self.server.me(other_key["key"]).status, 200)
        disabled = agentd(self.server.env, "user", "disable", "--email", email)
        revoked = agentd(self.server.env, "key", "revoke", other_key["id"])

        for result in (disabled, revoked):
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertNotIn("notices_unavailable", result.stderr)
            self.assertNotIn("notice_not_sent", result.stderr)
        assert_error(self, self.server.me(key["key"]), 401, "user_disabled")
        assert_error(self, self.server.me(other_key["key"]), 401, "invalid_api_key")


if __name__ == "__main__":
    unittest.main()

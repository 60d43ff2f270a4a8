"""Identity and access as a client sees it: registration, sign-in, sessions, API keys, who
may call what, rate limits, the admin command line and the token signing secret."""

import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
import threading
import time
import unittest
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from harness import AGENTD_BIN, PASSWORD, Agentd, assert_error, unique_email

# ---------------------------------------------------------------------------------------
# Configuration shared by the servers below.

JWT_SECRET = "e2e-known-signing-secret-0123456789abcdef"
WRONG_SECRET = "e2e-some-other-signing-secret-9876543210"
ACCESS_TTL_SECONDS = 420  # AGENTD_ACCESS_TTL=7m: not the 15-minute default

BASE_ENV = {
    "AGENTD_JWT_SECRET": JWT_SECRET,
    "AGENTD_ACCESS_TTL": "7m",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "100000",
}

# Every route that needs a credential. A new protected route joins the auth matrix here.
PROTECTED_ROUTES = [
    ("GET", "/v1/users/me"),
    ("POST", "/v1/auth/tokens"),
    ("GET", "/v1/auth/tokens"),
    ("DELETE", "/v1/auth/tokens/some-id"),
    ("GET", "/v1/tools"),
    ("POST", "/v1/tools/execute"),
    ("POST", "/v1/tools/batch"),
    ("GET", "/v1/models"),
    ("POST", "/v1/chat/completions"),
    ("POST", "/v1/conversations"),
    ("GET", "/v1/conversations"),
    ("GET", "/v1/conversations/some-id"),
    ("DELETE", "/v1/conversations/some-id"),
    ("POST", "/v1/conversations/some-id/messages"),
    ("GET", "/v1/conversations/some-id/events"),
    ("POST", "/v1/conversations/some-id/approve"),
    ("GET", "/v1/approvals"),
]

USER_FIELDS = {"id", "email", "name", "role", "created_at"}
TOKEN_FIELDS = {"access_token", "refresh_token", "token_type", "expires_in", "user"}
API_KEY_FIELDS = {"id", "name", "prefix", "allowed_tools", "allowed_models",
                  "approval_required_tools", "expires_at", "rate_limit_per_minute",
                  "created_at", "last_used_at"}
API_KEY_PREFIX = "sk-agentd-"
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

# ---------------------------------------------------------------------------------------
# JWT crafting (HS256 by hand, stdlib only).


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_decode(token):
    """The header and claims of a JWT, without checking anything."""
    header, payload, _ = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def jwt_encode(claims, secret=JWT_SECRET, header=None):
    header = header or {"alg": "HS256", "typ": "JWT"}
    signing_input = (b64url(json.dumps(header).encode()) + "." +
                     b64url(json.dumps(claims).encode()))
    if header["alg"] == "none":
        return signing_input + "."
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[header["alg"]]
    signature = hmac.new(secret.encode(), signing_input.encode(), digest).digest()
    return signing_input + "." + b64url(signature)


def flip_char(text, index):
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1:]


def tamper_payload(token):
    """Changes one character in the middle of the payload and keeps the signature."""
    header, payload, signature = token.split(".")
    return ".".join([header, flip_char(payload, len(payload) // 2), signature])


def swap_claims(token, **changes):
    """Rewrites claims but keeps the original signature."""
    header, payload, signature = token.split(".")
    claims = {**json.loads(b64url_decode(payload)), **changes}
    return ".".join([header, b64url(json.dumps(claims).encode()), signature])


def without(claims, name):
    return {k: v for k, v in claims.items() if k != name}


# ---------------------------------------------------------------------------------------
# Assertions.


def bearer(credential):
    return {"Authorization": f"Bearer {credential}"}


def assert_unauthenticated(test, response):
    """401 in the error shape, type authentication_error, with a Bearer challenge."""
    error = assert_error(test, response, 401, type_="authentication_error")
    challenge = response.header("www-authenticate") or ""
    test.assertRegex(challenge, r"^Bearer\b", "401 without WWW-Authenticate: Bearer")
    return error


def assert_user(test, user, **expected):
    test.assertEqual(set(user), USER_FIELDS)
    test.assertIsInstance(user["id"], str)
    test.assertTrue(user["id"])
    test.assertRegex(user["created_at"], RFC3339_UTC)
    for name, value in expected.items():
        test.assertEqual(user[name], value, name)


def json_keys(value):
    """Every object key anywhere in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_keys(item)


def assert_no_password_material(test, response):
    """No password or hash field anywhere, and nothing that looks like an Argon2 hash."""
    test.assertNotIn(b"$argon2", response.body)
    suspicious = [k for k in json_keys(response.json()) if "password" in k or "hash" in k]
    test.assertEqual(suspicious, [])


def assert_token_pair(test, response, user=None):
    test.assertEqual(response.status, 200, response.body)
    body = response.json()
    test.assertTrue(TOKEN_FIELDS <= set(body), body.keys())
    test.assertEqual(body["token_type"], "Bearer")
    test.assertIs(type(body["expires_in"]), int)
    test.assertEqual(body["expires_in"], ACCESS_TTL_SECONDS)
    test.assertTrue(body["access_token"])
    test.assertTrue(body["refresh_token"])
    test.assertNotEqual(body["access_token"], body["refresh_token"])
    if user is not None:
        test.assertEqual(body["user"], user)
    assert_no_password_material(test, response)
    return body


def rate_headers(test, response):
    """(limit, remaining, reset) as integers; each must be present."""
    values = []
    for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        value = response.header(name)
        test.assertIsNotNone(value, f"{name} missing on {response.status}")
        test.assertRegex(value, r"^\d+$", name)
        values.append(int(value))
    return tuple(values)


def at_once(count, call):
    """Runs `call` from `count` threads released together; returns the responses."""
    start = threading.Barrier(count)
    responses = []

    def worker():
        start.wait()
        responses.append(call())

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def rfc3339_in(seconds):
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ServerTestCase(unittest.TestCase):
    """One agentd per class, started with BASE_ENV plus the class's ENV."""

    ENV = {}

    @classmethod
    def setUpClass(cls):
        cls.server = Agentd({**BASE_ENV, **cls.ENV}).start()
        cls.addClassCleanup(cls.server.__exit__)

    def create_key(self, token, **fields):
        return self.server.request("POST", "/v1/auth/tokens", {"name": "key", **fields},
                                   token=token)

    def list_keys(self, token, query=""):
        return self.server.request("GET", "/v1/auth/tokens" + query, token=token)


# ---------------------------------------------------------------------------------------
# The session story: register, sign in, refresh, reuse detection, logout.


class SessionLifecycle(ServerTestCase):
    # Reuse detection itself is under test here: no grace window (RefreshReuseWindow has one).
    ENV = {"AGENTD_REFRESH_REUSE_WINDOW": "0"}

    def test_register_returns_the_user_with_a_normalised_email(self):
        r = self.server.register(" Alice@Example.COM ", name="Alice")
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.header("content-type"), "application/json")
        body = r.json()
        self.assertEqual(set(body), {"user"})
        assert_user(self, body["user"], email="alice@example.com", name="Alice", role="user")
        assert_no_password_material(self, r)

    def test_registration_cannot_choose_a_role(self):
        r = self.server.request("POST", "/v1/auth/register",
                                {"email": unique_email(), "password": PASSWORD, "role": "admin"})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["user"]["role"], "user")

    def test_login_returns_bearer_tokens_for_the_configured_ttl(self):
        email = unique_email()
        user = self.server.register(email, name="Bob").json()["user"]
        assert_token_pair(self, self.server.login(email), user)

    def test_login_accepts_the_email_in_another_case(self):
        email = unique_email()
        user = self.server.register(email).json()["user"]
        assert_token_pair(self, self.server.login(f"  {email.upper()} "), user)

    def test_me_returns_the_signed_in_user(self):
        session = self.server.sign_up(name="Carol")
        r = self.server.me(session["access_token"])
        self.assertEqual(r.status, 200, r.body)
        assert_user(self, r.json(), email=session["email"], name="Carol", role="user")
        self.assertEqual(r.json(), session["user"])
        assert_no_password_material(self, r)

    def test_refresh_issues_a_new_refresh_token(self):
        session = self.server.sign_up()
        rotated = assert_token_pair(self, self.server.refresh(session["refresh_token"]),
                                    session["user"])
        self.assertNotEqual(rotated["refresh_token"], session["refresh_token"])
        self.assertEqual(self.server.me(rotated["access_token"]).status, 200)

    def test_old_refresh_token_is_rejected_after_rotation(self):
        session = self.server.sign_up()
        self.assertEqual(self.server.refresh(session["refresh_token"]).status, 200)
        r = self.server.refresh(session["refresh_token"])
        assert_error(self, r, 401, type_="authentication_error")

    def test_reusing_an_old_refresh_token_revokes_the_whole_session(self):
        session = self.server.sign_up()
        rotated = self.server.refresh(session["refresh_token"]).json()
        self.assertEqual(self.server.me(rotated["access_token"]).status, 200)

        reuse = self.server.refresh(session["refresh_token"])
        assert_error(self, reuse, 401, type_="authentication_error")

        assert_error(self, self.server.refresh(rotated["refresh_token"]), 401,
                     type_="authentication_error")
        assert_unauthenticated(self, self.server.me(rotated["access_token"]))
        assert_unauthenticated(self, self.server.me(session["access_token"]))

    def test_concurrent_refreshes_with_one_token_rotate_once(self):
        session = self.server.sign_up()
        responses = at_once(8, lambda: self.server.refresh(session["refresh_token"]))
        self.assertEqual(sorted(r.status for r in responses), [200] + [401] * 7,
                         [r.body for r in responses])

    def test_unknown_refresh_token_is_401(self):
        r = self.server.refresh("not-a-refresh-token")
        assert_error(self, r, 401, type_="authentication_error")

    def test_logout_ends_the_session_at_once(self):
        session = self.server.sign_up()
        self.assertEqual(self.server.me(session["access_token"]).status, 200)
        r = self.server.logout(session["refresh_token"])
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.body, b"")
        assert_unauthenticated(self, self.server.me(session["access_token"]))
        assert_error(self, self.server.refresh(session["refresh_token"]), 401,
                     type_="authentication_error")

    def test_logout_leaves_the_users_other_sessions_alone(self):
        session = self.server.sign_up()
        other = self.server.login(session["email"]).json()
        self.assertEqual(self.server.logout(session["refresh_token"]).status, 204)
        self.assertEqual(self.server.me(other["access_token"]).status, 200)
        assert_token_pair(self, self.server.refresh(other["refresh_token"]), session["user"])


class RefreshReuseWindow(ServerTestCase):
    """A refresh token presented again shortly after its rotation (two tabs, a retry after a
    lost answer) gets the same new token; later, reuse still revokes the session."""

    WINDOW_SECONDS = 1
    ENV = {"AGENTD_REFRESH_REUSE_WINDOW": str(WINDOW_SECONDS)}

    def test_concurrent_refreshes_within_the_window_all_get_the_same_new_token(self):
        session = self.server.sign_up()
        responses = at_once(4, lambda: self.server.refresh(session["refresh_token"]))
        pairs = [assert_token_pair(self, r, session["user"]) for r in responses]
        new_tokens = {pair["refresh_token"] for pair in pairs}
        self.assertEqual(len(new_tokens), 1, new_tokens)
        self.assertNotIn(session["refresh_token"], new_tokens)
        for pair in pairs:
            self.assertEqual(self.server.me(pair["access_token"]).status, 200)
        # The one new refresh token is the session's current one.
        assert_token_pair(self, self.server.refresh(new_tokens.pop()), session["user"])

    def test_a_retry_within_the_window_gets_the_same_pair_and_both_work(self):
        session = self.server.sign_up()
        first = assert_token_pair(self, self.server.refresh(session["refresh_token"]))
        again = assert_token_pair(self, self.server.refresh(session["refresh_token"]))
        self.assertEqual(again["refresh_token"], first["refresh_token"])
        self.assertEqual(self.server.me(first["access_token"]).status, 200)
        self.assertEqual(self.server.me(again["access_token"]).status, 200)
        assert_token_pair(self, self.server.refresh(first["refresh_token"]), session["user"])

    def test_reuse_after_the_window_revokes_the_whole_session(self):
        session = self.server.sign_up()
        rotated = assert_token_pair(self, self.server.refresh(session["refresh_token"]))
        time.sleep(self.WINDOW_SECONDS + 0.5)

        assert_error(self, self.server.refresh(session["refresh_token"]), 401,
                     "invalid_refresh_token", "authentication_error")
        assert_unauthenticated(self, self.server.me(rotated["access_token"]))
        assert_error(self, self.server.refresh(rotated["refresh_token"]), 401,
                     type_="authentication_error")

    def test_the_window_is_given_in_whole_seconds(self):
        result = subprocess.run([AGENTD_BIN, "serve"], capture_output=True, text=True,
                                env={"AGENTD_REFRESH_REUSE_WINDOW": "10s"}, timeout=10)
        self.assertEqual(result.returncode, 2)
        self.assertIn("AGENTD_REFRESH_REUSE_WINDOW", result.stderr)


# ---------------------------------------------------------------------------------------
# Bad input on the sign-in endpoints.


class InputValidation(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session = cls.server.sign_up()

    def json_endpoints(self):
        """(path, headers) of every endpoint that takes a JSON body."""
        return [("/v1/auth/register", {}), ("/v1/auth/login", {}), ("/v1/auth/refresh", {}),
                ("/v1/auth/logout", {}),
                ("/v1/auth/tokens", bearer(self.session["access_token"]))]

    def post_raw(self, path, raw, headers, content_type="application/json"):
        headers = dict(headers)
        if content_type is not None:
            headers["Content-Type"] = content_type
        return self.server.request("POST", path, raw=raw, headers=headers)

    def test_malformed_json_is_400_invalid_json(self):
        for path, headers in self.json_endpoints():
            with self.subTest(path=path):
                r = self.post_raw(path, b'{"email": "a@example.com",', headers)
                assert_error(self, r, 400, "invalid_json", "invalid_request_error")

    def test_wrong_content_type_is_415(self):
        body = json.dumps({"email": unique_email(), "password": PASSWORD,
                           "refresh_token": "x", "name": "k"}).encode()
        for path, headers in self.json_endpoints():
            for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
                with self.subTest(path=path, content_type=content_type):
                    r = self.post_raw(path, body, headers, content_type)
                    assert_error(self, r, 415, type_="invalid_request_error")

    def test_body_must_be_a_json_object(self):
        for path, headers in self.json_endpoints():
            for raw in (b"[]", b'"text"', b"42", b"null", b"true"):
                with self.subTest(path=path, body=raw):
                    r = self.post_raw(path, raw, headers)
                    assert_error(self, r, 400, type_="invalid_request_error")

    def test_missing_fields_name_the_param(self):
        email = unique_email()
        cases = [
            ("/v1/auth/register", {"password": PASSWORD}, "email"),
            ("/v1/auth/register", {"email": email}, "password"),
            ("/v1/auth/login", {"password": PASSWORD}, "email"),
            ("/v1/auth/login", {"email": email}, "password"),
            ("/v1/auth/refresh", {}, "refresh_token"),
            ("/v1/auth/logout", {}, "refresh_token"),
            ("/v1/auth/tokens", {"allowed_tools": []}, "name"),
        ]
        token = self.session["access_token"]
        for path, body, param in cases:
            with self.subTest(path=path, body=body):
                r = self.server.request("POST", path, body, token=token)
                error = assert_error(self, r, 400, type_="invalid_request_error")
                self.assertEqual(error["param"], param)

    def test_fields_of_the_wrong_type_name_the_param(self):
        cases = [
            ("/v1/auth/register", {"email": 42, "password": PASSWORD}, "email"),
            ("/v1/auth/register", {"email": unique_email(), "password": 12345678}, "password"),
            ("/v1/auth/register", {"email": unique_email(), "password": PASSWORD, "name": 7},
             "name"),
            ("/v1/auth/login", {"email": ["a@example.com"], "password": PASSWORD}, "email"),
        ]
        for path, body, param in cases:
            with self.subTest(path=path, body=body):
                error = assert_error(self, self.server.request("POST", path, body), 400,
                                     type_="invalid_request_error")
                self.assertEqual(error["param"], param)

    def test_invalid_email_is_400_invalid_email(self):
        for email in ("", "   ", "plainaddress", "@example.com", "bob@",
                      "bob@@example.com", "bob smith@example.com", "bob@exa mple.com",
                      "bob@.example.com", "bob..x@example.com", "a" * 250 + "@example.com"):
            with self.subTest(email=email):
                r = self.server.register(email)
                error = assert_error(self, r, 400, "invalid_email", "invalid_request_error")
                self.assertEqual(error["param"], "email")

    def test_password_shorter_than_8_characters_is_400(self):
        r = self.server.register(unique_email(), password="seven77")
        error = assert_error(self, r, 400, "password_too_short", "invalid_request_error")
        self.assertEqual(error["param"], "password")
        self.assertEqual(self.server.register(unique_email(), password="exactly8").status, 201)

    def test_password_over_1024_bytes_is_400(self):
        for password in ("p" * 1025, "\u00e9" * 513):  # the second is 513 characters, 1026 bytes
            with self.subTest(length=len(password.encode())):
                r = self.server.register(unique_email(), password=password)
                error = assert_error(self, r, 400, type_="invalid_request_error")
                self.assertEqual(error["param"], "password")
        self.assertEqual(self.server.register(unique_email(), password="p" * 1024).status, 201)

    def test_error_messages_do_not_echo_the_password(self):
        r = self.server.register("not-an-email", password="hunter2-hunter2")
        self.assertEqual(r.status, 400)
        self.assertNotIn(b"hunter2", r.body)

    def test_duplicate_email_is_409_email_taken(self):
        email = unique_email("dup")
        self.assertEqual(self.server.register(email).status, 201)
        for variant in (email, email.upper(), f"  {email} ", email.capitalize()):
            with self.subTest(email=variant):
                r = self.server.register(variant, password="another-password")
                assert_error(self, r, 409, "email_taken", "invalid_request_error")

    def test_concurrent_duplicate_registrations_create_one_user(self):
        email = unique_email("race")
        responses = at_once(8, lambda: self.server.register(email))
        self.assertEqual(sorted(r.status for r in responses), [201] + [409] * 7,
                         [r.body for r in responses])
        for r in responses:
            if r.status == 409:
                assert_error(self, r, 409, "email_taken")
        self.assertEqual(self.server.login(email).status, 200)


# ---------------------------------------------------------------------------------------
# Failed sign-ins say nothing about which part was wrong.


class LoginFailures(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.email = unique_email("known")
        cls.server.register(cls.email)

    def test_unknown_email_and_wrong_password_answer_alike(self):
        unknown = self.server.login(unique_email("nobody"))
        wrong = self.server.login(self.email, password="wrong-password-1")
        for r in (unknown, wrong):
            error = assert_unauthenticated(self, r)
            self.assertEqual(error["code"], "invalid_credentials")
        self.assertEqual(unknown.body, wrong.body)
        self.assertEqual(unknown.header("www-authenticate"), wrong.header("www-authenticate"))

    def test_malformed_email_answers_like_an_unknown_one(self):
        unknown = self.server.login(unique_email("nobody"))
        malformed = self.server.login("not-an-email")
        assert_unauthenticated(self, malformed)
        self.assertEqual(malformed.body, unknown.body)


# ---------------------------------------------------------------------------------------
# API keys: created once, listed without secrets, used, revoked, scoped to their owner.


class ApiKeys(ServerTestCase):
    def test_create_shows_the_secret_once(self):
        token = self.server.sign_up()["access_token"]
        r = self.create_key(token, name="ci")
        self.assertEqual(r.status, 201, r.body)
        key = r.json()
        self.assertTrue(API_KEY_FIELDS | {"key"} <= set(key), key.keys())
        self.assertTrue(key["key"].startswith(API_KEY_PREFIX), key["key"])
        self.assertGreaterEqual(len(key["key"]) - len(API_KEY_PREFIX), 22)  # >= 128 random bits
        self.assertTrue(key["prefix"].startswith(API_KEY_PREFIX))
        self.assertTrue(key["key"].startswith(key["prefix"]))
        self.assertLess(len(key["prefix"]), len(key["key"]) - 16)
        self.assertEqual(key["name"], "ci")
        self.assertIsNone(key["allowed_tools"])
        self.assertIsNone(key["allowed_models"])
        self.assertEqual(key["approval_required_tools"], [])
        self.assertIsNone(key["expires_at"])
        self.assertIsNone(key["rate_limit_per_minute"])
        self.assertIsNone(key["last_used_at"])
        self.assertRegex(key["created_at"], RFC3339_UTC)
        self.assertFalse([f for f in key if "hash" in f or "secret" in f], key.keys())

    def test_list_never_shows_the_secret_or_its_hash(self):
        token = self.server.sign_up()["access_token"]
        created = self.create_key(token, name="listed").json()
        r = self.list_keys(token)
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["object"], "list")
        self.assertFalse(body["has_more"])
        [item] = body["data"]
        self.assertTrue(API_KEY_FIELDS <= set(item), item.keys())
        self.assertEqual(item["id"], created["id"])
        self.assertEqual(item["prefix"], created["prefix"])
        self.assertNotIn("key", item)
        self.assertFalse([f for f in item if "hash" in f or "secret" in f], item.keys())
        secret = created["key"].encode()
        digest = hashlib.sha256(secret).digest()
        for leaked in (secret, secret[len(API_KEY_PREFIX):], digest.hex().encode(),
                       base64.b64encode(digest), b64url(digest).encode()):
            self.assertNotIn(leaked, r.body)

    def test_key_authenticates_as_its_user(self):
        session = self.server.sign_up()
        key = self.create_key(session["access_token"]).json()["key"]
        r = self.server.me(key)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), session["user"])

    def test_use_is_recorded_in_last_used_at(self):
        token = self.server.sign_up()["access_token"]
        created = self.create_key(token).json()
        self.assertEqual(self.server.me(created["key"]).status, 200)
        [item] = self.list_keys(token).json()["data"]
        self.assertRegex(item["last_used_at"] or "", RFC3339_UTC)

    def test_revoked_key_fails_on_its_next_use(self):
        token = self.server.sign_up()["access_token"]
        created = self.create_key(token).json()
        self.assertEqual(self.server.me(created["key"]).status, 200)
        r = self.server.request("DELETE", f"/v1/auth/tokens/{created['id']}", token=token)
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.body, b"")
        assert_unauthenticated(self, self.server.me(created["key"]))

    def test_api_key_cannot_manage_keys(self):
        token = self.server.sign_up()["access_token"]
        created = self.create_key(token).json()
        calls = [("POST", "/v1/auth/tokens", {"name": "minted-by-a-key"}),
                 ("GET", "/v1/auth/tokens", None),
                 ("DELETE", f"/v1/auth/tokens/{created['id']}", None)]
        for method, path, body in calls:
            with self.subTest(method=method):
                r = self.server.request(method, path, body, token=created["key"])
                assert_error(self, r, 403, "api_key_cannot_manage_keys", "permission_error")
        self.assertEqual([k["id"] for k in self.list_keys(token).json()["data"]], [created["id"]])
        self.assertEqual(self.server.me(created["key"]).status, 200)

    def test_other_users_cannot_see_or_delete_a_key(self):
        owner = self.server.sign_up()["access_token"]
        stranger = self.server.sign_up()["access_token"]
        created = self.create_key(owner).json()
        listed = self.list_keys(stranger)
        self.assertEqual(listed.status, 200, listed.body)
        self.assertEqual(listed.json()["data"], [])
        r = self.server.request("DELETE", f"/v1/auth/tokens/{created['id']}", token=stranger)
        assert_error(self, r, 404, type_="invalid_request_error")
        self.assertEqual(self.server.me(created["key"]).status, 200)

    def test_list_pages_with_limit_and_after(self):
        token = self.server.sign_up()["access_token"]
        created = {self.create_key(token, name=f"k{i}").json()["id"] for i in range(5)}
        seen, pages, after = [], [], None
        while True:
            query = "?limit=2" + (f"&after={after}" if after else "")
            body = self.list_keys(token, query).json()
            pages.append((len(body["data"]), body["has_more"]))
            seen += [item["id"] for item in body["data"]]
            if not body["has_more"]:
                break
            after = body["data"][-1]["id"]
            self.assertLess(len(pages), 5, "pagination does not end")
        self.assertEqual(pages, [(2, True), (2, True), (1, False)])
        self.assertEqual(len(seen), 5)
        self.assertEqual(set(seen), created)

    def test_invalid_list_limit_is_400(self):
        token = self.server.sign_up()["access_token"]
        for limit in ("0", "101", "-1", "ten"):
            with self.subTest(limit=limit):
                error = assert_error(self, self.list_keys(token, f"?limit={limit}"), 400,
                                     type_="invalid_request_error")
                self.assertEqual(error["param"], "limit")

    def test_allowed_tools_round_trip(self):
        token = self.server.sign_up()["access_token"]
        absent = "(absent)"
        for sent, expected in ((absent, None), (None, None), ([], []), (["*"], ["*"]),
                               (["calculator", "current_time"], ["calculator", "current_time"])):
            with self.subTest(allowed_tools=sent):
                fields = {} if sent == absent else {"allowed_tools": sent}
                created = self.create_key(token, **fields).json()
                self.assertEqual(created["allowed_tools"], expected)
                listed = {k["id"]: k for k in self.list_keys(token, "?limit=100").json()["data"]}
                self.assertEqual(listed[created["id"]]["allowed_tools"], expected)

    def test_create_validates_its_fields(self):
        token = self.server.sign_up()["access_token"]
        cases = [({"name": ""}, "name"),
                 ({"expires_at": rfc3339_in(-60)}, "expires_at"),
                 ({"expires_at": "tomorrow"}, "expires_at"),
                 ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
                 ({"allowed_tools": "calculator"}, "allowed_tools")]
        for fields, param in cases:
            with self.subTest(fields=fields):
                error = assert_error(self, self.create_key(token, **fields), 400,
                                     type_="invalid_request_error")
                self.assertEqual(error["param"], param)


# A model and an MCP server that never answer: names are checked against the configuration,
# not against what is reachable.
KEY_NAMES_CONFIG = """\
models:
  - {name: known-model, provider: openai, base_url: "http://127.0.0.1:1/v1"}
mcp_servers:
  - name: later
    url: http://127.0.0.1:1/mcp
"""


class ApiKeyPermissionNames(ServerTestCase):
    """A key names only tools and models the server provides, or will once its MCP servers
    connect."""

    @classmethod
    def setUpClass(cls):
        config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        config.write(KEY_NAMES_CONFIG)
        config.close()
        cls.addClassCleanup(os.unlink, config.name)
        cls.ENV = {"AGENTD_CONFIG": config.name}
        super().setUpClass()

    def test_an_unknown_tool_is_400_naming_it(self):
        token = self.server.sign_up()["access_token"]
        for field in ("allowed_tools", "approval_required_tools"):
            with self.subTest(field=field):
                r = self.create_key(token, **{field: ["calculator", "teleport"]})
                error = assert_error(self, r, 400, "unknown_tool", "invalid_request_error")
                self.assertEqual(error["param"], field)
                self.assertIn("teleport", error["message"])
        self.assertEqual(self.list_keys(token).json()["data"], [])

    def test_an_unknown_model_is_400_naming_it(self):
        token = self.server.sign_up()["access_token"]
        r = self.create_key(token, allowed_models=["known-model", "gpt-17"])
        error = assert_error(self, r, 400, "unknown_model", "invalid_request_error")
        self.assertEqual(error["param"], "allowed_models")
        self.assertIn("gpt-17", error["message"])
        self.assertEqual(self.list_keys(token).json()["data"], [])

    def test_a_tool_of_an_mcp_server_that_is_not_configured_is_unknown(self):
        token = self.server.sign_up()["access_token"]
        r = self.create_key(token, allowed_tools=["elsewhere__search"])
        assert_error(self, r, 400, "unknown_tool")

    def test_configured_names_wildcards_and_mcp_tools_not_yet_connected_are_accepted(self):
        token = self.server.sign_up()["access_token"]
        fields = {"allowed_tools": ["calculator", "*", "later__search", "later__*"],
                  "allowed_models": ["known-model", "*"],
                  "approval_required_tools": ["current_time", "later__search"]}
        r = self.create_key(token, **fields)
        self.assertEqual(r.status, 201, r.body)
        for field, names in fields.items():
            self.assertEqual(r.json()[field], names)


# ---------------------------------------------------------------------------------------
# The auth matrix: every protected route refuses every bad credential the same way.


def _resigned(**changes):
    """Own session's claims with `changes`, correctly signed with the server's secret."""
    return lambda c: bearer(jwt_encode({**c.claims, **changes}))


# (label, credential factory): the factory gets the context built in AuthMatrix.setUpClass
# and returns the request headers to send.
BAD_CREDENTIALS = [
    ("no Authorization header", lambda c: {}),
    ("Bearer with garbage", lambda c: bearer("garbage")),
    ("Bearer scheme alone", lambda c: {"Authorization": "Bearer"}),
    ("Basic scheme", lambda c: {"Authorization": "Basic xyz"}),
    ("JWT with a flipped payload character", lambda c: bearer(tamper_payload(c.access_token))),
    ("JWT re-pointed at another user, old signature",
     lambda c: bearer(swap_claims(c.access_token, sub=c.other_user_id))),
    ("alg none JWT with the same claims",
     lambda c: bearer(jwt_encode(c.claims, header={"alg": "none", "typ": "JWT"}))),
    ("HS256 JWT signed with a wrong secret",
     lambda c: bearer(jwt_encode(c.claims, secret=WRONG_SECRET))),
    ("HS512 JWT signed with the right secret",
     lambda c: bearer(jwt_encode(c.claims, header={"alg": "HS512", "typ": "JWT"}))),
    ("expired JWT", lambda c: bearer(jwt_encode(
        {**c.claims, "iat": int(time.time()) - 1200, "exp": int(time.time()) - 600}))),
    ("JWT without exp", lambda c: bearer(jwt_encode(without(c.claims, "exp")))),
    ("JWT from another issuer", _resigned(iss="go-agent-api")),
    ("JWT for another audience", _resigned(aud="someone-else")),
    ("JWT typed as a refresh token", _resigned(typ="refresh")),
    ("JWT naming another user with own session", lambda c: bearer(
        jwt_encode({**c.claims, "sub": c.other_user_id}))),
    ("JWT naming an unknown session", _resigned(sid=str(uuid.uuid4()))),
    ("access token of a logged-out session", lambda c: bearer(c.logged_out_access_token)),
    ("refresh token used as bearer", lambda c: bearer(c.refresh_token)),
    ("revoked API key", lambda c: bearer(c.revoked_key)),
    ("API key with a wrong secret", lambda c: bearer(flip_char(c.key, len(c.key) - 1))),
    ("unknown API key", lambda c: bearer(API_KEY_PREFIX + "A" * 43)),
]


class AuthMatrix(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        owner = cls.server.sign_up()
        other = cls.server.sign_up()
        token = owner["access_token"]
        key = cls.server.request("POST", "/v1/auth/tokens", {"name": "m"}, token=token).json()
        revoked = cls.server.request("POST", "/v1/auth/tokens", {"name": "r"}, token=token).json()
        cls.server.request("DELETE", f"/v1/auth/tokens/{revoked['id']}", token=token)
        ended = cls.server.login(owner["email"]).json()
        cls.server.logout(ended["refresh_token"])
        cls.ctx = SimpleNamespace(
            user=owner["user"], access_token=token, refresh_token=owner["refresh_token"],
            claims=jwt_decode(token)[1], other_user_id=other["user"]["id"],
            key=key["key"], revoked_key=revoked["key"],
            logged_out_access_token=ended["access_token"])

    def call(self, method, path, headers):
        body = {"name": "matrix"} if method in ("POST", "PUT", "PATCH") else None
        return self.server.request(method, path, body, headers=headers)

    def test_access_token_carries_the_expected_claims(self):
        header, claims = jwt_decode(self.ctx.access_token)
        self.assertEqual(header["alg"], "HS256")
        self.assertEqual(claims["iss"], "agentd")
        self.assertIn(claims["aud"], ("agentd", ["agentd"]))
        self.assertEqual(claims["typ"], "access")
        self.assertEqual(claims["sub"], self.ctx.user["id"])
        self.assertTrue(claims["sid"])
        self.assertEqual(claims["exp"] - claims["iat"], ACCESS_TTL_SECONDS)

    def test_crafted_tokens_are_accepted_when_nothing_is_wrong(self):
        # The control for the crafted credentials below: same claims, same secret.
        r = self.server.me(jwt_encode(self.ctx.claims))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), self.ctx.user)

    def test_valid_session_reaches_every_protected_route(self):
        for method, path in PROTECTED_ROUTES:
            with self.subTest(route=f"{method} {path}"):
                r = self.call(method, path, bearer(self.ctx.access_token))
                # Past authentication, whatever the route then makes of the (empty) request.
                self.assertNotIn(r.status, (401, 403, 405, 429), r.body)
                if r.status >= 400:
                    self.assertNotEqual(r.json()["error"]["code"], "route_not_found")

    def test_every_bad_credential_is_401_on_every_protected_route(self):
        for label, credential in BAD_CREDENTIALS:
            headers = credential(self.ctx)
            for method, path in PROTECTED_ROUTES:
                with self.subTest(credential=label, route=f"{method} {path}"):
                    assert_unauthenticated(self, self.call(method, path, headers))


# ---------------------------------------------------------------------------------------
# Credentials that run out: access and refresh lifetimes, API key expiry.


class Expiry(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.short_access = Agentd({**BASE_ENV, "AGENTD_ACCESS_TTL": "2s"}).start()
        cls.addClassCleanup(cls.short_access.__exit__)
        cls.short_refresh = Agentd({**BASE_ENV, "AGENTD_REFRESH_TTL": "2s"}).start()
        cls.addClassCleanup(cls.short_refresh.__exit__)

        cls.access_session = cls.short_access.sign_up()
        cls.access_before = cls.short_access.me(cls.access_session["access_token"])
        cls.refresh_session = cls.short_refresh.sign_up()
        cls.key_expires_at = rfc3339_in(3)
        cls.key = cls.short_access.request(
            "POST", "/v1/auth/tokens", {"name": "short", "expires_at": cls.key_expires_at},
            token=cls.access_session["access_token"])
        cls.key_secret = cls.key.json().get("key", "") if cls.key.status == 201 else ""
        cls.key_before = cls.short_access.me(cls.key_secret)
        time.sleep(3.5)  # one wait for every lifetime above

    def test_access_token_stops_working_after_its_ttl(self):
        self.assertEqual(self.access_session["expires_in"], 2)
        self.assertEqual(self.access_before.status, 200, self.access_before.body)
        assert_unauthenticated(self, self.short_access.me(self.access_session["access_token"]))

    def test_expired_access_token_is_renewed_by_refresh(self):
        r = self.short_access.refresh(self.access_session["refresh_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.short_access.me(r.json()["access_token"]).status, 200)

    def test_refresh_token_stops_working_after_its_ttl(self):
        r = self.short_refresh.refresh(self.refresh_session["refresh_token"])
        assert_error(self, r, 401, type_="authentication_error")

    def test_api_key_stops_working_at_expires_at(self):
        self.assertEqual(self.key.status, 201, self.key.body)
        self.assertEqual(parse_time(self.key.json()["expires_at"]),
                         parse_time(self.key_expires_at))
        self.assertEqual(self.key_before.status, 200, self.key_before.body)
        assert_unauthenticated(self, self.short_access.me(self.key_secret))


# ---------------------------------------------------------------------------------------
# Rate limits. The server trusts the loopback test client as a proxy, so each test can
# act from addresses of its own with X-Forwarded-For.

_addresses = (f"203.0.113.{i}" for i in itertools.count(1))


def from_address(address=None):
    return {"X-Forwarded-For": address or next(_addresses)}


def assert_rate_limited(test, response, limit):
    assert_error(test, response, 429, type_="rate_limit_error")
    retry_after = response.header("retry-after")
    test.assertIsNotNone(retry_after, "429 without Retry-After")
    test.assertRegex(retry_after, r"^\d+$")
    test.assertGreaterEqual(int(retry_after), 1)
    test.assertLessEqual(int(retry_after), 60)
    header_limit, remaining, reset = rate_headers(test, response)
    test.assertEqual(header_limit, limit)
    test.assertEqual(remaining, 0)
    test.assertLessEqual(reset, 60)


class RateLimits(ServerTestCase):
    ENV = {"AGENTD_RATE_LIMIT_PER_MINUTE": "5",
           "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "3",
           "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "3",
           "AGENTD_TRUSTED_PROXIES": "127.0.0.1"}

    def sign_up(self):
        return self.server.sign_up(headers=from_address())

    def test_authenticated_responses_count_down_then_429(self):
        token = self.sign_up()["access_token"]
        for expected in (4, 3, 2, 1, 0):
            r = self.server.me(token)
            self.assertEqual(r.status, 200, r.body)
            limit, remaining, reset = rate_headers(self, r)
            self.assertEqual((limit, remaining), (5, expected))
            self.assertTrue(1 <= reset <= 60, reset)
        assert_rate_limited(self, self.server.me(token), 5)

    def test_error_responses_carry_rate_limit_headers_too(self):
        token = self.sign_up()["access_token"]
        r = self.server.request("DELETE", "/v1/auth/tokens/no-such-key", token=token)
        assert_error(self, r, 404)
        self.assertEqual(rate_headers(self, r)[:2], (5, 4))

    def test_signing_in_again_does_not_reset_the_limit(self):
        address = from_address()
        session = self.server.sign_up(headers=address)
        for _ in range(5):
            self.assertEqual(self.server.me(session["access_token"]).status, 200)
        again = self.server.login(session["email"], headers=address)
        self.assertEqual(again.status, 200, again.body)
        assert_rate_limited(self, self.server.me(again.json()["access_token"]), 5)

    def test_api_key_has_its_own_limit(self):
        token = self.sign_up()["access_token"]
        created = self.create_key(token, rate_limit_per_minute=2)
        self.assertEqual(created.status, 201, created.body)
        key = created.json()["key"]
        for expected in (1, 0):
            r = self.server.me(key)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(rate_headers(self, r)[:2], (2, expected))
        assert_rate_limited(self, self.server.me(key), 2)
        # The owner's own budget is untouched by the key's requests (one spent on creation).
        r = self.server.me(token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(rate_headers(self, r)[:2], (5, 3))

    def test_login_is_limited_per_email(self):
        email = unique_email()
        self.assertEqual(self.server.register(email, headers=from_address()).status, 201)
        for variant in (email, email.upper(), f" {email} "):
            r = self.server.login(variant, password="wrong-password-1", headers=from_address())
            assert_error(self, r, 401, "invalid_credentials")
        r = self.server.login(email, headers=from_address())
        assert_rate_limited(self, r, 3)

    def test_login_is_limited_per_address(self):
        email = unique_email()
        self.assertEqual(self.server.register(email, headers=from_address()).status, 201)
        address = from_address()
        for _ in range(3):
            r = self.server.login(unique_email("nobody"), headers=address)
            assert_error(self, r, 401, "invalid_credentials")
        assert_rate_limited(self, self.server.login(email, headers=address), 3)
        self.assertEqual(self.server.login(email, headers=from_address()).status, 200)

    def test_registration_is_limited_per_address(self):
        address = from_address()
        for _ in range(3):
            self.assertEqual(self.server.register(unique_email(), headers=address).status, 201)
        assert_rate_limited(self, self.server.register(unique_email(), headers=address), 3)
        self.assertEqual(self.server.register(unique_email(), headers=from_address()).status,
                         201)

    def test_registration_is_limited_per_email(self):
        # api.md: "Login and register are limited per client address and per email."
        email = unique_email()
        statuses = [self.server.register(email, headers=from_address()).status
                    for _ in range(3)]
        self.assertEqual(statuses, [201, 409, 409])
        assert_rate_limited(self, self.server.register(email, headers=from_address()), 3)

    def test_spoofed_forwarded_hops_do_not_dodge_the_limit(self):
        # Only the hop our trusted proxy saw counts; what the client wrote before it does not.
        client = next(_addresses)
        for i in range(3):
            r = self.server.register(unique_email(),
                                     headers=from_address(f"10.9.9.{i}, {client}"))
            self.assertEqual(r.status, 201, r.body)
        r = self.server.register(unique_email(), headers=from_address(f"10.9.9.99, {client}"))
        assert_rate_limited(self, r, 3)


class UntrustedForwarding(ServerTestCase):
    ENV = {"AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "2"}

    def test_forwarded_for_from_an_untrusted_peer_is_ignored(self):
        for i in (1, 2):
            r = self.server.register(unique_email(), headers=from_address(f"198.51.100.{i}"))
            self.assertEqual(r.status, 201, r.body)
        r = self.server.register(unique_email(), headers={"X-Forwarded-For": "198.51.100.3",
                                                          "X-Real-IP": "198.51.100.3"})
        assert_rate_limited(self, r, 2)


# ---------------------------------------------------------------------------------------
# `agentd user create`: the way to make an admin.


class AdminCommandLine(unittest.TestCase):
    ADMIN_PASSWORD = "admin-password-1"

    @classmethod
    def create_user(cls, *args, password=ADMIN_PASSWORD):
        return subprocess.run([AGENTD_BIN, "user", "create", *args], input=password + "\n",
                              env=cls.server.env, capture_output=True, text=True, timeout=60)

    @classmethod
    def setUpClass(cls):
        cls.server = Agentd(BASE_ENV)
        cls.addClassCleanup(cls.server.__exit__)
        cls.admin = cls.create_user("--email", "admin@example.com", "--name", "Root", "--admin")
        cls.plain = cls.create_user("--email", "ops@example.com")
        cls.duplicate = cls.create_user("--email", "Admin@Example.com", "--admin")
        cls.no_password = cls.create_user("--email", "nopass@example.com", password="")
        cls.server.start()

    def test_creates_an_admin(self):
        self.assertEqual(self.admin.returncode, 0, self.admin.stderr)
        self.assertIn("admin@example.com", self.admin.stdout)
        r = self.server.login("admin@example.com", self.ADMIN_PASSWORD)
        self.assertEqual(r.status, 200, r.body)
        assert_user(self, r.json()["user"], email="admin@example.com", name="Root",
                    role="admin")
        self.assertEqual(self.server.me(r.json()["access_token"]).json()["role"], "admin")

    def test_without_the_flag_creates_a_plain_user(self):
        self.assertEqual(self.plain.returncode, 0, self.plain.stderr)
        r = self.server.login("ops@example.com", self.ADMIN_PASSWORD)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["user"]["role"], "user")

    def test_an_existing_email_is_refused(self):
        self.assertNotEqual(self.duplicate.returncode, 0)
        self.assertTrue(self.duplicate.stderr.strip())

    def test_password_must_come_on_stdin(self):
        self.assertNotEqual(self.no_password.returncode, 0)
        self.assertIn("password", self.no_password.stderr)
        assert_error(self, self.server.login("nopass@example.com", ""), 401)

    def test_password_is_never_printed(self):
        for result in (self.admin, self.plain, self.duplicate):
            self.assertNotIn(self.ADMIN_PASSWORD, result.stdout + result.stderr)


# ---------------------------------------------------------------------------------------
# The generated signing secret: private, stable across restarts.


class SigningSecret(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data_dir = tempfile.mkdtemp(prefix="agentd-e2e-")
        cls.addClassCleanup(shutil.rmtree, cls.data_dir, True)
        env = {**BASE_ENV, "AGENTD_JWT_SECRET": None}
        cls.path = os.path.join(cls.data_dir, "jwt_secret")

        first = Agentd(env, data_dir=cls.data_dir).start()
        cls.addClassCleanup(first.stop)
        cls.mode = stat.S_IMODE(os.stat(cls.path).st_mode)
        with open(cls.path, "rb") as f:
            cls.secret = f.read()
        cls.session = first.sign_up()
        first.stop()

        cls.second = Agentd(env, data_dir=cls.data_dir).start()
        cls.addClassCleanup(cls.second.stop)

    def test_secret_file_is_private(self):
        self.assertEqual(self.mode, 0o600, oct(self.mode))
        self.assertGreaterEqual(len(self.secret.strip()), 32)

    def test_sessions_survive_a_restart(self):
        r = self.second.me(self.session["access_token"])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), self.session["user"])
        assert_token_pair(self, self.second.refresh(self.session["refresh_token"]),
                          self.session["user"])
        with open(self.path, "rb") as f:
            self.assertEqual(f.read(), self.secret)

    def test_secret_is_not_logged(self):
        self.assertNotIn(self.secret.strip().decode(errors="replace"), self.second.logs())

    def test_a_short_configured_secret_is_refused(self):
        server = Agentd({"AGENTD_JWT_SECRET": "too-short-secret"})
        try:
            result = subprocess.run([AGENTD_BIN, "serve"], env=server.env, capture_output=True,
                                    text=True, timeout=30)
        finally:
            shutil.rmtree(server.data_dir, True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("AGENTD_JWT_SECRET", result.stderr)
        self.assertNotIn("too-short-secret", result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()

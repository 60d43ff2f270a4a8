"""The web console (GET /console) in a real browser: Debian's headless Chromium, driven by
playwright-core (console_browser.mjs), against the real binary and the scripted upstream, at a
desktop width and at a phone's. Each run registers and signs in, chats with a calculator step
streamed, approves a paused call with edited arguments in the inbox and sees the edited result
in the chat, reloads in the middle of a stream and sees it go on, stops a run, creates an API key
limited to one tool and sees its secret once, sees its usage charted per day and key (the
table's totals those of GET /v1/usage), deletes a conversation, follows the system's dark
mode, and is sent back to sign in by a 401; an administrator then sets and removes that person's
budget and tokens per minute on the Users page, which a person is not offered. axe-core checks every view (no serious or critical
finding); any error in the page's console fails the run. Screenshots of every view go to
console-screenshots/ beside the binary (in the build folder)."""

import json
import os
import subprocess
import unittest

from fake_upstream import start_fake_upstream, write_config
from harness import AGENTD_BIN, PASSWORD, Agentd, unique_email

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
NODE_MODULES = os.path.join(ROOT, "tests", "node", "node_modules")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
READY = all(os.path.isdir(os.path.join(NODE_MODULES, p)) for p in ("playwright-core", "axe-core")) \
    and os.path.exists(CHROMIUM)
# scripts/test installs the packages and scripts/setup the browser: there, a missing one fails.
if not READY and os.environ.get("AGENTD_TESTS_REQUIRE_NODE"):
    raise RuntimeError("playwright-core, axe-core or chromium missing although scripts/test requires them")

SCREENSHOTS = os.path.join(os.path.dirname(os.path.abspath(AGENTD_BIN)), "console-screenshots")
# The calculator runs freely; current_time waits for a person, so that a run can pause.
CURRENT_TIME_NEEDS_APPROVAL = "tools:\n  current_time:\n    requires_approval: true\n"
# One more model, with a price, for the usage page's cost chart (it ends the models' list).
PRICED_MODEL = ("  - {{name: priced-echo, provider: openai, model: fake-echo, base_url: \"{base}\", "
                "api_key_env: FAKE_UPSTREAM_KEY, input_per_million: 2.5, output_per_million: 10}}\n")

EXPECTED_STEPS = [
    "registered and signed in",
    "signed out and in again",
    "streamed answer with its calculator step",
    "history with the tool turn after a reload",
    "the run paused; the badge counts one pending call",
    "approved with edited arguments in the inbox",
    "the chat shows the run finished with the edited result",
    "rejected with a reason; the model was told why",
    "the stop button cancelled the run",
    "key with one allowed tool, its secret shown once",
    "key revoked",
    "usage charted per day and key; the table's totals are the API's",
    "usage over the last 30 days",
    "conversations listed a page at a time",
    "conversation deleted from the list",
    "dark mode follows the system",
    "a 401 sends the person back to sign in, then to the page asked for",
    "Users shown to an administrator only",
    "an administrator set a person's budget and tokens per minute",
    "limits removed",
]
VIEWS = ["sign-in", "register", "chat", "approvals", "keys", "key-secret", "usage", "conversations",
         "chat-dark", "users", "users-form"]


@unittest.skipUnless(READY, "playwright-core, axe-core or chromium missing: run scripts/setup")
class ConsoleInABrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        upstream = start_fake_upstream(cls)
        config = write_config(cls, upstream,
                              PRICED_MODEL.format(base=upstream.base_url) + CURRENT_TIME_NEEDS_APPROVAL)
        cls.server = Agentd({
            "AGENTD_CONFIG": config,
            "FAKE_UPSTREAM_KEY": "upstream-secret-key",
            "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
            "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
            "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
        }).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.admin_email = unique_email("console-admin")
        made = subprocess.run([AGENTD_BIN, "user", "create", "--email", cls.admin_email, "--admin"],
                              env=cls.server.env, input=PASSWORD + "\n", capture_output=True,
                              text=True, timeout=60)
        if made.returncode != 0:
            raise RuntimeError(f"agentd user create: {made.stderr}")

    def browse(self, viewport):
        for view in VIEWS:  # each one is taken anew, or the check below fails
            path = os.path.join(SCREENSHOTS, f"{view}-{viewport}.png")
            if os.path.exists(path):
                os.unlink(path)
        completed = subprocess.run(
            ["node", os.path.join(HERE, "console_browser.mjs")],
            env={**os.environ, "AGENTD_URL": f"http://127.0.0.1:{self.server.port}",
                 "VIEWPORT": viewport, "SCREENSHOT_DIR": SCREENSHOTS, "CHROMIUM": CHROMIUM,
                 "ADMIN_EMAIL": self.admin_email},
            capture_output=True, text=True, timeout=150)
        lines = completed.stdout.strip().splitlines()
        report = json.loads(lines[-1]) if lines else {"ok": False}
        self.assertTrue(report["ok"] and completed.returncode == 0,
                        f"{json.dumps(report, indent=2)}\nstderr: {completed.stderr[-3000:]}\n"
                        f"agentd log (end): {self.server.logs()[-3000:]}")
        for step in EXPECTED_STEPS:
            self.assertIn(step, report["steps"])
        self.assertTrue([s for s in report["steps"] if s.startswith("reload mid-stream: resumed after event")],
                        report["steps"])
        for view in VIEWS:
            self.assertIn(f"axe: {view}", report["steps"])
            self.assertTrue(os.path.getsize(os.path.join(SCREENSHOTS, f"{view}-{viewport}.png")) > 0)

    def test_at_desktop_width(self):
        self.browse("desktop")

    def test_at_phone_width(self):
        self.browse("phone")


if __name__ == "__main__":
    unittest.main()

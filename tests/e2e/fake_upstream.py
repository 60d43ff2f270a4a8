"""Starts tests/fake_upstream/server.js, the scripted OpenAI/Anthropic stand-in."""

import json
import os
import tempfile
import subprocess
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class FakeUpstream:
    def __init__(self):
        self.process = subprocess.Popen(
            ["node", os.path.join(ROOT, "tests", "fake_upstream", "server.js"), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.port = json.loads(self.process.stdout.readline())["port"]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def stats(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stats") as r:
            return json.load(r)

    def reset(self):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/_reset", method="POST")
        urllib.request.urlopen(request).read()

    def config_yaml(self, default_model="fake-echo"):
        """An AGENTD_CONFIG file serving the fake models through both wire formats."""
        models = ["fake-echo", "fake-tool", "fake-fast", "fake-slow-stream", "fake-slow-first-byte",
                  "fake-429-then-ok", "fake-disconnect", "fake-strict", "fake-tool-parallel"]
        lines = [f"default_model: {default_model}", "models:"]
        for model in models:
            lines.append(f"  - {{name: {model}, provider: openai, base_url: \"{self.base_url}\", "
                         f"api_key_env: FAKE_UPSTREAM_KEY, timeout_ms: 5000}}")
        lines.append(f"  - {{name: fake-500, provider: openai, base_url: \"{self.base_url}\", "
                     f"api_key_env: FAKE_UPSTREAM_KEY, max_retries: 1, fallbacks: [fake-echo]}}")
        lines.append(f"  - {{name: fake-500-alone, provider: openai, model: fake-500, "
                     f"base_url: \"{self.base_url}\", api_key_env: FAKE_UPSTREAM_KEY, max_retries: 0}}")
        lines.append(f"  - {{name: claude-echo, provider: anthropic, model: fake-echo, "
                     f"base_url: \"{self.base_url}\", api_key_env: FAKE_UPSTREAM_KEY}}")
        lines.append(f"  - {{name: claude-tool, provider: anthropic, model: fake-tool, "
                     f"base_url: \"{self.base_url}\", api_key_env: FAKE_UPSTREAM_KEY}}")
        lines.append("  - {name: unreachable, provider: openai, base_url: \"http://127.0.0.1:1/v1\", "
                     "api_key_env: FAKE_UPSTREAM_KEY, max_retries: 0}")
        return "\n".join(lines) + "\n"

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def start_fake_upstream(test_case):
    """A FakeUpstream stopped when the test class ends."""
    upstream = FakeUpstream()
    test_case.addClassCleanup(upstream.process.stdout.close)
    test_case.addClassCleanup(upstream.stop)
    return upstream


def write_config(test_case, upstream, extra=""):
    """An AGENTD_CONFIG file for `upstream` (plus `extra` YAML), removed when the class ends."""
    config = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
    config.write(upstream.config_yaml() + extra)
    config.close()
    test_case.addClassCleanup(os.unlink, config.name)
    return config.name

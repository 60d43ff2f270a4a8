"""GET /metrics against the real binary: scraped and parsed with the Prometheus project's own
text parser (prometheus_client), after requests that each metric must have counted: routes by
template, a proxied chat completion (model, provider, tokens, time to first chunk, the
gateway's overhead), tool calls, a run paused for approval, rate-limit refusals. Also who may
scrape: loopback only by default, a bearer token when one is set, nobody when metrics are off."""
import time
import unittest

from prometheus_client.parser import text_string_to_metric_families

from fake_upstream import start_fake_upstream, write_config
from harness import Agentd, assert_error

ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "2",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
}
CALCULATOR_NEEDS_APPROVAL = "tools:\n  calculator:\n    requires_approval: true\n"
TOKEN = "metrics-token-0123456789abcdef"


def tool_call(name):
    return {"type": "function", "function": {"name": name, "arguments": "{}"}}


def scrape(server, headers=None):
    r = server.request("GET", "/metrics", headers=headers)
    assert r.status == 200, r.body
    return r, parse(r.body.decode())


def parse(text):
    """{(sample name, frozenset of labels): value}, from the real parser."""
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def scrape_until(server, ready, seconds=5):
    """Scrapes until `ready(samples)`: a streamed response is counted once its last piece is
    written, which the client may see a moment before."""
    deadline = time.time() + seconds
    while True:
        _, samples = scrape(server)
        if ready(samples) or time.time() > deadline:
            return samples
        time.sleep(0.05)


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0)


def total(samples, name, **labels):
    """The sum over every series of `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, l), v in samples.items() if n == name and want <= set(l))


class Metrics(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.upstream = start_fake_upstream(cls)
        config = write_config(cls, cls.upstream, CALCULATOR_NEEDS_APPROVAL)
        cls.server = Agentd({**ENV, "AGENTD_CONFIG": config}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.token = cls.server.sign_up()["access_token"]

    def test_the_exposition_parses_and_names_its_type(self):
        r, samples = scrape(self.server)
        self.assertEqual(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8")
        self.assertEqual(total(samples, "agentd_build_info"), 1)
        self.assertGreaterEqual(value(samples, "agentd_http_open_connections"), 1)

    def test_requests_are_counted_by_route_template_method_and_status(self):
        _, before = scrape(self.server)
        for _ in range(3):
            self.server.request("GET", "/v1/runs/no-such-run", token=self.token)
        self.server.request("GET", "/no/such/path")
        _, after = scrape(self.server)
        run = dict(http_request_method="GET", http_route="/v1/runs/{id}",
                   http_response_status_code="404")
        name = "http_server_request_duration_seconds_count"
        self.assertEqual(value(after, name, **run) - value(before, name, **run), 3)
        unmatched = dict(http_request_method="GET", http_route="unmatched",
                         http_response_status_code="404")
        self.assertEqual(value(after, name, **unmatched) - value(before, name, **unmatched), 1)
        # Paths are never labels: only templates are.
        self.assertFalse([l for (n, l) in after if ("http_route", "/v1/runs/no-such-run") in l])

    def test_a_chat_completion_counts_the_model_call_tokens_and_gateway_overhead(self):
        _, before = scrape(self.server)
        r = self.server.request("POST", "/v1/chat/completions",
                                {"model": "fake-echo", "messages": [{"role": "user", "content": "hi"}]},
                                token=self.token)
        self.assertEqual(r.status, 200, r.body)
        r = self.server.request("POST", "/v1/chat/completions",
                                {"model": "claude-echo", "stream": True,
                                 "messages": [{"role": "user", "content": "one two"}]},
                                token=self.token)
        self.assertEqual(r.status, 200, r.body)
        overhead = "agentd_gateway_overhead_seconds_count"
        after = scrape_until(self.server, lambda samples: value(samples, overhead, stream="true")
                             > value(before, overhead, stream="true"))
        calls = "gen_ai_client_operation_duration_seconds_count"
        for model, provider in (("fake-echo", "openai"), ("claude-echo", "anthropic")):
            labels = dict(gen_ai_operation_name="chat", gen_ai_provider_name=provider,
                          gen_ai_request_model=model)
            self.assertEqual(value(after, calls, **labels) - value(before, calls, **labels), 1,
                             model)
            tokens = "gen_ai_client_token_usage_count"
            self.assertEqual(value(after, tokens, gen_ai_token_type="input", **labels)
                             - value(before, tokens, gen_ai_token_type="input", **labels), 1, model)
        first = "gen_ai_client_operation_time_to_first_chunk_seconds_count"
        streamed = dict(gen_ai_operation_name="chat", gen_ai_provider_name="anthropic",
                        gen_ai_request_model="claude-echo")
        self.assertEqual(value(after, first, **streamed) - value(before, first, **streamed), 1)
        for stream in ("false", "true"):
            self.assertEqual(value(after, overhead, stream=stream)
                             - value(before, overhead, stream=stream), 1, stream)
        # The overhead is a share of the request's time, not all of it.
        self.assertLess(total(after, "agentd_gateway_overhead_seconds_sum"),
                        total(after, "http_server_request_duration_seconds_sum",
                              http_route="/v1/chat/completions"))

    def test_a_failed_model_call_is_counted_under_its_error_type(self):
        _, before = scrape(self.server)
        r = self.server.request("POST", "/v1/chat/completions",
                                {"model": "unreachable", "messages": [{"role": "user", "content": "hi"}]},
                                token=self.token)
        self.assertGreaterEqual(r.status, 500)
        _, after = scrape(self.server)
        name = "gen_ai_client_operation_duration_seconds_count"
        failed = [(l, v) for (n, l), v in after.items()
                  if n == name and ("gen_ai_request_model", "unreachable") in l]
        self.assertEqual(len(failed), 1, failed)
        labels, count = failed[0]
        self.assertEqual(count - value(before, name, **dict(labels)), 1)
        self.assertIn("error_type", dict(labels))

    def test_tool_calls_are_counted_by_tool_and_outcome(self):
        _, before = scrape(self.server)
        r = self.server.request("POST", "/v1/tools/execute",
                                tool_call("current_time"), token=self.token)
        self.assertEqual(r.status, 200, r.body)
        r = self.server.request("POST", "/v1/tools/execute",
                                tool_call("no_such_tool"), token=self.token)
        self.assertEqual(r.status, 404, r.body)
        _, after = scrape(self.server)
        name = "gen_ai_execute_tool_duration_seconds_count"
        ok = dict(gen_ai_tool_name="current_time")
        self.assertEqual(value(after, name, **ok) - value(before, name, **ok), 1)
        unknown = dict(gen_ai_tool_name="unknown", error_type="tool_not_found")
        self.assertEqual(value(after, name, **unknown) - value(before, name, **unknown), 1)

    def test_a_paused_run_shows_in_runs_and_pending_approvals(self):
        r = self.server.request("POST", "/v1/conversations", {"model": "fake-tool"}, token=self.token)
        self.assertEqual(r.status, 201, r.body)
        conversation = r.json()["id"]
        r = self.server.request("POST", f"/v1/conversations/{conversation}/messages",
                                {"message": "what is 6*7"}, token=self.token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["run"]["status"], "awaiting_approval")
        _, samples = scrape(self.server)
        self.assertGreaterEqual(value(samples, "agentd_runs", status="awaiting_approval"), 1)
        self.assertGreaterEqual(value(samples, "agentd_approvals_pending"), 1)
        self.assertGreaterEqual(value(samples, "agentd_runs_ended_total",
                                      status="awaiting_approval"), 1)

    def test_rate_limit_refusals_are_counted(self):
        _, before = scrape(self.server)
        email = "limited@example.com"
        statuses = [self.server.login(email).status for _ in range(4)]
        self.assertIn(429, statuses)
        _, after = scrape(self.server)
        name = "agentd_rate_limited_requests_total"
        self.assertEqual(value(after, name, limit="sign_in") - value(before, name, limit="sign_in"),
                         statuses.count(429))

    def test_usage_counts_tokens_by_model_and_key_and_budget_refusals(self):
        created = self.server.request("POST", "/v1/auth/tokens",
                                      {"name": "metered", "budget": {"max_tokens": 60, "period": "day"}},
                                      token=self.token)
        self.assertEqual(created.status, 201, created.body)
        key = created.json()
        r = self.server.request("POST", "/v1/chat/completions",
                                {"model": "fake-echo", "max_tokens": 20,
                                 "messages": [{"role": "user", "content": "one two three"}]},
                                token=key["key"])
        self.assertEqual(r.status, 200, r.body)
        usage = r.json()["usage"]
        labels = {"model": "fake-echo", "api_key_id": key["id"]}
        samples = scrape_until(self.server, lambda s: value(
            s, "agentd_usage_tokens_total", type="input", **labels) > 0)
        self.assertEqual(value(samples, "agentd_usage_tokens_total", type="input", **labels),
                         usage["prompt_tokens"])
        self.assertEqual(value(samples, "agentd_usage_tokens_total", type="output", **labels),
                         usage["completion_tokens"])
        # fake-echo has no price: its calls add no cost.
        self.assertEqual(value(samples, "agentd_usage_cost_usd_total", **labels), 0)

        name = "agentd_rate_limited_requests_total"
        before = value(samples, name, limit="budget")
        refused = self.server.request("POST", "/v1/chat/completions",
                                      {"model": "fake-echo", "max_tokens": 100,
                                       "messages": [{"role": "user", "content": "more"}]},
                                      token=key["key"])
        self.assertEqual(refused.status, 429, refused.body)
        _, after = scrape(self.server)
        self.assertEqual(value(after, name, limit="budget") - before, 1)

    def test_a_forwarded_request_is_not_loopback(self):
        r = self.server.request("GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert_error(self, r, 403, "forbidden")


class MetricsAccess(unittest.TestCase):

    def test_with_a_token_set_only_a_caller_presenting_it_is_served(self):
        with Agentd({"AGENTD_METRICS_TOKEN": TOKEN}) as server:
            assert_error(self, server.request("GET", "/metrics"), 401, "invalid_token")
            assert_error(self, server.request("GET", "/metrics", token="wrong-" + TOKEN), 401,
                         "invalid_token")
            r, samples = scrape(server, {"Authorization": f"Bearer {TOKEN}"})
            self.assertEqual(total(samples, "agentd_build_info"), 1)
            self.assertNotIn(TOKEN, server.logs())

    def test_a_short_token_is_a_configuration_error(self):
        server = Agentd({"AGENTD_METRICS_TOKEN": "short"})
        server.start(wait_ready=False)
        self.assertEqual(server.process.wait(20), 2)
        self.assertIn("AGENTD_METRICS_TOKEN", server.logs())
        self.assertNotIn("short", server.logs().split("AGENTD_METRICS_TOKEN")[1][:80])
        server.stop()

    def test_metrics_off_serve_no_route(self):
        with Agentd({"AGENTD_METRICS": "false"}) as server:
            assert_error(self, server.request("GET", "/metrics"), 404, "route_not_found")


if __name__ == "__main__":
    unittest.main()

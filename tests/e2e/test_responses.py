"""The Responses API (/v1/responses) against the real binary and the scripted upstream:
plain and streamed responses, client function tools, agentd's tools as mcp_call items and
their approvals, previous_response_id, conversations, background runs (poll, resume, cancel),
the stored responses (get, input items, delete) and who may see them, refusals in the OpenAI
error shape; with raw HTTP and with the official openai SDK. Every response object and
streamed event is checked against the Open Responses schemas (open_responses_schema), each
finding as a subtest of its own so the behaviour checks still run.

One agentd serves the whole file; its calculator needs a person's approval, so the mcp tool
runs it only through the approval round trip, and the free current_time tool stands for an
mcp call that runs at once."""

import json
import os
import subprocess
import time
import unittest
import urllib.request

import open_responses_schema as spec
from event_stream import EventStream, read_event
from fake_upstream import start_fake_upstream, write_config
from harness import Agentd, assert_error

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OPENAI_SDK = os.path.join(ROOT, "tests", "node", "node_modules", "openai", "package.json")
# scripts/test installs the packages, so there a missing one is a failure, not a skip.
NODE_PACKAGES = os.path.exists(OPENAI_SDK)
if not NODE_PACKAGES and os.environ.get("AGENTD_TESTS_REQUIRE_NODE"):
    raise RuntimeError("npm packages missing from tests/node although scripts/test requires them")

ENV = {
    "FAKE_UPSTREAM_KEY": "upstream-secret-key",
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "1000",
}
CALCULATOR_NEEDS_APPROVAL = "tools:\n  calculator:\n    requires_approval: true\n"
AGENTD_TOOLS = [{"type": "mcp", "server_label": "agentd"}]
CALCULATOR = {"type": "function", "name": "calculator",
              "description": "Evaluates an arithmetic expression.",
              "parameters": {"type": "object", "properties": {"expression": {"type": "string"}},
                             "required": ["expression"]}}
CALCULATOR_ANSWER = 'The tool returned: {"expression":"6*7","result":42}'
RESPONSE_STATUSES_FINAL = {"completed", "failed", "cancelled", "incomplete"}


class _Module:
    """What start_fake_upstream and write_config need: their cleanups run as the file ends."""
    addClassCleanup = staticmethod(unittest.addModuleCleanup)


def setUpModule():
    global UPSTREAM, SERVER
    UPSTREAM = start_fake_upstream(_Module)
    config = write_config(_Module, UPSTREAM, CALCULATOR_NEEDS_APPROVAL)
    SERVER = Agentd({**ENV, "AGENTD_CONFIG": config}).start()
    unittest.addModuleCleanup(SERVER.__exit__, None, None, None)


class ResponsesTest(unittest.TestCase):
    """Calls and checks shared by the classes below; one signed-in user per class."""

    @classmethod
    def setUpClass(cls):
        cls.server = SERVER
        cls.upstream = UPSTREAM
        cls.token = cls.server.sign_up()["access_token"]

    # --- calls -------------------------------------------------------------------------
    def create(self, body, token=None):
        return self.server.request("POST", "/v1/responses", body, token=token or self.token)

    def created(self, body, token=None):
        """POST /v1/responses that must answer 200; the response object, schema-checked."""
        r = self.create(body, token)
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.header("content-type").startswith("application/json"))
        return self.checked(r.json())

    def get(self, response_id, token=None, query=""):
        return self.server.request("GET", f"/v1/responses/{response_id}{query}",
                                   token=token or self.token)

    def stored(self, response_id, token=None):
        r = self.get(response_id, token)
        self.assertEqual(r.status, 200, r.body)
        return self.checked(r.json())

    def stream(self, method, path, body=None, token=None, first_sequence=0):
        """A streamed answer read to its end: (events, raw data lines), each event checked
        against the schemas and its name against its type."""
        s = EventStream(self.server, method, path, body, token=token or self.token)
        self.addCleanup(s.close)
        self.assertEqual(s.status, 200)
        self.assertTrue(s.headers["content-type"].startswith("text/event-stream"))
        events, data = [], []
        while (event := read_sse(s)) is not None:
            data.append(event["raw"])
            if event["raw"] == spec.DONE_MARKER:
                continue
            parsed = json.loads(event["raw"])
            self.assertEqual(event["event"], parsed.get("type"), parsed)
            events.append(parsed)
        s.close()
        self.check_events(events, first_sequence)
        return events, data

    def stream_create(self, body, token=None):
        return self.stream("POST", "/v1/responses", {**body, "stream": True}, token)

    def until_final(self, response_id, token=None, timeout=15):
        deadline = time.time() + timeout
        while True:
            response = self.stored(response_id, token)
            if response["status"] in RESPONSE_STATUSES_FINAL or time.time() > deadline:
                return response
            time.sleep(0.03)

    def new_conversation(self, token=None, model="fake-echo"):
        r = self.server.request("POST", "/v1/conversations", {"model": model}, token=token or self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["id"]

    def conversation(self, conversation_id, token=None):
        r = self.server.request("GET", f"/v1/conversations/{conversation_id}", token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def approvals(self, status=None, token=None):
        query = "?limit=100" + (f"&status={status}" if status else "")
        r = self.server.request("GET", "/v1/approvals" + query, token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        return {a["id"]: a for a in r.json()["data"]}

    def user_id(self, token=None):
        return self.server.me(token or self.token).json()["id"]

    def create_key(self, **fields):
        r = self.server.request("POST", "/v1/auth/tokens", {"name": "responses", **fields},
                                token=self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["key"]

    def upstream_requests(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.upstream.port}/_requests") as r:
            return json.load(r)["data"]

    def upstream_requests_with(self, text):
        """The model calls whose messages carry `text` somewhere."""
        return [q for q in self.upstream_requests()
                if any(text in (m.get("content") or "") for m in q["body"].get("messages", []))]

    def upstream_usage(self, requests):
        """What the fake upstream reports for these model calls, asked again without
        streaming (it is scripted: the same request, the same usage)."""
        total = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        for request in requests:
            body = {k: v for k, v in request["body"].items() if k not in ("stream", "stream_options")}
            call = urllib.request.Request(
                f"{self.upstream.base_url}/chat/completions", data=json.dumps(body).encode(),
                headers={"Authorization": "Bearer upstream-secret-key",
                         "Content-Type": "application/json"})
            with urllib.request.urlopen(call) as r:
                usage = json.load(r)["usage"]
            for key in total:
                total[key] += usage[key]
        return total

    # --- checks ------------------------------------------------------------------------
    def setUp(self):
        self.schema_findings = set()

    def report(self, errors):
        """Each schema finding as a subtest failure of its own, once per test: the test's
        other checks still run."""
        for error in errors:
            if error not in self.schema_findings:
                self.schema_findings.add(error)
                with self.subTest(open_responses=error):
                    self.fail(error)

    def checked(self, response, what="response"):
        """Checks a response object against the Open Responses schema; returns it."""
        self.report(spec.response_errors(response, what))
        return response

    def check_events(self, events, first_sequence=0):
        """Each event against its schema; sequence numbers strictly increasing by one."""
        for event in events:
            self.report(spec.event_errors(event))
        self.assertEqual([e.get("sequence_number") for e in events],
                         list(range(first_sequence, first_sequence + len(events))),
                         [e.get("type") for e in events])

    def assert_response_basics(self, response, status="completed", model=None):
        self.assertEqual(response["object"], "response")
        self.assertTrue(response["id"].startswith("resp_"), response["id"])
        self.assertEqual(response["status"], status, response)
        if model:
            self.assertEqual(response["model"], model)
        self.assertIsInstance(response["created_at"], int)
        if status in RESPONSE_STATUSES_FINAL:
            self.assertGreaterEqual(response["completed_at"], response["created_at"])
            usage = response["usage"]
            self.assertEqual(usage["total_tokens"], usage["input_tokens"] + usage["output_tokens"])
        else:
            self.assertIsNone(response["completed_at"])

    def message_texts(self, response):
        return ["".join(part["text"] for part in item["content"] if part["type"] == "output_text")
                for item in response["output"] if item["type"] == "message"]

    def item_types(self, response):
        return [item["type"] for item in response["output"]]


def read_sse(s):
    """The next event of an EventStream as {"event", "raw"}, the `[DONE]` marker included
    (EventStream checks each event against the API document as it reads it)."""
    event = read_event(s._lines())
    if event is not None and event["raw"] != spec.DONE_MARKER:
        s.expectation.event(event["event"], event["raw"])
    return event


class CreateResponse(ResponsesTest):

    def test_plain_text_answer_is_stored_and_reads_back_the_same(self):
        self.upstream.reset()
        response = self.created({"model": "fake-echo", "input": "hello responses",
                                 "instructions": "Answer in one line.", "metadata": {"ticket": "7"},
                                 "temperature": 0.5})
        self.assert_response_basics(response, model="fake-echo")
        self.assertEqual(self.message_texts(response), ["echo: hello responses"])
        self.assertEqual(self.item_types(response), ["message"])
        message = response["output"][0]
        self.assertEqual((message["role"], message["status"]), ("assistant", "completed"))
        self.assertEqual(response["instructions"], "Answer in one line.")
        self.assertEqual(response["metadata"], {"ticket": "7"})
        self.assertEqual(response["temperature"], 0.5)
        self.assertIsNone(response["previous_response_id"])
        self.assertFalse(response["background"])
        self.assertTrue(response["store"])
        self.assertEqual(self.stored(response["id"]), response)

        # The instructions reach the model as its system message, before the input.
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 1)
        messages = sent[0]["body"]["messages"]
        self.assertEqual([(m["role"], m["content"]) for m in messages],
                         [("system", "Answer in one line."), ("user", "hello responses")])
        self.assertEqual(sent[0]["body"]["temperature"], 0.5)

    def test_settings_reach_the_model(self):
        schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
        self.upstream.reset()
        response = self.created({"model": "fake-echo", "input": "json please", "top_p": 0.25,
                                 "max_output_tokens": 50, "user": "end-user-1",
                                 "text": {"format": {"type": "json_schema", "name": "reply",
                                                     "schema": schema, "strict": True}}})
        self.assertEqual(response["text"]["format"]["type"], "json_schema")
        self.assertEqual((response["top_p"], response["max_output_tokens"], response["user"]),
                         (0.25, 50, "end-user-1"))
        body = self.upstream_requests()[0]["body"]
        self.assertEqual(body["response_format"], {"type": "json_schema", "json_schema": {
            "name": "reply", "schema": schema, "strict": True}})
        self.assertEqual((body["top_p"], body.get("max_tokens", body.get("max_completion_tokens")),
                          body["user"]), (0.25, 50, "end-user-1"))

    def test_usage_is_what_the_upstream_reported(self):
        self.upstream.reset()
        response = self.created({"model": "fake-echo", "input": "count these five words please"})
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 1)
        reported = self.upstream_usage(sent)
        self.assertGreater(reported["total_tokens"], 0)
        self.assertEqual(response["usage"]["input_tokens"], reported["prompt_tokens"])
        self.assertEqual(response["usage"]["output_tokens"], reported["completion_tokens"])
        self.assertEqual(response["usage"]["total_tokens"], reported["total_tokens"])

        # A run of two model calls (tool, then answer) reports both, and no more.
        self.upstream.reset()
        ran = self.created({"model": "fake-tool", "input": 'call current_time {"timezone":"UTC"}',
                            "tools": AGENTD_TOOLS})
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 2)
        reported = self.upstream_usage(sent)
        self.assertEqual((ran["usage"]["input_tokens"], ran["usage"]["output_tokens"],
                          ran["usage"]["total_tokens"]),
                         (reported["prompt_tokens"], reported["completion_tokens"],
                          reported["total_tokens"]))

    def test_streamed_text_follows_the_event_order_and_ends_as_the_stored_object(self):
        events, _ = self.stream_create({"model": "fake-echo", "input": "stream three words"})
        types = [e["type"] for e in events]
        self.assertEqual(types[:4], ["response.created", "response.in_progress",
                                     "response.output_item.added", "response.content_part.added"])
        self.assertEqual(types[-4:], ["response.output_text.done", "response.content_part.done",
                                      "response.output_item.done", "response.completed"])
        deltas = types[4:-4]
        self.assertTrue(deltas)
        self.assertEqual(set(deltas), {"response.output_text.delta"})
        text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
        self.assertEqual(text, "echo: stream three words")
        done = events[-4]
        self.assertEqual(done["text"], text)
        item_id = events[2]["item"]["id"]
        self.assertEqual(events[2]["item"]["status"], "in_progress")
        for event in events[3:-1]:
            self.assertEqual((event.get("item_id", item_id), event["output_index"]), (item_id, 0))
        for event in events[:2]:
            self.assertEqual(event["response"]["status"], "in_progress")
            self.assertEqual(event["response"]["output"], [])
        final = events[-1]["response"]
        self.assert_response_basics(final)
        self.assertEqual(events[-2]["item"], final["output"][0])
        self.assertEqual(final["output"][0]["id"], item_id)
        self.assertEqual(self.message_texts(final), [text])
        self.assertEqual(self.stored(final["id"]), final)

    def test_stream_ends_with_the_done_marker(self):
        # Open Responses: "The terminal event MUST be the literal string [DONE]."
        _, data = self.stream_create({"model": "fake-echo", "input": "and then done"})
        self.assertEqual(data[-1], spec.DONE_MARKER, data[-2:])
        self.assertEqual(json.loads(data[-2])["type"], "response.completed")

    def test_input_as_items_and_input_items_listing(self):
        response = self.created({"model": "fake-echo", "input": [
            {"role": "developer", "content": "Be terse."},
            {"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "first part"}, {"type": "input_text", "text": "second"}]},
        ]})
        self.assertEqual(self.message_texts(response), ["echo: first part\nsecond"])
        r = self.get(response["id"], query="/input_items?order=asc")
        self.assertEqual(r.status, 200, r.body)
        listed = r.json()
        self.assertEqual(listed["object"], "list")
        self.assertFalse(listed["has_more"])
        items = listed["data"]
        self.assertEqual([(i["type"], i["role"]) for i in items],
                         [("message", "developer"), ("message", "user")])
        self.assertEqual(items[1]["content"], [{"type": "input_text", "text": "first part\nsecond"}])
        self.assertEqual(len({i["id"] for i in items}), 2)
        self.assertEqual((listed["first_id"], listed["last_id"]), (items[0]["id"], items[1]["id"]))

        # Newest first by default; one a page, the next page after the cursor.
        page = self.get(response["id"], query="/input_items?limit=1").json()
        self.assertEqual([i["id"] for i in page["data"]], [items[1]["id"]])
        self.assertTrue(page["has_more"])
        rest = self.get(response["id"], query=f"/input_items?limit=1&after={items[1]['id']}").json()
        self.assertEqual([i["id"] for i in rest["data"]], [items[0]["id"]])
        self.assertFalse(rest["has_more"])
        for query, param in (("limit=0", "limit"), ("limit=101", "limit"), ("order=up", "order")):
            self.assertEqual(assert_error(self, self.get(response["id"], query="/input_items?" + query),
                                          400)["param"], param)

    def test_delete_leaves_nothing_to_read(self):
        response = self.created({"model": "fake-echo", "input": "delete me"})
        r = self.server.request("DELETE", f"/v1/responses/{response['id']}", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"id": response["id"], "object": "response.deleted", "deleted": True})
        assert_error(self, self.get(response["id"]), 404, "response_not_found")
        assert_error(self, self.get(response["id"], query="/input_items"), 404, "response_not_found")
        assert_error(self, self.server.request("DELETE", f"/v1/responses/{response['id']}",
                                               token=self.token), 404, "response_not_found")
        assert_error(self, self.create({"model": "fake-echo", "input": "more",
                                        "previous_response_id": response["id"]}), 404,
                     "response_not_found")
        assert_error(self, self.get("resp_no-such-response"), 404, "response_not_found")
        assert_error(self, self.get("not-a-response-id"), 404, "response_not_found")

    def test_store_false_leaves_nothing_behind(self):
        response = self.created({"model": "fake-echo", "input": "do not keep this", "store": False})
        self.assertEqual(self.message_texts(response), ["echo: do not keep this"])
        self.assertFalse(response["store"])
        assert_error(self, self.get(response["id"]), 404, "response_not_found")
        r = self.server.request("GET", f"/v1/conversations/{response['conversation']['id']}",
                                token=self.token)
        assert_error(self, r, 404)

    def test_store_false_stream_leaves_nothing_behind(self):
        events, _ = self.stream_create({"model": "fake-echo", "input": "do not keep this stream",
                                        "store": False})
        final = events[-1]["response"]
        self.assertEqual(events[-1]["type"], "response.completed")
        self.assertFalse(final["store"])
        assert_error(self, self.get(final["id"]), 404, "response_not_found")
        assert_error(self, self.server.request("GET", f"/v1/conversations/{final['conversation']['id']}",
                                               token=self.token), 404)


class Turns(ResponsesTest):
    """previous_response_id and conversations."""

    def test_previous_response_id_gives_the_model_the_earlier_turn(self):
        first = self.created({"model": "fake-echo", "input": "my name is Grace Hopper"})
        self.upstream.reset()
        second = self.created({"model": "fake-echo", "input": "what is my name?",
                               "previous_response_id": first["id"]})
        self.assertEqual(second["previous_response_id"], first["id"])
        self.assertEqual(second["conversation"], first["conversation"])
        self.assertEqual(self.message_texts(second), ["echo: what is my name?"])
        # Only the new turn is this response's output; the model saw both turns.
        self.assertEqual(len(second["output"]), 1)
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 1)
        self.assertEqual([(m["role"], m["content"]) for m in sent[0]["body"]["messages"]],
                         [("user", "my name is Grace Hopper"), ("assistant", "echo: my name is Grace Hopper"),
                          ("user", "what is my name?")])
        # The first one is unchanged.
        self.assertEqual(self.message_texts(self.stored(first["id"])), ["echo: my name is Grace Hopper"])

    def test_only_the_latest_response_can_be_continued(self):
        first = self.created({"model": "fake-echo", "input": "one"})
        self.created({"model": "fake-echo", "input": "two", "previous_response_id": first["id"]})
        r = self.create({"model": "fake-echo", "input": "branch", "previous_response_id": first["id"]})
        assert_error(self, r, 400, "previous_response_not_latest")

    def test_conversation_gets_the_turn_appended(self):
        conversation_id = self.new_conversation()
        self.assertEqual(self.conversation(conversation_id)["message_count"], 0)
        response = self.created({"model": "fake-echo", "input": "append me",
                                 "conversation": conversation_id})
        self.assertEqual(response["conversation"], {"id": conversation_id})
        again = self.created({"model": "fake-echo", "input": "and me",
                              "conversation": {"id": conversation_id}})
        self.assertEqual(self.message_texts(again), ["echo: and me"])
        stored = self.conversation(conversation_id)
        self.assertEqual([(m["role"], m["content"]) for m in stored["messages"]],
                         [("user", "append me"), ("assistant", "echo: append me"),
                          ("user", "and me"), ("assistant", "echo: and me")])
        other = self.server.sign_up()["access_token"]
        assert_error(self, self.create({"model": "fake-echo", "input": "intrude",
                                        "conversation": conversation_id}, token=other), 404)
        self.assertEqual(self.conversation(conversation_id)["message_count"], 4)


class ClientFunctionTools(ResponsesTest):

    def test_function_call_round_trip(self):
        self.upstream.reset()
        asked = self.created({"model": "fake-tool", "input": "what is 6*7", "tools": [CALCULATOR]})
        self.assertEqual(self.item_types(asked), ["function_call"])
        call = asked["output"][0]
        self.assertEqual((call["name"], json.loads(call["arguments"]), call["status"]),
                         ("calculator", {"expression": "6*7"}, "completed"))
        sent = self.upstream_requests()
        self.assertEqual(len(sent), 1)  # agentd ran nothing: the client runs its tools
        self.assertEqual([t["function"]["name"] for t in sent[0]["body"]["tools"]], ["calculator"])

        self.upstream.reset()
        output = json.dumps({"expression": "6*7", "result": 42}, separators=(",", ":"))
        answered = self.created({"model": "fake-tool", "previous_response_id": asked["id"],
                                 "tools": [CALCULATOR],
                                 "input": [{"type": "function_call_output", "call_id": call["call_id"],
                                            "output": output}]})
        self.assertEqual(self.item_types(answered), ["message"])
        self.assertEqual(self.message_texts(answered), [CALCULATOR_ANSWER])
        messages = self.upstream_requests()[0]["body"]["messages"]
        self.assertEqual([m["role"] for m in messages], ["user", "assistant", "tool"])
        self.assertEqual(messages[1]["tool_calls"][0]["id"], call["call_id"])
        self.assertEqual((messages[2]["tool_call_id"], messages[2]["content"]), (call["call_id"], output))

        # The call is answered: answering it again is refused.
        r = self.create({"model": "fake-tool", "previous_response_id": answered["id"],
                         "input": [{"type": "function_call_output", "call_id": call["call_id"],
                                    "output": "again"}]})
        assert_error(self, r, 400, "invalid_function_call_output")

    def test_function_call_streams_its_arguments(self):
        events, _ = self.stream_create({"model": "fake-tool", "input": "what is 6*7", "tools": [CALCULATOR]})
        types = [e["type"] for e in events]
        self.assertEqual(types, ["response.created", "response.in_progress", "response.output_item.added",
                                 "response.function_call_arguments.delta",
                                 "response.function_call_arguments.done", "response.output_item.done",
                                 "response.completed"])
        added, done_args, done = events[2], events[4], events[5]
        self.assertEqual((added["item"]["type"], added["item"]["name"]), ("function_call", "calculator"))
        arguments = "".join(e["delta"] for e in events if e["type"].endswith("arguments.delta"))
        self.assertEqual(json.loads(arguments), {"expression": "6*7"})
        self.assertEqual(done_args["arguments"], arguments)
        self.assertEqual(done_args["item_id"], added["item"]["id"])
        self.assertEqual(done["item"], events[-1]["response"]["output"][0])
        self.assertEqual(done["item"]["arguments"], arguments)

    def test_output_for_an_unknown_call_is_refused(self):
        asked = self.created({"model": "fake-tool", "input": "what is 6*7", "tools": [CALCULATOR]})
        r = self.create({"model": "fake-tool", "previous_response_id": asked["id"],
                         "input": [{"type": "function_call_output", "call_id": "call_nobody_made",
                                    "output": "42"}]})
        assert_error(self, r, 400, "invalid_function_call_output", "invalid_request_error")


class AgentdTools(ResponsesTest):
    """agentd's own tools through {"type":"mcp","server_label":"agentd"}: mcp_call items,
    approvals, and the caller's tool ACL."""

    def test_free_tool_runs_as_an_mcp_call(self):
        response = self.created({"model": "fake-tool", "input": 'call current_time {"timezone":"UTC"}',
                                 "tools": AGENTD_TOOLS})
        self.assertEqual(self.item_types(response), ["mcp_call", "message"])
        call = response["output"][0]
        self.assertEqual((call["server_label"], call["name"], call["status"], call["error"]),
                         ("agentd", "current_time", "completed", None))
        self.assertEqual(json.loads(call["arguments"]), {"timezone": "UTC"})
        self.assertTrue(call["output"])
        self.assertEqual(self.message_texts(response), ["The tool returned: " + call["output"]])

    def test_mcp_call_streams_its_events(self):
        events, _ = self.stream_create({"model": "fake-tool", "input": 'call current_time {"timezone":"UTC"}',
                                        "tools": AGENTD_TOOLS})
        types = [e["type"] for e in events]
        self.assertEqual(types[:7], ["response.created", "response.in_progress",
                                     "response.output_item.added", "response.mcp_call_arguments.delta",
                                     "response.mcp_call_arguments.done", "response.mcp_call.in_progress",
                                     "response.mcp_call.completed"])
        self.assertEqual(types[7], "response.output_item.done")
        self.assertEqual(types[-1], "response.completed")
        final = events[-1]["response"]
        self.assertEqual(self.item_types(final), ["mcp_call", "message"])
        self.assertEqual(events[7]["item"], final["output"][0])
        item_id = events[2]["item"]["id"]
        for event in events[3:8]:
            self.assertEqual((event.get("item_id", item_id), event["output_index"]), (item_id, 0))
        message_added = events[8]
        self.assertEqual((message_added["type"], message_added["output_index"]),
                         ("response.output_item.added", 1))

    def test_approval_round_trip_is_the_same_approval_record(self):
        asked = self.created({"model": "fake-tool", "input": "what is 6*7", "tools": AGENTD_TOOLS})
        self.assert_response_basics(asked)
        self.assertEqual(self.item_types(asked)[-1], "mcp_approval_request")
        request = asked["output"][-1]
        self.assertEqual((request["server_label"], request["name"], json.loads(request["arguments"])),
                         ("agentd", "calculator", {"expression": "6*7"}))
        self.assertTrue(request["id"].startswith("mcpr_"))
        approval_id = request["id"][len("mcpr_"):]
        pending = self.approvals("pending")
        self.assertIn(approval_id, pending)
        self.assertEqual(pending[approval_id]["conversation_id"], asked["conversation"]["id"])
        self.assertEqual(self.conversation(asked["conversation"]["id"])["status"], "awaiting_approval")

        answered = self.created({"model": "fake-tool", "previous_response_id": asked["id"],
                                 "tools": AGENTD_TOOLS,
                                 "input": [{"type": "mcp_approval_response",
                                            "approval_request_id": request["id"], "approve": True}]})
        self.assertEqual(self.item_types(answered), ["mcp_call", "message"])
        call = answered["output"][0]
        self.assertEqual((call["name"], call["status"], json.loads(call["output"])),
                         ("calculator", "completed", {"expression": "6*7", "result": 42}))
        self.assertEqual(self.message_texts(answered), [CALCULATOR_ANSWER])
        self.assertEqual(answered["previous_response_id"], asked["id"])
        # The asking response still shows the request; the approval is decided, by this user.
        self.assertEqual(self.stored(asked["id"])["output"], asked["output"])
        approved = self.approvals("approved")
        self.assertIn(approval_id, approved)
        self.assertEqual(approved[approval_id]["decided_by"]["user_id"], self.user_id())
        self.assertNotIn(approval_id, self.approvals("pending"))
        self.assertEqual(self.conversation(asked["conversation"]["id"])["status"], "idle")

        # Deciding it again, by either API, is refused.
        again = self.create({"model": "fake-tool", "previous_response_id": answered["id"],
                             "input": [{"type": "mcp_approval_response",
                                        "approval_request_id": request["id"], "approve": True}]})
        self.assertEqual(again.status // 100, 4, again.body)
        assert_error(self, again, again.status)

    def test_approval_decided_through_the_conversation_api_is_decided_here_too(self):
        asked = self.created({"model": "fake-tool", "input": "what is 6*7", "tools": AGENTD_TOOLS})
        request = asked["output"][-1]
        conversation_id = asked["conversation"]["id"]
        r = self.server.request("POST", f"/v1/conversations/{conversation_id}/approve",
                                {"approved": True}, token=self.token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["message"]["content"], CALCULATOR_ANSWER)
        again = self.create({"model": "fake-tool", "previous_response_id": asked["id"],
                             "input": [{"type": "mcp_approval_response",
                                        "approval_request_id": request["id"], "approve": False}]})
        assert_error(self, again, 409, "not_awaiting_approval")
        approval = self.approvals("approved")[request["id"][len("mcpr_"):]]
        self.assertEqual(approval["decided_by"]["user_id"], self.user_id())
        self.assertEqual([m["role"] for m in self.conversation(conversation_id)["messages"]],
                         ["user", "assistant", "tool", "assistant"])

    def test_approval_round_trip_streamed(self):
        events, _ = self.stream_create({"model": "fake-tool", "input": "what is 6*7", "tools": AGENTD_TOOLS})
        self.assertEqual([(e["type"], e.get("item", {}).get("type")) for e in events], [
            ("response.created", None), ("response.in_progress", None),
            ("response.output_item.added", "mcp_approval_request"),
            ("response.output_item.done", "mcp_approval_request"), ("response.completed", None)])
        asked = events[-1]["response"]
        self.assertEqual(events[3]["item"], asked["output"][-1])
        request = asked["output"][-1]
        self.assertIn(request["id"][len("mcpr_"):], self.approvals("pending"))

        events, _ = self.stream_create({
            "model": "fake-tool", "previous_response_id": asked["id"], "tools": AGENTD_TOOLS,
            "input": [{"type": "mcp_approval_response", "approval_request_id": request["id"],
                       "approve": True}]})
        types = [e["type"] for e in events]
        self.assertEqual(types[:8], ["response.created", "response.in_progress",
                                     "response.output_item.added", "response.mcp_call_arguments.delta",
                                     "response.mcp_call_arguments.done", "response.mcp_call.in_progress",
                                     "response.mcp_call.completed", "response.output_item.done"])
        self.assertEqual(types[-1], "response.completed")
        final = events[-1]["response"]
        self.assertEqual(final["previous_response_id"], asked["id"])
        self.assertEqual(events[7]["item"], final["output"][0])
        self.assertEqual(json.loads(events[4]["arguments"]), {"expression": "6*7"})
        self.assertEqual(self.message_texts(final), [CALCULATOR_ANSWER])
        self.assertEqual(self.stored(final["id"]), final)
        self.assertIn(request["id"][len("mcpr_"):], self.approvals("approved"))

    def test_rejection_with_a_reason(self):
        asked = self.created({"model": "fake-tool", "input": "what is 7*8", "tools": AGENTD_TOOLS})
        request = asked["output"][-1]
        self.upstream.reset()
        answered = self.created({"model": "fake-tool", "previous_response_id": asked["id"],
                                 "tools": AGENTD_TOOLS,
                                 "input": [{"type": "mcp_approval_response", "approve": False,
                                            "approval_request_id": request["id"],
                                            "reason": "not on a Sunday"}]})
        self.assertEqual(self.item_types(answered), ["mcp_call", "message"])
        call = answered["output"][0]
        self.assertEqual(call["status"], "failed")
        self.assertIsNone(call["output"])
        self.assertIn("not on a Sunday", call["error"])
        self.assertNotIn("\"result\"", self.message_texts(answered)[0])
        # The model saw the rejection, not a result.
        tool = [m for m in self.upstream_requests()[0]["body"]["messages"] if m["role"] == "tool"]
        self.assertEqual(len(tool), 1)
        self.assertIn("not on a Sunday", tool[0]["content"])
        rejected = self.approvals("rejected")[request["id"][len("mcpr_"):]]
        self.assertEqual(rejected["reason"], "not on a Sunday")
        self.assertEqual(rejected["decided_by"]["user_id"], self.user_id())

    def test_approval_answers_are_checked(self):
        asked = self.created({"model": "fake-tool", "input": "what is 6*7", "tools": AGENTD_TOOLS})
        request = asked["output"][-1]
        answer = {"type": "mcp_approval_response", "approval_request_id": request["id"], "approve": True}
        # Without the asking response; naming no request of it; mixed with other input.
        assert_error(self, self.create({"model": "fake-tool", "input": [answer]}), 400)
        assert_error(self, self.create({"model": "fake-tool", "previous_response_id": asked["id"], "input": [
            {**answer, "approval_request_id": "mcpr_00000000-0000-0000-0000-000000000000"}]}), 400,
            "approval_not_found")
        assert_error(self, self.create({"model": "fake-tool", "previous_response_id": asked["id"],
                                        "input": [answer, {"role": "user", "content": "also"}]}), 400)
        self.assertIn(request["id"][len("mcpr_"):], self.approvals("pending"))
        # Another user cannot decide it.
        other = self.server.sign_up()["access_token"]
        assert_error(self, self.create({"model": "fake-tool", "previous_response_id": asked["id"],
                                        "input": [answer]}, token=other), 404, "response_not_found")
        self.assertIn(request["id"][len("mcpr_"):], self.approvals("pending"))

    def test_key_acl_holds_for_the_mcp_tool(self):
        no_tools = self.create_key(allowed_tools=[])
        # Not offered to the model when the key may use no tool.
        self.upstream.reset()
        response = self.created({"model": "fake-tool", "input": "what is 6*7", "tools": AGENTD_TOOLS},
                                token=no_tools)
        self.assertEqual(self.message_texts(response), ["No tool needed for: what is 6*7"])
        self.assertEqual(self.upstream_requests()[0]["body"].get("tools") or [], [])
        # Asked for by name: refused before anything runs.
        self.upstream.reset()
        r = self.create({"model": "fake-tool", "input": "what is 6*7",
                         "tools": [{**AGENTD_TOOLS[0], "allowed_tools": ["calculator"]}]}, token=no_tools)
        assert_error(self, r, 403, "tool_not_allowed", "permission_error")
        self.assertEqual(self.upstream_requests(), [])
        # Called by the model anyway: the call fails, nothing runs, nobody is asked to approve.
        before = set(self.approvals())
        response = self.created({"model": "fake-tool", "input": 'call calculator {"expression":"6*7"}',
                                 "tools": AGENTD_TOOLS}, token=no_tools)
        self.assertEqual(self.item_types(response), ["mcp_call", "message"])
        call = response["output"][0]
        self.assertEqual((call["name"], call["status"], call["output"]), ("calculator", "failed", None))
        self.assertIn("not available", call["error"])
        self.assertNotIn("result", self.message_texts(response)[0])
        self.assertEqual(set(self.approvals()), before)


class Background(ResponsesTest):

    def test_background_answers_at_once_and_is_polled_to_completion(self):
        response = self.created({"model": "fake-slow-stream", "background": True,
                                 "input": "[fake:fake-slow-stream tokens=10 delay-ms=30] go"})
        self.assertIn(response["status"], ("queued", "in_progress"))
        self.assertTrue(response["background"])
        self.assertEqual((response["output"], response["usage"], response["completed_at"]), ([], None, None))
        final = self.until_final(response["id"])
        self.assert_response_basics(final)
        self.assertEqual(self.message_texts(final), [" ".join(f"t{i}" for i in range(10))])

    def test_stream_resumed_after_n_is_the_tail_of_the_whole_stream(self):
        response = self.created({"model": "fake-slow-stream", "background": True,
                                 "input": "[fake:fake-slow-stream tokens=15 delay-ms=40] resume"})
        path = f"/v1/responses/{response['id']}?stream=true"
        whole = EventStream(self.server, "GET", path, token=self.token)
        self.addCleanup(whole.close)
        head = []
        while len(head) < 6:
            head.append(whole.next_event()["data"])
        # Resumed while it runs.
        resumed, _ = self.stream("GET", path + "&starting_after=5", first_sequence=6)
        tail = [e["data"] for e in whole.events() if e["raw"] != spec.DONE_MARKER]
        full = head + tail
        self.check_events(full)
        self.assertEqual(full[-1]["type"], "response.completed")
        self.assertEqual(resumed[0]["sequence_number"], 6)
        self.assertEqual(resumed, full[6:])
        # Resumed once it has ended: the same tail.
        self.assertEqual(self.until_final(response["id"])["status"], "completed")
        after_end, _ = self.stream("GET", path + "&starting_after=5", first_sequence=6)
        self.assertEqual([(e["sequence_number"], e["type"]) for e in after_end],
                         [(e["sequence_number"], e["type"]) for e in full[6:]])
        self.assertEqual(after_end, full[6:])
        # The whole stream again, from the start.
        again, _ = self.stream("GET", path)
        self.assertEqual([(e["sequence_number"], e["type"]) for e in again],
                         [(e["sequence_number"], e["type"]) for e in full])

    def test_cancel_stops_a_background_response(self):
        self.upstream.reset()
        response = self.created({"model": "fake-slow-stream", "background": True,
                                 "input": "[fake:fake-slow-stream tokens=200 delay-ms=50] cancel me"})
        deadline = time.time() + 5
        while not self.upstream.stats()["active_streams"] and time.time() < deadline:
            time.sleep(0.02)
        r = self.server.request("POST", f"/v1/responses/{response['id']}/cancel", token=self.token)
        self.assertEqual(r.status, 200, r.body)
        self.checked(r.json())
        final = self.until_final(response["id"])
        self.assertEqual(final["status"], "cancelled")
        self.assertEqual(final["id"], response["id"])
        deadline = time.time() + 5
        while self.upstream.stats()["active_streams"] and time.time() < deadline:
            time.sleep(0.02)
        self.assertEqual(self.upstream.stats()["active_streams"], 0)
        again = self.server.request("POST", f"/v1/responses/{response['id']}/cancel", token=self.token)
        assert_error(self, again, 409, "response_not_active")
        # Only a background response can be cancelled.
        plain = self.created({"model": "fake-echo", "input": "not in the background"})
        r = self.server.request("POST", f"/v1/responses/{plain['id']}/cancel", token=self.token)
        assert_error(self, r, 400, "not_background")


class Endings(ResponsesTest):
    """Responses that do not complete: failed and incomplete."""

    def test_upstream_failure_fails_the_response(self):
        response = self.created({"model": "fake-500-alone", "input": "fail please"})
        self.assertEqual(response["status"], "failed")
        self.assertEqual(response["output"], [])
        self.assertEqual(response["error"]["code"], "upstream_error")
        self.assertTrue(response["error"]["message"])
        self.assertEqual(self.stored(response["id"]), response)

        events, _ = self.stream_create({"model": "fake-500-alone", "input": "fail while streaming"})
        self.assertEqual([e["type"] for e in events],
                         ["response.created", "response.in_progress", "response.failed"])
        failed = events[-1]["response"]
        self.assertEqual((failed["status"], failed["error"]["code"]), ("failed", "upstream_error"))

    def test_max_output_tokens_reached_makes_it_incomplete(self):
        # Open Responses: an item cut by the token budget is `incomplete`, and so is the
        # response that holds it (incomplete_details.reason "max_output_tokens").
        body = {"model": "fake-echo", "input": "one two three four five six seven", "max_output_tokens": 3}
        response = self.created(body)
        self.assertEqual(self.message_texts(response), ["echo: one two"])  # cut by the upstream
        self.assertEqual(response["max_output_tokens"], 3)
        self.assertEqual(response["status"], "incomplete")
        self.assertEqual(response["incomplete_details"], {"reason": "max_output_tokens"})
        self.assertEqual(response["output"][-1]["status"], "incomplete")
        events, _ = self.stream_create(body)
        self.assertEqual(events[-1]["type"], "response.incomplete")


class Refusals(ResponsesTest):
    """Bad requests: a 4xx in the OpenAI error shape, nothing run."""

    def test_bad_requests_are_refused_before_anything_runs(self):
        self.upstream.reset()
        cases = [
            ({"input": "x", "frobnicate": True}, 400, "unknown_parameter", "frobnicate"),
            ({"input": [{"type": "reasoning", "summary": []}]}, 400, "unsupported_input_item", "input[0].type"),
            ({"input": [{"role": "user", "content": [
                {"type": "input_image", "image_url": "https://example.com/a.png"}]}]},
             400, "unsupported_content", "input[0].content"),
            ({"input": "x", "tools": [{"type": "mcp", "server_label": "github",
                                        "server_url": "https://example.com/mcp"}]},
             400, "unsupported_mcp_server", "tools[0].server_label"),
            ({"input": "x", "previous_response_id": "resp_a", "conversation": "c"}, 400, None, "conversation"),
            ({"input": "x", "background": True, "store": False}, 400, None, "store"),
            ({"input": "x", "tools": [{"type": "web_search"}]}, 400, "unsupported_tool", "tools[0].type"),
            ({}, 400, None, "input"),
            ({"input": "x", "temperature": 3}, 400, None, "temperature"),
        ]
        for body, status, code, param in cases:
            with self.subTest(body=body):
                error = assert_error(self, self.create({"model": "fake-echo", **body}), status, code,
                                     "invalid_request_error")
                self.assertEqual(error["param"], param)
        self.assertEqual(self.upstream_requests(), [])
        assert_error(self, self.server.request("POST", "/v1/responses", {"input": "x"}), 401)


class OwnerScoping(ResponsesTest):

    def test_another_user_sees_no_response(self):
        response = self.created({"model": "fake-echo", "input": "mine alone"})
        background = self.created({"model": "fake-slow-stream", "background": True,
                                   "input": "[fake:fake-slow-stream tokens=40 delay-ms=50] mine"})
        other = self.server.sign_up()["access_token"]
        for method, path in [("GET", ""), ("GET", "?stream=true"), ("GET", "/input_items"),
                             ("POST", "/cancel"), ("DELETE", "")]:
            for target in (response, background):
                with self.subTest(method=method, path=path, status=target["status"]):
                    r = self.server.request(method, f"/v1/responses/{target['id']}{path}", token=other)
                    assert_error(self, r, 404, "response_not_found")
        r = self.create({"model": "fake-echo", "input": "continue theirs",
                         "previous_response_id": response["id"]}, token=other)
        self.assertEqual(assert_error(self, r, 404, "response_not_found")["param"], "previous_response_id")
        # Still there for its owner, and the background one was not cancelled.
        self.assertEqual(self.stored(response["id"]), response)
        self.assertEqual(self.until_final(background["id"])["status"], "completed")


@unittest.skipUnless(NODE_PACKAGES, "npm packages missing: run scripts/setup")
class OpenAISdk(ResponsesTest):
    """The official npm `openai` client, unmodified, through every scenario of
    openai_sdk_responses.mjs (run once for the class)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = dict(os.environ, AGENTD_BASE_URL=f"http://127.0.0.1:{cls.server.port}/v1",
                   AGENTD_TOKEN=cls.token)
        out = subprocess.run(["node", os.path.join(HERE, "openai_sdk_responses.mjs")], env=env,
                             capture_output=True, text=True, timeout=90)
        if out.returncode != 0:
            raise RuntimeError(out.stdout + out.stderr)
        cls.results = json.loads(out.stdout.strip().splitlines()[-1])

    def result(self, name):
        result = self.results[name]
        self.assertNotIn("failed", result, result)
        return result

    def test_plain(self):
        result = self.result("plain")
        response = self.checked(result["response"])
        self.assert_response_basics(response, model="fake-echo")
        self.assertEqual(result["output_text"], "echo: hello from the sdk")
        self.assertEqual(response["instructions"], "Answer briefly.")
        # The SDK adds output_text, its own convenience, to the object it returns.
        self.assertEqual(self.stored(response["id"]), {k: v for k, v in response.items() if k != "output_text"})

    def test_stream(self):
        events = self.result("stream")["events"]
        self.check_events(events)
        self.assertEqual(events[0]["type"], "response.created")
        self.assertEqual(events[-1]["type"], "response.completed")
        text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
        self.assertEqual(text, "echo: stream these words please")
        self.assertEqual(self.message_texts(events[-1]["response"]), [text])

    def test_function_round_trip(self):
        result = self.result("function_round_trip")
        first, second = self.checked(result["first"]), self.checked(result["second"])
        self.assertEqual(self.item_types(first), ["function_call"])
        self.assertEqual(second["previous_response_id"], first["id"])
        self.assertEqual(result["output_text"], "The tool returned: " + result["sent_output"])
        streamed = result["streamed"]
        self.check_events(streamed)
        self.assertIn("response.function_call_arguments.done", [e["type"] for e in streamed])
        self.assertEqual(self.item_types(streamed[-1]["response"]), ["function_call"])

    def test_previous_response_id_memory(self):
        result = self.result("memory")
        first, second = self.checked(result["first"]), self.checked(result["second"])
        self.assertEqual(second["previous_response_id"], first["id"])
        sent = self.upstream_requests_with("what is my name, said the sdk")
        self.assertEqual(len(sent), 1)
        self.assertEqual([(m["role"], m["content"]) for m in sent[0]["body"]["messages"]],
                         [("user", "my name is Ada Heron"), ("assistant", "echo: my name is Ada Heron"),
                          ("user", "what is my name, said the sdk")])

    def test_background_poll(self):
        result = self.result("background")
        created, final = self.checked(result["created"]), self.checked(result["final"])
        self.assertIn(created["status"], ("queued", "in_progress"))
        self.assertTrue(created["background"])
        self.assert_response_basics(final)
        self.assertEqual(self.message_texts(final), [" ".join(f"t{i}" for i in range(12))])
        self.assertIn("in_progress", result["seen"])

    def test_resumed_stream(self):
        result = self.result("resume")
        full, resumed, after_end = result["full"], result["resumed"], result["after_end"]
        self.check_events(full)
        self.assertEqual(full[-1]["type"], "response.completed")
        self.assertEqual(resumed, full[5:])
        self.assertEqual([(e["sequence_number"], e["type"]) for e in after_end],
                         [(e["sequence_number"], e["type"]) for e in full[5:]])

    def test_cancel(self):
        result = self.result("cancel")
        self.checked(result["cancelled"])
        final = self.checked(result["final"])
        self.assertEqual(final["status"], "cancelled")
        self.assertEqual(result["again"]["status"], 409)
        self.assertEqual(result["again"]["code"], "response_not_active")

    def test_input_items(self):
        result = self.result("input_items")
        self.checked(result["response"])
        items = result["items"]
        self.assertEqual([(i["type"], i["role"]) for i in items],
                         [("message", "developer"), ("message", "user")])
        self.assertEqual(items[1]["content"], [{"type": "input_text", "text": "list my items"}])
        # Page by page, newest first, the SDK follows the cursor to the end.
        self.assertEqual(result["newest_first"], list(reversed(items)))

    def test_delete(self):
        result = self.result("delete")
        self.assertEqual(result["retrieved"]["status"], 404)
        self.assertEqual(result["retrieved"]["name"], "NotFoundError")
        self.assertEqual(result["deleted_again"]["status"], 404)
        assert_error(self, self.get(result["id"]), 404, "response_not_found")

    def test_mcp_approval(self):
        result = self.result("mcp_approve")
        asked, answered = self.checked(result["asked"]), self.checked(result["answered"])
        request = asked["output"][-1]
        self.assertEqual(request["type"], "mcp_approval_request")
        self.assertEqual(self.item_types(answered), ["mcp_call", "message"])
        self.assertEqual(json.loads(answered["output"][0]["output"])["result"], 42)
        self.assertEqual(result["output_text"], CALCULATOR_ANSWER)
        approval = self.approvals("approved")[request["id"][len("mcpr_"):]]
        self.assertEqual(approval["decided_by"]["user_id"], self.user_id())
        self.assertEqual(approval["tool_call_id"], answered["output"][0]["id"][len("mcp_"):])

    def test_mcp_rejection(self):
        result = self.result("mcp_reject")
        asked, answered = self.checked(result["asked"]), self.checked(result["answered"])
        request = asked["output"][-1]
        call = answered["output"][0]
        self.assertEqual((call["type"], call["status"]), ("mcp_call", "failed"))
        self.assertIn("not on a Sunday", call["error"])
        self.assertNotIn("\"result\"", result["output_text"])
        approval = self.approvals("rejected")[request["id"][len("mcpr_"):]]
        self.assertEqual(approval["reason"], "not on a Sunday")
        self.assertEqual(approval["decided_by"]["user_id"], self.user_id())


if __name__ == "__main__":
    unittest.main()

"""Tools as a client sees them: the listing, running one call or a batch, and which
credential may run what. Tool timeouts are covered by the unit tests of ExecuteTool: no
builtin tool is slow enough to reach its deadline here."""

import os
import tempfile
import unittest

from harness import Agentd, assert_error

ENV = {
    "AGENTD_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
    "AGENTD_REGISTER_RATE_LIMIT_PER_MINUTE": "100000",
}

# Tools that need approval are never run by execute or batch (test_gate.py covers that);
# here every builtin runs directly, and a key's own approval list shows the flag set.
CONFIG_YAML = """\
tools:
  calculator:
    requires_approval: false
"""

TOOL_RESULT_OK_FIELDS = {"tool_call_id", "name", "status", "result", "duration_ms"}
TOOL_RESULT_ERROR_FIELDS = {"tool_call_id", "name", "status", "error", "duration_ms"}


def call(name, arguments, call_id=None):
    """An OpenAI tool call; `arguments` goes as given (a JSON string or an object)."""
    body = {"type": "function", "function": {"name": name, "arguments": arguments}}
    if call_id is not None:
        body["id"] = call_id
    return body


def calculate(expression, call_id=None):
    return call("calculator", {"expression": expression}, call_id)


class ToolsTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        config_dir = tempfile.mkdtemp(prefix="agentd-tools-config-")
        config_path = os.path.join(config_dir, "agentd.yaml")
        with open(config_path, "w") as f:
            f.write(CONFIG_YAML)
        cls.server = Agentd({**ENV, "AGENTD_CONFIG": config_path}).start()
        cls.addClassCleanup(cls.server.__exit__)
        cls.addClassCleanup(lambda: (os.remove(config_path), os.rmdir(config_dir)))
        cls.token = cls.server.sign_up()["access_token"]
        cls.calculator_key = cls.create_key(allowed_tools=["calculator"])

    @classmethod
    def create_key(cls, **fields):
        r = cls.server.request("POST", "/v1/auth/tokens", {"name": "tools", **fields},
                               token=cls.token)
        if r.status != 201:
            raise RuntimeError(f"create key: {r.status} {r.body!r}")
        return r.json()["key"]

    def list_tools(self, token=None):
        r = self.server.request("GET", "/v1/tools", token=token or self.token)
        self.assertEqual(r.status, 200, r.body)
        return r.json()["data"]

    def execute(self, body, token=None):
        return self.server.request("POST", "/v1/tools/execute", body, token=token or self.token)

    def batch(self, body, token=None):
        return self.server.request("POST", "/v1/tools/batch", body, token=token or self.token)

    def assert_ok_result(self, result, name, value=None):
        self.assertEqual(set(result), TOOL_RESULT_OK_FIELDS, result)
        self.assertEqual(result["name"], name)
        self.assertEqual(result["status"], "ok")
        self.assertIsInstance(result["duration_ms"], int)
        self.assertGreaterEqual(result["duration_ms"], 0)
        if value is not None:
            self.assertEqual(result["result"], value)

    def assert_error_result(self, result, name, code):
        self.assertEqual(set(result), TOOL_RESULT_ERROR_FIELDS, result)
        self.assertEqual(result["name"], name)
        self.assertEqual(result["status"], "error")
        self.assertEqual(set(result["error"]), {"message", "code"})
        self.assertEqual(result["error"]["code"], code)
        self.assertTrue(result["error"]["message"])


class Listing(ToolsTestCase):
    def test_lists_the_builtin_tools_sorted_by_name(self):
        names = [tool["function"]["name"] for tool in self.list_tools()]
        self.assertEqual(names, sorted(names))
        self.assertLessEqual({"calculator", "current_time"}, set(names))

    def test_each_tool_is_an_openai_function_with_its_approval_flag(self):
        tools = {tool["function"]["name"]: tool for tool in self.list_tools()}
        for name, tool in tools.items():
            with self.subTest(tool=name):
                self.assertEqual(set(tool), {"type", "function", "requires_approval"})
                self.assertEqual(tool["type"], "function")
                self.assertEqual(set(tool["function"]), {"name", "description", "parameters"})
                self.assertTrue(tool["function"]["description"])
                self.assertEqual(tool["function"]["parameters"]["type"], "object")
                self.assertIsInstance(tool["requires_approval"], bool)
        self.assertFalse(tools["calculator"]["requires_approval"])
        self.assertFalse(tools["current_time"]["requires_approval"])
        waits = self.create_key(approval_required_tools=["current_time"])
        seen_by_key = {tool["function"]["name"]: tool for tool in self.list_tools(token=waits)}
        self.assertTrue(seen_by_key["current_time"]["requires_approval"])
        self.assertFalse(seen_by_key["calculator"]["requires_approval"])
        self.assertEqual(tools["calculator"]["function"]["parameters"]["required"],
                         ["expression"])

    def test_the_listing_is_a_list_object(self):
        r = self.server.request("GET", "/v1/tools", token=self.token)
        body = r.json()
        self.assertEqual(body["object"], "list")
        self.assertIs(body["has_more"], False)

    def test_a_key_limited_to_calculator_sees_only_calculator(self):
        names = [tool["function"]["name"] for tool in self.list_tools(self.calculator_key)]
        self.assertEqual(names, ["calculator"])

    def test_a_key_with_no_tools_sees_none(self):
        self.assertEqual(self.list_tools(self.create_key(allowed_tools=[])), [])

    def test_a_key_with_the_wildcard_sees_every_tool(self):
        everything = self.list_tools()
        self.assertEqual(self.list_tools(self.create_key(allowed_tools=["*"])), everything)

    def test_the_listing_pages_by_name_with_limit_and_after(self):
        names = [tool["function"]["name"] for tool in self.list_tools()]
        seen = []
        after = None
        while True:
            path = "/v1/tools?limit=1" + (f"&after={after}" if after else "")
            r = self.server.request("GET", path, token=self.token)
            self.assertEqual(r.status, 200, r.body)
            body = r.json()
            self.assertEqual(len(body["data"]), 1, body)
            seen.append(body["data"][0]["function"]["name"])
            after = seen[-1]
            if not body["has_more"]:
                break
        self.assertEqual(seen, names)

    def test_the_listing_refuses_a_limit_out_of_range(self):
        for limit in ["0", "101", "ten"]:
            with self.subTest(limit=limit):
                r = self.server.request("GET", f"/v1/tools?limit={limit}", token=self.token)
                self.assertEqual(assert_error(self, r, 400, "invalid_limit")["param"], "limit")

    def test_a_cursor_outside_the_callers_tools_is_400(self):
        # current_time exists, but not for a key limited to calculator: it is no cursor of theirs.
        for token, after in [(self.token, "teleport"), (self.calculator_key, "current_time")]:
            with self.subTest(after=after):
                r = self.server.request("GET", f"/v1/tools?after={after}", token=token)
                self.assertEqual(assert_error(self, r, 400, "invalid_cursor")["param"], "after")

    def test_tool_routes_need_a_credential(self):
        for method, path in [("GET", "/v1/tools"), ("POST", "/v1/tools/execute"),
                             ("POST", "/v1/tools/batch")]:
            with self.subTest(path=path):
                r = self.server.request(method, path, {} if method == "POST" else None)
                assert_error(self, r, 401)


class Execute(ToolsTestCase):
    def test_calculator_answers_with_its_expression_and_an_integer_result(self):
        r = self.execute(calculate("2*(3+4)", "call_abc"))
        self.assertEqual(r.status, 200, r.body)
        result = r.json()
        self.assert_ok_result(result, "calculator", {"expression": "2*(3+4)", "result": 14})
        self.assertEqual(result["tool_call_id"], "call_abc")
        self.assertIsInstance(result["result"]["result"], int)

    def test_fractions_come_back_as_floats(self):
        r = self.execute(calculate("1/4"))
        self.assertEqual(r.status, 200, r.body)
        value = r.json()["result"]["result"]
        self.assertIsInstance(value, float)
        self.assertEqual(value, 0.25)

    def test_arguments_may_be_a_json_string_as_openai_sends_them(self):
        as_string = self.execute(call("calculator", '{"expression": "6*7"}'))
        as_object = self.execute(call("calculator", {"expression": "6*7"}))
        self.assertEqual(as_string.status, 200, as_string.body)
        self.assertEqual(as_object.status, 200, as_object.body)
        self.assertEqual(as_string.json()["result"], {"expression": "6*7", "result": 42})
        self.assertEqual(as_object.json()["result"], as_string.json()["result"])

    def test_a_call_without_an_id_gets_one(self):
        first = self.execute(calculate("1+1")).json()["tool_call_id"]
        second = self.execute(calculate("1+1")).json()["tool_call_id"]
        self.assertRegex(first, r"^call_.+")
        self.assertNotEqual(first, second)

    def test_current_time_answers_in_the_asked_zone(self):
        r = self.execute(call("current_time", {"timezone": "Europe/Paris"}))
        self.assertEqual(r.status, 200, r.body)
        now = r.json()["result"]
        self.assertEqual(now["timezone"], "Europe/Paris")
        self.assertRegex(now["datetime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$")
        self.assertRegex(now["utc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn(now["abbreviation"], {"CET", "CEST"})

    def test_a_key_limited_to_calculator_may_run_it(self):
        r = self.execute(calculate("2+2"), token=self.calculator_key)
        self.assertEqual(r.status, 200, r.body)
        self.assert_ok_result(r.json(), "calculator", {"expression": "2+2", "result": 4})

    def test_a_key_limited_to_calculator_may_not_run_current_time(self):
        r = self.execute(call("current_time", {}), token=self.calculator_key)
        error = assert_error(self, r, 403, "tool_not_allowed", "permission_error")
        self.assertIn("current_time", error["message"])

    def test_an_unknown_tool_is_404(self):
        r = self.execute(call("teleport", {}))
        error = assert_error(self, r, 404, "tool_not_found", "invalid_request_error")
        self.assertIn("teleport", error["message"])

    def test_arguments_of_the_wrong_type_are_400_naming_the_field(self):
        r = self.execute(call("calculator", {"expression": 42}))
        error = assert_error(self, r, 400, "invalid_arguments", "invalid_request_error")
        self.assertEqual(error["param"], "expression")

    def test_a_missing_argument_is_400_naming_the_field(self):
        r = self.execute(call("calculator", {}))
        error = assert_error(self, r, 400, "invalid_arguments")
        self.assertEqual(error["param"], "expression")

    def test_an_unexpected_argument_is_400_naming_it(self):
        r = self.execute(call("calculator", {"expression": "1", "precision": 3}))
        error = assert_error(self, r, 400, "invalid_arguments")
        self.assertEqual(error["param"], "precision")

    def test_arguments_that_are_not_json_are_400(self):
        r = self.execute(call("calculator", '{"expression": "1+'))
        error = assert_error(self, r, 400, "invalid_arguments")
        self.assertEqual(error["param"], "arguments")

    def test_division_by_zero_is_a_422_tool_error(self):
        r = self.execute(calculate("1/0"))
        error = assert_error(self, r, 422, "tool_error")
        self.assertIn("division by zero", error["message"])

    def test_a_syntax_error_says_where(self):
        r = self.execute(calculate("2+*3"))
        error = assert_error(self, r, 422, "tool_error")
        self.assertRegex(error["message"], r"position \d+")

    def test_an_unknown_time_zone_is_a_422_tool_error(self):
        r = self.execute(call("current_time", {"timezone": "Mars/Olympus_Mons"}))
        error = assert_error(self, r, 422, "tool_error")
        self.assertIn("Mars/Olympus_Mons", error["message"])

    def test_a_malformed_tool_call_is_400(self):
        r = self.execute({"type": "function"})
        error = assert_error(self, r, 400, "invalid_tool_call")
        self.assertEqual(error["param"], "function")


class Batch(ToolsTestCase):
    def test_a_batch_of_32_keeps_input_order_and_one_failure_hides_nothing(self):
        calls = [calculate(f"{i}*2", f"call_{i}") for i in range(32)]
        calls[17] = calculate("1/0", "call_17")
        r = self.batch(calls)
        self.assertEqual(r.status, 200, r.body)
        results = r.json()["results"]
        self.assertEqual([result["tool_call_id"] for result in results],
                         [f"call_{i}" for i in range(32)])
        for i, result in enumerate(results):
            with self.subTest(call=i):
                if i == 17:
                    self.assert_error_result(result, "calculator", "tool_error")
                    self.assertIn("division by zero", result["error"]["message"])
                else:
                    self.assert_ok_result(result, "calculator",
                                          {"expression": f"{i}*2", "result": i * 2})
        self.assertEqual(sum(result["status"] == "ok" for result in results), 31)

    def test_a_batch_of_33_is_413(self):
        r = self.batch([calculate("1+1") for _ in range(33)])
        error = assert_error(self, r, 413, "batch_too_large")
        self.assertIn("32", error["message"])

    def test_the_body_may_wrap_the_calls_in_an_object(self):
        r = self.batch({"calls": [calculate("1+2", "a"), calculate("3+4", "b")]})
        self.assertEqual(r.status, 200, r.body)
        results = r.json()["results"]
        self.assertEqual([result["tool_call_id"] for result in results], ["a", "b"])
        self.assertEqual([result["result"]["result"] for result in results], [3, 7])

    def test_a_limited_key_gets_each_call_judged_on_its_own(self):
        r = self.batch([calculate("5*5", "first"), call("current_time", {}, "second"),
                        calculate("1+1", "third")], token=self.calculator_key)
        self.assertEqual(r.status, 200, r.body)
        results = r.json()["results"]
        self.assertEqual([result["tool_call_id"] for result in results],
                         ["first", "second", "third"])
        self.assert_ok_result(results[0], "calculator", {"expression": "5*5", "result": 25})
        self.assert_error_result(results[1], "current_time", "tool_not_allowed")
        self.assert_ok_result(results[2], "calculator", {"expression": "1+1", "result": 2})

    def test_every_kind_of_failure_is_reported_in_place(self):
        r = self.batch([call("teleport", {}), call("calculator", {"expression": 1}),
                        calculate("sqrt(-1)"), calculate("10^400"), calculate("9-2")])
        self.assertEqual(r.status, 200, r.body)
        results = r.json()["results"]
        self.assert_error_result(results[0], "teleport", "tool_not_found")
        self.assert_error_result(results[1], "calculator", "invalid_arguments")
        self.assert_error_result(results[2], "calculator", "tool_error")
        self.assert_error_result(results[3], "calculator", "tool_error")
        self.assert_ok_result(results[4], "calculator", {"expression": "9-2", "result": 7})

    def test_calls_without_ids_get_distinct_ones(self):
        r = self.batch([calculate("1+1") for _ in range(5)])
        ids = [result["tool_call_id"] for result in r.json()["results"]]
        self.assertEqual(len(set(ids)), 5)
        for call_id in ids:
            self.assertRegex(call_id, r"^call_.+")

    def test_an_empty_batch_answers_no_results(self):
        r = self.batch([])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"results": []})

    def test_a_body_that_is_not_a_list_of_calls_is_400(self):
        for body in [{"calls": "calculator"}, {"tools": []}, "calculator"]:
            with self.subTest(body=body):
                assert_error(self, self.batch(body), 400, "invalid_batch")

    def test_a_malformed_call_fails_alone_in_its_place(self):
        r = self.batch([calculate("1+1", "first"),
                        {"id": "nameless", "type": "function", "function": {}},
                        calculate("2+3", "last")])
        self.assertEqual(r.status, 200, r.body)
        results = r.json()["results"]
        self.assertEqual([result["tool_call_id"] for result in results],
                         ["first", "nameless", "last"])
        self.assert_ok_result(results[0], "calculator", {"expression": "1+1", "result": 2})
        self.assert_error_result(results[1], "", "invalid_tool_call")
        self.assertEqual(results[1]["duration_ms"], 0)
        self.assert_ok_result(results[2], "calculator", {"expression": "2+3", "result": 5})

    def test_a_malformed_call_keeps_what_it_had_of_an_id_and_a_name(self):
        r = self.batch([
            "calculator",
            {"id": 7, "function": {"name": "calculator", "arguments": {"expression": "1"}},
             "type": "function"},
            {"id": "typed", "type": "tool", "function": {"name": "calculator"}},
            {"id": "no-function", "type": "function"},
            calculate("6*7", "fine"),
        ])
        self.assertEqual(r.status, 200, r.body)
        results = r.json()["results"]
        self.assertEqual([(result["tool_call_id"], result["name"]) for result in results],
                         [("", ""), ("", "calculator"), ("typed", "calculator"),
                          ("no-function", ""), ("fine", "calculator")])
        for result in results[:4]:
            self.assert_error_result(result, result["name"], "invalid_tool_call")
        self.assert_ok_result(results[4], "calculator", {"expression": "6*7", "result": 42})


if __name__ == "__main__":
    unittest.main()

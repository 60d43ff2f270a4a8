"""Checks what agentd answers against its API document, docs/openapi.yaml: the operation by
method and path template, the response by status, the headers the document says are always
sent, and the body (JSON, or each Server-Sent Event's data) by JSON Schema 2020-12.

harness.Agentd.request and event_stream.EventStream check every response they receive, so
every end-to-end test checks the document too. A mismatch is an AssertionError naming the
request, the status, the JSON pointer of the failure and what is wrong."""

import json
import os

import yaml
from jsonschema import Draft202012Validator, FormatChecker, RefResolver
from jsonschema.exceptions import best_match

from event_stream import read_event

DOCUMENT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                             "openapi.yaml")

# Refusals the server gives before routing, whatever the path and method.
BEFORE_ROUTING = {"400", "413", "414", "431"}
FORMATS = FormatChecker()


def load_document(path=DOCUMENT_PATH):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def segments(path):
    """A path's segments as the router splits it: empty ones (doubled or trailing slashes)
    do not count."""
    return [segment for segment in path.split("/") if segment]


def is_parameter(segment):
    return segment.startswith("{") and segment.endswith("}")


def media_type(content_type):
    return (content_type or "").split(";")[0].strip().lower()


class Contract:
    def __init__(self, document):
        self.document = document
        self.templates = [(template, segments(template)) for template in document["paths"]]

    def template_for(self, path):
        """The document's path template that serves `path`, or None; literal segments win
        over parameters, as no two routes of the server overlap otherwise."""
        wanted = segments(path.split("?", 1)[0])
        best, best_literals = None, -1
        for template, parts in self.templates:
            if len(parts) != len(wanted):
                continue
            if all(is_parameter(p) or p == w for p, w in zip(parts, wanted)):
                literals = sum(not is_parameter(p) for p in parts)
                if literals > best_literals:
                    best, best_literals = template, literals
        return best

    def resolve(self, node):
        """Follows `$ref`s into the document (its own "#/…" pointers only)."""
        while isinstance(node, dict) and "$ref" in node:
            target = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def response_for(self, method, path, status):
        """(the operation, its response object) the document has for this answer, or an
        AssertionError saying why it has none."""
        code = str(status)
        template = self.template_for(path)
        operation = self.document["paths"][template].get(method.lower()) if template else None
        if operation is not None:
            responses = operation["responses"]
            for key in (code, code[0] + "XX", "default"):
                if key in responses:
                    return f"{method} {template}", self.resolve(responses[key])
            allowed = BEFORE_ROUTING - {"400"}  # a 400 from a route is the route's to list
            what = f"status {code} is not documented for {method} {template}"
        elif template is not None:
            allowed = BEFORE_ROUTING | {"405"}
            what = f"{method} {template} is not documented: only a 405 may answer it"
        else:
            allowed = BEFORE_ROUTING | {"404"}
            what = "no documented path matches: only a 404 may answer it"
        if code in allowed:
            return "the server", self.document["x-server-responses"][code]
        raise AssertionError(f"{method} {path} -> {status}: {what}")

    def validate(self, where, schema, value, what):
        # The whole document is the resolver's base, so "#/components/…" refs resolve in it.
        validator = Draft202012Validator(schema, resolver=RefResolver.from_schema(self.document),
                                         format_checker=FORMATS)
        error = best_match(validator.iter_errors(value))
        if error is not None:
            pointer = "".join(f"/{part}" for part in error.absolute_path) or "/"
            raise AssertionError(f"{where}: {what} at {pointer}: {error.message}")


class Expectation:
    """What the document says of one response: checks its headers at once, then its body
    (`body`) or its events one by one (`event`), as the client reads them."""

    def __init__(self, contract, method, path, status, headers):
        self.contract = contract
        self.where = f"{method} {path} -> {status}"
        # "GET /v1/runs/{id}", or "the server" for answers no operation gives (x-server-responses).
        self.operation, self.response = contract.response_for(method, path, status)
        self.where += f" (as {self.operation})"
        self.check_headers(headers)
        content = self.response.get("content", {})
        self.media = media_type(headers.get("content-type"))
        if content and self.media not in content:
            raise AssertionError(f"{self.where}: Content-Type {headers.get('content-type')!r} is "
                                 f"not one of {sorted(content)}")
        self.schema = contract.resolve(content[self.media]["schema"]) if content else None

    def check_headers(self, headers):
        for name, header in self.response.get("headers", {}).items():
            header = self.contract.resolve(header)
            value = headers.get(name.lower())
            if value is None:
                if header.get("required"):
                    raise AssertionError(f"{self.where}: header {name} is missing")
                continue
            schema = self.contract.resolve(header["schema"])
            if schema.get("type") == "integer":
                try:
                    value = int(value)
                except ValueError:
                    raise AssertionError(f"{self.where}: header {name} {value!r} is not an "
                                         "integer") from None
            self.contract.validate(self.where, schema, value, f"header {name}")

    @property
    def is_stream(self):
        return self.media == "text/event-stream"

    def body(self, data):
        """Checks a whole body: no body where the document lists no content, JSON against
        its schema, and each event of an event stream."""
        if self.schema is None:
            if data:
                raise AssertionError(f"{self.where}: a body where none is documented: "
                                     f"{data[:200]!r}")
            return
        if self.is_stream:
            lines = iter(data.decode().split("\n"))
            while (event := read_event(line.rstrip("\r") for line in lines)) is not None:
                self.event(event["event"], event["raw"])
        elif self.media == "application/json":
            try:
                value = json.loads(data)
            except ValueError as e:
                raise AssertionError(f"{self.where}: the body is not JSON ({e}): {data[:200]!r}")
            self.contract.validate(self.where, self.schema, value, "body")

    def event(self, name, raw):
        """Checks one event's data against the stream schema's `$defs` entry of its name."""
        if not self.is_stream:
            raise AssertionError(f"{self.where}: events read from a {self.media} response")
        if raw is not None and raw == self.schema.get("x-done-marker"):
            return
        events = self.schema.get("$defs", {})
        if name not in events:
            raise AssertionError(f"{self.where}: event {name!r} is not documented "
                                 f"(documented: {sorted(events)})")
        try:
            value = json.loads(raw)
        except (TypeError, ValueError):
            raise AssertionError(f"{self.where}: event {name} data is not JSON: {raw!r}") from None
        self.contract.validate(self.where, events[name], value, f"event {name}")


_contract = None


def expect(method, path, status, headers):
    """The Expectation for one response; `headers` have lower-case names."""
    global _contract
    if _contract is None:
        _contract = Contract(load_document())
    return Expectation(_contract, method, path, status, headers)

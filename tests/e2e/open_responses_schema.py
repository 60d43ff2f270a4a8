"""The Open Responses schemas the Responses API answers are checked against, as JSON Schema
(2020-12) dicts.

Source: the Open Responses specification, openresponses.org (its OpenAPI document of
2026-04-24: ResponseResource, Message, FunctionCall, OutputTextContent, Usage, Error,
FunctionTool, TextField, Reasoning and the streaming events; and the specification's text:
"Every Item ... MUST include id, type and status", every event carries an integer
`sequence_number`, a stream's terminal event is the literal `[DONE]`). No registry package
ships that document, so the fields and types the tests rely on are written here from it.

agentd's own tools appear as OpenAI's MCP items and events (mcp_call, mcp_approval_request,
response.mcp_call_arguments.*, response.mcp_call.*), which the specification does not define:
their fields are OpenAI's Responses API reference ones. The specification asks extension
item and event types to carry an implementor prefix ("acme:search_result"); these keep
OpenAI's names, as the OpenAI clients expect them, and are accepted here under those names.
Every other rule of the specification is kept, including its required item fields."""

from jsonschema import Draft202012Validator

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def const(value):
    return {"const": value}


def obj(required, **properties):
    """An object with these properties, `required` of them present (others may be added)."""
    return {"type": "object", "required": list(required), "properties": properties}


ITEM_STATUS = {"enum": ["in_progress", "completed", "incomplete"]}

# --- content ---------------------------------------------------------------------------
URL_CITATION = obj(["type", "url", "start_index", "end_index", "title"],
                   type=const("url_citation"), url=STRING, start_index=INTEGER,
                   end_index=INTEGER, title=STRING)
TOP_LOGPROB = obj(["token", "logprob", "bytes"], token=STRING, logprob=NUMBER,
                  bytes={"type": "array", "items": INTEGER})
LOGPROB = obj(["token", "logprob", "bytes", "top_logprobs"], token=STRING, logprob=NUMBER,
              bytes={"type": "array", "items": INTEGER},
              top_logprobs={"type": "array", "items": TOP_LOGPROB})
OUTPUT_TEXT = obj(["type", "text", "annotations"], type=const("output_text"), text=STRING,
                  annotations={"type": "array", "items": URL_CITATION},
                  logprobs={"type": "array", "items": LOGPROB})
REFUSAL = obj(["type", "refusal"], type=const("refusal"), refusal=STRING)
INPUT_TEXT = obj(["type", "text"], type=const("input_text"), text=STRING)
CONTENT_PART = {"oneOf": [OUTPUT_TEXT, REFUSAL, INPUT_TEXT]}

# --- output items ----------------------------------------------------------------------
# "Every Item in an Open Responses trajectory MUST include the following top-level fields,
# regardless of its specific type: id, type, status."
EVERY_ITEM = obj(["id", "type", "status"], id=STRING, type=STRING, status=STRING)

MESSAGE = obj(["type", "id", "status", "role", "content"], type=const("message"), id=STRING,
              status=ITEM_STATUS, role={"enum": ["user", "assistant", "system", "developer"]},
              content={"type": "array", "items": CONTENT_PART})
FUNCTION_CALL = obj(["type", "id", "call_id", "name", "arguments", "status"],
                    type=const("function_call"), id=STRING, call_id=STRING, name=STRING,
                    arguments=STRING, status=ITEM_STATUS)
FUNCTION_CALL_OUTPUT = obj(["type", "id", "call_id", "output", "status"],
                           type=const("function_call_output"), id=STRING, call_id=STRING,
                           output={"anyOf": [STRING, {"type": "array"}]}, status=ITEM_STATUS)
# OpenAI's MCP items.
MCP_CALL = obj(["type", "id", "server_label", "name", "arguments"], type=const("mcp_call"),
               id=STRING, server_label=STRING, name=STRING, arguments=STRING,
               output=nullable(STRING), error=nullable(STRING),
               status={"enum": ["in_progress", "completed", "incomplete", "calling", "failed"]},
               approval_request_id=nullable(STRING))
MCP_APPROVAL_REQUEST = obj(["type", "id", "server_label", "name", "arguments"],
                           type=const("mcp_approval_request"), id=STRING, server_label=STRING,
                           name=STRING, arguments=STRING)

ITEMS = {
    "message": MESSAGE,
    "function_call": FUNCTION_CALL,
    "function_call_output": FUNCTION_CALL_OUTPUT,
    "mcp_call": MCP_CALL,
    "mcp_approval_request": MCP_APPROVAL_REQUEST,
}
# One schema per type (a discriminated union), each also held to the required item fields.
ITEM = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"enum": sorted(ITEMS)}},
    "allOf": [EVERY_ITEM] + [
        {"if": {"properties": {"type": const(name)}, "required": ["type"]}, "then": schema}
        for name, schema in ITEMS.items()],
}

# --- the response object ---------------------------------------------------------------
USAGE = obj(["input_tokens", "output_tokens", "total_tokens", "input_tokens_details",
             "output_tokens_details"],
            input_tokens=INTEGER, output_tokens=INTEGER, total_tokens=INTEGER,
            input_tokens_details=obj(["cached_tokens"], cached_tokens=INTEGER),
            output_tokens_details=obj(["reasoning_tokens"], reasoning_tokens=INTEGER))
ERROR = obj(["code", "message"], code=STRING, message=STRING)
FUNCTION_TOOL = obj(["type", "name", "description", "parameters", "strict"],
                    type=const("function"), name=STRING, description=nullable(STRING),
                    parameters=nullable({"type": "object"}), strict=nullable(BOOLEAN))
# OpenAI's MCP tool, as the request gave it.
MCP_TOOL = obj(["type", "server_label"], type=const("mcp"), server_label=STRING)
TOOL = {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["function", "mcp"]}},
        "allOf": [{"if": {"properties": {"type": const("function")}}, "then": FUNCTION_TOOL},
                  {"if": {"properties": {"type": const("mcp")}}, "then": MCP_TOOL}]}
TOOL_CHOICE_VALUE = {"enum": ["none", "auto", "required"]}
FUNCTION_TOOL_CHOICE = obj(["type"], type=const("function"), name=STRING)
TOOL_CHOICE = {"oneOf": [
    FUNCTION_TOOL_CHOICE, TOOL_CHOICE_VALUE,
    obj(["type", "tools", "mode"], type=const("allowed_tools"),
        tools={"type": "array", "items": FUNCTION_TOOL_CHOICE}, mode=TOOL_CHOICE_VALUE)]}
TEXT_FORMAT = {"oneOf": [
    obj(["type"], type=const("text")),
    obj(["type"], type=const("json_object")),
    obj(["type", "name", "description", "schema", "strict"], type=const("json_schema"),
        name=STRING, description=nullable(STRING), schema={}, strict=BOOLEAN)]}
TEXT_FIELD = obj(["format"], format=TEXT_FORMAT, verbosity={"enum": ["low", "medium", "high"]})
REASONING = obj(["effort", "summary"],
                effort=nullable({"enum": ["none", "minimal", "low", "medium", "high", "xhigh"]}),
                summary=nullable({"enum": ["concise", "detailed", "auto"]}))

RESPONSE = obj(
    ["id", "object", "created_at", "completed_at", "status", "incomplete_details", "model",
     "previous_response_id", "instructions", "output", "error", "tools", "tool_choice",
     "truncation", "parallel_tool_calls", "text", "top_p", "presence_penalty",
     "frequency_penalty", "top_logprobs", "temperature", "reasoning", "user", "usage",
     "max_output_tokens", "max_tool_calls", "store", "background", "service_tier", "metadata",
     "safety_identifier", "prompt_cache_key"],
    id=STRING, object=const("response"), created_at=INTEGER, completed_at=nullable(INTEGER),
    status={"enum": ["queued", "in_progress", "completed", "failed", "cancelled", "incomplete"]},
    incomplete_details=nullable(obj(["reason"], reason=STRING)), model=STRING,
    previous_response_id=nullable(STRING), instructions=nullable({"anyOf": [STRING, {"type": "array"}]}),
    output={"type": "array", "items": ITEM}, error=nullable(ERROR),
    tools={"type": "array", "items": TOOL}, tool_choice=TOOL_CHOICE,
    truncation={"enum": ["auto", "disabled"]}, parallel_tool_calls=BOOLEAN, text=TEXT_FIELD,
    top_p=NUMBER, presence_penalty=NUMBER, frequency_penalty=NUMBER, top_logprobs=INTEGER,
    temperature=NUMBER, reasoning=nullable(REASONING), user=nullable(STRING),
    usage=nullable(USAGE), max_output_tokens=nullable(INTEGER), max_tool_calls=nullable(INTEGER),
    store=BOOLEAN, background=BOOLEAN, service_tier=STRING,
    metadata={"type": "object", "maxProperties": 16, "additionalProperties": STRING},
    safety_identifier=nullable(STRING), prompt_cache_key=nullable(STRING),
    conversation=nullable(obj(["id"], id=STRING)))

# --- streaming events ------------------------------------------------------------------
def event(name, required=(), **properties):
    return obj(["type", "sequence_number", *required], type=const(name),
               sequence_number=INTEGER, **properties)


def response_event(name):
    return event(name, ["response"], response=RESPONSE)


def item_event(name):
    return event(name, ["output_index", "item"], output_index=INTEGER, item=ITEM)


def part_event(name):
    return event(name, ["item_id", "output_index", "content_index", "part"], item_id=STRING,
                 output_index=INTEGER, content_index=INTEGER, part=CONTENT_PART)


def call_state_event(name):
    return event(name, ["item_id", "output_index"], item_id=STRING, output_index=INTEGER)


EVENTS = {
    **{name: response_event(name) for name in (
        "response.created", "response.queued", "response.in_progress", "response.completed",
        "response.failed", "response.incomplete")},
    "response.output_item.added": item_event("response.output_item.added"),
    "response.output_item.done": item_event("response.output_item.done"),
    "response.content_part.added": part_event("response.content_part.added"),
    "response.content_part.done": part_event("response.content_part.done"),
    "response.output_text.delta": event(
        "response.output_text.delta", ["item_id", "output_index", "content_index", "delta"],
        item_id=STRING, output_index=INTEGER, content_index=INTEGER, delta=STRING,
        logprobs={"type": "array", "items": LOGPROB}, obfuscation=STRING),
    "response.output_text.done": event(
        "response.output_text.done", ["item_id", "output_index", "content_index", "text"],
        item_id=STRING, output_index=INTEGER, content_index=INTEGER, text=STRING,
        logprobs={"type": "array", "items": LOGPROB}),
    "response.function_call_arguments.delta": event(
        "response.function_call_arguments.delta", ["item_id", "output_index", "delta"],
        item_id=STRING, output_index=INTEGER, delta=STRING, obfuscation=STRING),
    "response.function_call_arguments.done": event(
        "response.function_call_arguments.done", ["item_id", "output_index", "arguments"],
        item_id=STRING, output_index=INTEGER, arguments=STRING),
    # OpenAI's MCP events.
    "response.mcp_call_arguments.delta": event(
        "response.mcp_call_arguments.delta", ["item_id", "output_index", "delta"],
        item_id=STRING, output_index=INTEGER, delta=STRING),
    "response.mcp_call_arguments.done": event(
        "response.mcp_call_arguments.done", ["item_id", "output_index", "arguments"],
        item_id=STRING, output_index=INTEGER, arguments=STRING),
    "response.mcp_call.in_progress": call_state_event("response.mcp_call.in_progress"),
    "response.mcp_call.completed": call_state_event("response.mcp_call.completed"),
    "response.mcp_call.failed": call_state_event("response.mcp_call.failed"),
    "error": event("error", ["error"], error=obj(
        ["type", "code", "message", "param"], type=STRING, code=nullable(STRING),
        message=STRING, param=nullable(STRING))),
}
TERMINAL_EVENTS = ("response.completed", "response.failed", "response.incomplete")
DONE_MARKER = "[DONE]"

_RESPONSE_VALIDATOR = Draft202012Validator(RESPONSE)
_EVENT_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in EVENTS.items()}


def _messages(validator, value, what):
    out = []
    for error in validator.iter_errors(value):
        # Array indexes left out: the same finding in every item is one finding.
        pointer = "".join("/*" if isinstance(part, int) else f"/{part}"
                          for part in error.absolute_path) or "/"
        out.append(f"{what} at {pointer}: {error.message}")
    return sorted(set(out))


def response_errors(value, what="response"):
    """What is wrong with a response object, by the schema (empty when it is valid)."""
    return _messages(_RESPONSE_VALIDATOR, value, what)


def event_errors(value, what=None):
    """What is wrong with one streamed event's data."""
    if not isinstance(value, dict):
        return [f"{what or 'event'}: not an object: {value!r}"]
    name = value.get("type")
    what = what or f"event {name}"
    if name not in _EVENT_VALIDATORS:
        return [f"{what}: no such event type in the specification: {name!r}"]
    return _messages(_EVENT_VALIDATORS[name], value, what)

// The console's Server-Sent Events parser (web/console/src/sse.ts), as the HTML standard reads
// an event stream, whatever pieces the network delivers it in.
import assert from "node:assert/strict";
import path from "node:path";
import test from "node:test";
import { pathToFileURL } from "node:url";

const { SseParser, readServerEvents } = await import(pathToFileURL(path.join(process.env.CONSOLE_MODULES, "sse.js")).href);

const STREAM = 'id: 1\nevent: run.started\ndata: {"a":1}\n\n: heartbeat\n\nid: 2\nevent: message.delta\ndata: {"content":"hi"}\n\n';
const EVENTS = [
  { id: 1, event: "run.started", data: '{"a":1}' },
  { id: 2, event: "message.delta", data: '{"content":"hi"}' },
];

test("named events with ids; comment lines are skipped", () => {
  assert.deepEqual(new SseParser().push(STREAM), EVENTS);
});

test("the same events whatever the pieces, one character at a time included", () => {
  for (const size of [1, 2, 3, 7, 16]) {
    const parser = new SseParser();
    const events = [];
    for (let i = 0; i < STREAM.length; i += size) events.push(...parser.push(STREAM.slice(i, i + size)));
    assert.deepEqual(events, EVENTS, `pieces of ${size}`);
  }
});

test("CRLF and CR line ends, a CRLF split between two pieces included", () => {
  const crlf = STREAM.replaceAll("\n", "\r\n");
  assert.deepEqual(new SseParser().push(crlf), EVENTS);
  assert.deepEqual(new SseParser().push(STREAM.replaceAll("\n", "\r")), EVENTS);
  const parser = new SseParser();
  // Read wrongly, the LF alone would be a blank line, ending the event before its data.
  const cut = crlf.indexOf("event: run.started\r\n") + "event: run.started\r".length;
  assert.deepEqual([...parser.push(crlf.slice(0, cut)), ...parser.push(crlf.slice(cut))], EVENTS);
});

test("data lines join with newlines; an event without a name is a message; the id carries over", () => {
  const events = new SseParser().push("id: 7\ndata: one\ndata: two\n\ndata:three\n\n");
  assert.deepEqual(events, [
    { id: 7, event: "message", data: "one\ntwo" },
    { id: 7, event: "message", data: "three" },
  ]);
});

test("an unfinished event is held until its blank line; one without data is dropped", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("event: x\ndata: 1\n"), []);
  assert.deepEqual(parser.push("\n"), [{ id: null, event: "x", data: "1" }]);
  assert.deepEqual(parser.push("event: empty\n\n"), []);
  assert.deepEqual(parser.push("id: nope\ndata: 2\n\n"), [{ id: null, event: "message", data: "2" }]);
});

test("readServerEvents decodes a body's bytes, a character split across chunks included", async () => {
  const bytes = new TextEncoder().encode('data: {"content":"é"}\n\n');
  const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.slice(0, split));
      controller.enqueue(bytes.slice(split));
      controller.close();
    },
  });
  const events = [];
  for await (const event of readServerEvents(body)) events.push(event);
  assert.deepEqual(events, [{ id: null, event: "message", data: '{"content":"é"}' }]);
});

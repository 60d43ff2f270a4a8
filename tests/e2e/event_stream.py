"""Reads a Server-Sent Events response as it arrives, and can leave it half-way like a
client that goes away. Each event read is checked against the API document."""

import json
import socket


def read_event(lines):
    """Reads one event from an iterator of lines (without their line ends): {"id": int|None,
    "event": str, "raw": its data lines joined}, or None when the lines end first. Comment
    lines are heartbeats and are skipped."""
    event = {"id": None, "event": "message", "raw": None}
    data_lines = []
    seen_field = False
    for line in lines:
        if line == "":
            if seen_field:
                event["raw"] = "\n".join(data_lines) if data_lines else None
                return event
            continue
        if line.startswith(":"):
            continue  # heartbeat comment
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        seen_field = True
        if field == "id":
            event["id"] = int(value)
        elif field == "event":
            event["event"] = value
        elif field == "data":
            data_lines.append(value)
    return None


class EventStream:
    """One streaming request. `events()` / `next_event()` parse `id:` / `event:` / `data:`
    blocks (comment lines are heartbeats and are skipped); `data_lines()` yields the bare
    `data:` payloads of an OpenAI-style stream."""

    def __init__(self, server, method, path, body=None, token=None, headers=None, timeout=15):
        headers = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.conn = server.connection(timeout)
        self.conn.request(method, path, body=payload, headers=headers)
        self.sock = self.conn.sock  # kept: the response may take the connection over
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}
        try:
            # What the API document says of this response; each event read is checked too.
            self.expectation = server.expect(method, path, self.status, self.headers)
        except AssertionError:
            self.close()
            raise

    def body(self):
        """The whole remaining body, for a response that is not a stream (an error)."""
        data = self.response.read()
        self.close()
        self.expectation.body(data)
        return data

    def _lines(self):
        while True:
            line = self.response.readline()
            if not line:
                return
            yield line.decode().rstrip("\r\n")

    def next_event(self):
        """The next named event as {"id": int|None, "event": str, "data": parsed JSON,
        "raw": str|None}, or None at the end of the stream."""
        event = read_event(self._lines())
        if event is not None:
            self.expectation.event(event["event"], event["raw"])
            # A stream's closing marker (`data: [DONE]`) carries no JSON.
            done = event["raw"] is None or event["raw"] == "[DONE]"
            event["data"] = None if done else json.loads(event["raw"])
        return event

    def events(self):
        """Every remaining event, to the end of the stream."""
        out = []
        while (event := self.next_event()) is not None:
            out.append(event)
        self.close()
        return out

    def events_until(self, name):
        """Events up to and including the first one called `name`."""
        out = []
        while True:
            event = self.next_event()
            if event is None:
                raise AssertionError(f"the stream ended before a {name} event: {out}")
            out.append(event)
            if event["event"] == name:
                return out

    def data_lines(self):
        """The `data:` payloads of an OpenAI-style stream, as text, to its end."""
        out = [line[len("data: "):] for line in self._lines() if line.startswith("data: ")]
        self.close()
        for data in out:
            self.expectation.event("message", data)
        return out

    def next_data(self):
        for line in self._lines():
            if line.startswith("data: "):
                data = line[len("data: "):]
                self.expectation.event("message", data)
                return data
        return None

    def disconnect(self):
        """Goes away mid-stream, as a client whose process ended would."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close()

    def close(self):
        self.response.close()
        self.conn.close()
        self.sock.close()

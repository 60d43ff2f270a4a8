// Server-Sent Events read from a fetch() response body. EventSource cannot send an
// Authorization header, so the console parses the stream itself, as the HTML standard says:
// lines end with CR, LF or CRLF; "field: value"; a blank line dispatches; ":" starts a comment.

export interface ServerEvent {
  id: number | null;
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private id: number | null = null;
  private event = '';
  private data: string[] = [];
  private hasData = false;
  private skipLeadingLf = false;

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): ServerEvent[] {
    const events: ServerEvent[] = [];
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i += 1) {
      const char = this.buffer[i];
      if (char !== '\n' && char !== '\r') continue;
      if (char === '\n' && this.skipLeadingLf && i === start) {
        // The LF of a CRLF split across two pushes.
        this.skipLeadingLf = false;
        start = i + 1;
        continue;
      }
      this.skipLeadingLf = false;
      const line = this.buffer.slice(start, i);
      if (char === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i += 1;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): ServerEvent | null {
    if (line === '') {
      if (!this.hasData) {
        this.event = '';
        return null;
      }
      const event = { id: this.id, event: this.event || 'message', data: this.data.join('\n') };
      this.event = '';
      this.data = [];
      this.hasData = false;
      return event;
    }
    if (line.startsWith(':')) return null; // a heartbeat
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'id' && /^\d+$/.test(value)) this.id = Number(value);
    return null;
  }
}

/** Yields the events of a streamed response body until it ends. */
export async function* readServerEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    // Leaving early (a view closed) closes the connection too.
    reader.cancel().catch(() => undefined);
  }
}

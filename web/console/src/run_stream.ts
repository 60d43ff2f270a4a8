// Reading a run's events: from the answer to a sent message, or by following the conversation
// with GET /v1/conversations/{id}/events. Every event is also written to sessionStorage, so
// that a reload in the middle of a run shows what was already received and asks for the rest
// with Last-Event-ID. A stream that breaks off before the run ends is followed again from the
// last event received.

import type { Api } from './api';
import { readServerEvents, type ServerEvent } from './sse';

const RECONNECT_DELAY_MS = 1000;
const MAX_RECONNECTS = 5;

/** What a tab received of a conversation's current run. */
export interface RunLog {
  runId: string | null;
  events: ServerEvent[];
}

function logKey(conversationId: string): string {
  return `agentd.console.run.${conversationId}`;
}

export function readRunLog(conversationId: string): RunLog | null {
  try {
    const text = sessionStorage.getItem(logKey(conversationId));
    return text ? (JSON.parse(text) as RunLog) : null;
  } catch {
    return null;
  }
}

export function clearRunLog(conversationId: string): void {
  sessionStorage.removeItem(logKey(conversationId));
}

export interface RunStreamHandlers {
  event(event: ServerEvent): void;
  /** The stream ended: the run finished, paused, or could not be followed (`error` set). */
  end(error?: unknown): void;
}

export class RunStream {
  private readonly abort = new AbortController();
  private log: RunLog;

  constructor(
    private readonly api: Api,
    private readonly conversationId: string,
    private readonly handlers: RunStreamHandlers,
    log: RunLog | null = null,
  ) {
    this.log = log ?? { runId: null, events: [] };
  }

  get lastEventId(): number | null {
    return this.log.events.at(-1)?.id ?? null;
  }

  /** Sends a message and reads its run. The run goes on if this page goes away. */
  send(message: string): void {
    this.log = { runId: null, events: [] };
    this.save();
    void this.read(() =>
      this.api.stream('POST', `/v1/conversations/${encodeURIComponent(this.conversationId)}/messages`, {
        body: { message, stream: true, background: true },
        signal: this.abort.signal,
      }),
    );
  }

  /** Follows the conversation's run after the last event this log holds. */
  follow(): void {
    this.save();
    void this.read(() => this.openFollow());
  }

  /** Stops reading (the run itself goes on). */
  close(): void {
    this.abort.abort();
  }

  private openFollow(): Promise<Response> {
    const last = this.lastEventId;
    return this.api.stream('GET', `/v1/conversations/${encodeURIComponent(this.conversationId)}/events`, {
      headers: last === null ? {} : { 'Last-Event-ID': String(last) },
      signal: this.abort.signal,
    });
  }

  private async read(open: () => Promise<Response>): Promise<void> {
    let failures = 0;
    for (;;) {
      try {
        const response = await open();
        if (!response.body) throw new Error('the server sent no event stream');
        for await (const event of readServerEvents(response.body)) {
          failures = 0;
          this.record(event);
          this.handlers.event(event);
        }
        if (this.hasEnded()) break;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        // A refused request (4xx) will not work better the next time.
        if (isRefusal(error) || ++failures > MAX_RECONNECTS) {
          this.handlers.end(error);
          return;
        }
        await delay(RECONNECT_DELAY_MS);
      }
      if (this.abort.signal.aborted) return;
      open = () => this.openFollow();
    }
    clearRunLog(this.conversationId);
    this.handlers.end();
  }

  private record(event: ServerEvent): void {
    if (event.event === 'run.started') {
      try {
        this.log.runId = (JSON.parse(event.data) as { run: { id: string } }).run.id;
      } catch {
        // The event is still shown; only the log's run id stays unknown.
      }
    }
    this.log.events.push(event);
    this.save();
  }

  /** A stream ends after run.completed or error; ending otherwise means it broke off. */
  private hasEnded(): boolean {
    const last = this.log.events.at(-1)?.event;
    return last === 'run.completed' || last === 'error';
  }

  private save(): void {
    try {
      sessionStorage.setItem(logKey(this.conversationId), JSON.stringify(this.log));
    } catch {
      // Storage full or refused: a reload then replays the run from its start instead.
    }
  }
}

function isRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' && error.status < 500;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

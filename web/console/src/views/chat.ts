// One conversation: its whole history, the composer, and the run going on, streamed as it
// happens. A reload during a run shows what this tab had received and follows the rest.

import { ApiError, describeError, type Api } from '../api';
import { h, replace } from '../dom';
import type { PendingApprovals } from '../pending_approvals';
import { navigate } from '../router';
import { clearRunLog, readRunLog, RunStream } from '../run_stream';
import type { ServerEvent } from '../sse';
import type { Approval, ConversationDetail, ErrorBody, List, Message, Run, RunResult, ToolResult } from '../types';
import { Transcript } from './transcript';

const PAUSED_POLL_MS = 3000;

type Phase = 'loading' | 'idle' | 'running' | 'paused' | 'stopping';

export class ChatView {
  readonly element: HTMLElement;
  readonly title: string = 'Conversation';
  private readonly heading: HTMLHeadingElement;
  private readonly meta: HTMLElement;
  private readonly status: HTMLElement;
  private readonly transcript = new Transcript();
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly composerError: HTMLElement;
  private readonly deleteArea: HTMLElement;
  private stream: RunStream | null = null;
  private runId: string | null = null;
  private phase: Phase = 'loading';
  private pollTimer: number | undefined;
  private destroyed = false;

  constructor(
    private readonly api: Api,
    private readonly id: string,
    private readonly pending: PendingApprovals,
    private readonly changed: () => void,
  ) {
    this.heading = h('h1', { tabindex: -1 }, 'Conversation');
    this.meta = h('p', { class: 'meta' });
    this.status = h('p', { class: 'run-status', role: 'status' });
    this.deleteArea = h('div', { class: 'inline-confirm' });
    this.input = h('textarea', {
      id: 'message',
      name: 'message',
      rows: 2,
      placeholder: 'Ask something…',
      'aria-describedby': 'message-hint',
      onkeydown: (event) => this.keydown(event as KeyboardEvent),
    });
    this.sendButton = h('button', { type: 'submit', class: 'button primary' }, 'Send');
    this.stopButton = h('button', { type: 'button', class: 'button danger', hidden: true, onclick: () => void this.stop() }, 'Stop');
    this.composerError = h('p', { class: 'form-error', role: 'alert' });
    const composer = h(
      'form',
      { class: 'composer', onsubmit: (event) => this.submit(event) },
      h('label', { for: 'message', class: 'visually-hidden' }, 'Message'),
      this.input,
      h('div', { class: 'composer-actions' }, this.stopButton, this.sendButton),
      h('p', { id: 'message-hint', class: 'hint' }, 'Enter sends, Shift+Enter starts a new line.'),
      this.composerError,
    );
    this.element = h(
      'section',
      { class: 'chat', 'aria-labelledby': 'chat-title' },
      h(
        'header',
        { class: 'chat-header' },
        h('a', { class: 'back-link', href: '#/conversations' }, '← All conversations'),
        h('div', { class: 'chat-title' }, this.heading, this.meta),
        this.deleteArea,
      ),
      this.transcript.element,
      h('div', { class: 'chat-footer' }, this.status, composer),
    );
    this.heading.id = 'chat-title';
    this.showDeleteButton();
    this.setPhase('loading');
    void this.load();
  }

  destroy(): void {
    this.destroyed = true;
    this.stream?.close();
    window.clearTimeout(this.pollTimer);
  }

  private async load(): Promise<void> {
    this.stream?.close();
    this.stream = null;
    window.clearTimeout(this.pollTimer);
    let detail: ConversationDetail;
    let latest: Run | null = null;
    try {
      detail = await this.api.get<ConversationDetail>(`/v1/conversations/${encodeURIComponent(this.id)}`);
      if (detail.status !== 'idle') {
        latest = (await this.api.get<List<Run>>(`/v1/conversations/${encodeURIComponent(this.id)}/runs?limit=1`)).data[0] ?? null;
      }
    } catch (error) {
      if (this.destroyed) return;
      this.transcript.clear();
      this.transcript.notice(error instanceof ApiError && error.status === 404 ? 'This conversation does not exist (any more).' : describeError(error), 'error');
      this.setPhase('idle');
      this.input.disabled = true;
      this.sendButton.disabled = true;
      return;
    }
    if (this.destroyed) return;
    replace(this.heading, detail.title || 'New conversation');
    replace(this.meta, `Model ${detail.model}`);
    document.title = `${detail.title || 'Conversation'} · agentd console`;
    this.transcript.clear();
    this.runId = latest?.id ?? null;

    if (detail.status === 'running') {
      // What this run produced comes again from its events: the history up to the message
      // that started it, then the events this tab kept, then the rest from the server.
      const log = readRunLog(this.id);
      const kept = log && log.runId !== null && log.runId === latest?.id ? log : null;
      this.transcript.showHistory(upToLastUserMessage(detail.messages), false);
      this.stream = new RunStream(this.api, this.id, this.streamHandlers(), kept);
      for (const event of kept?.events ?? []) this.apply(event);
      this.transcript.scrollToEnd();
      this.setPhase('running');
      this.stream.follow();
    } else {
      clearRunLog(this.id);
      const edited = await this.editedArguments(detail.messages);
      if (this.destroyed) return;
      this.transcript.showHistory(detail.messages, detail.status === 'awaiting_approval', edited);
      if (this.transcript.isEmpty) this.transcript.showEmptyHint('No messages yet. Write the first one below.');
      this.transcript.scrollToEnd();
      this.setPhase(detail.status === 'awaiting_approval' ? 'paused' : 'idle');
    }
  }

  /** The arguments approvers ran this conversation's calls with, where they edited them. */
  private async editedArguments(messages: Message[]): Promise<Map<string, string>> {
    const edited = new Map<string, string>();
    if (!messages.some((message) => message.role === 'tool')) return edited;
    try {
      const approved = await this.api.get<List<Approval>>('/v1/approvals?status=approved&limit=100');
      for (const approval of approved.data) {
        if (approval.conversation_id === this.id && approval.edited_arguments !== undefined) {
          edited.set(approval.tool_call_id, approval.edited_arguments);
        }
      }
    } catch {
      // The model's arguments are shown instead.
    }
    return edited;
  }

  private streamHandlers() {
    return {
      event: (event: ServerEvent) => this.apply(event),
      end: (error?: unknown) => {
        if (error) this.transcript.notice(`Lost the run's events: ${describeError(error)}`, 'error');
        if (this.phase === 'running' || this.phase === 'stopping') this.setPhase('idle');
        this.changed();
      },
    };
  }

  private apply(event: ServerEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    switch (event.event) {
      case 'run.started':
        this.runId = (data as { run: Run }).run.id;
        this.setPhase('running');
        break;
      case 'message.delta':
        this.transcript.appendDelta((data as { content: string }).content);
        break;
      case 'tool_call.started': {
        const call = data as { tool_call_id: string; name: string; arguments: unknown };
        const text = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
        this.transcript.startTool(call.tool_call_id, call.name, text);
        break;
      }
      case 'tool_call.completed':
        this.transcript.completeTool(data as ToolResult);
        break;
      case 'approval.required':
        this.transcript.awaitApproval((data as { approvals: Approval[] }).approvals);
        void this.pending.refresh();
        break;
      case 'run.completed': {
        const result = data as RunResult;
        this.transcript.endRun(result);
        this.setPhase(result.run.status === 'awaiting_approval' ? 'paused' : 'idle');
        void this.pending.refresh();
        break;
      }
      case 'error':
        this.transcript.notice((data as ErrorBody).error?.message ?? 'The run ended with an error.', 'error');
        break;
    }
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    const busy = phase === 'running' || phase === 'stopping' || phase === 'loading';
    this.input.disabled = phase === 'paused' || phase === 'loading';
    this.sendButton.disabled = busy || phase === 'paused';
    this.stopButton.hidden = !(phase === 'running' || phase === 'stopping' || phase === 'paused');
    this.stopButton.disabled = phase === 'stopping';
    replace(this.stopButton, phase === 'paused' ? 'Cancel run' : phase === 'stopping' ? 'Stopping…' : 'Stop');
    const text: Record<Phase, string | Node[]> = {
      loading: 'Loading…',
      idle: '',
      running: 'Running…',
      stopping: 'Stopping…',
      paused: [document.createTextNode('Waiting for approval. '), h('a', { href: '#/approvals' }, 'Open Approvals')],
    };
    replace(this.status, text[phase]);
    this.status.dataset.phase = phase;
    window.clearTimeout(this.pollTimer);
    // A decision may come from the inbox or another tab: look for the run going on again.
    if (phase === 'paused') this.pollTimer = window.setTimeout(() => void this.checkResumed(), PAUSED_POLL_MS);
  }

  private async checkResumed(): Promise<void> {
    try {
      const detail = await this.api.get<ConversationDetail>(`/v1/conversations/${encodeURIComponent(this.id)}`);
      if (this.destroyed || this.phase !== 'paused') return;
      if (detail.status !== 'awaiting_approval') {
        await this.load();
        return;
      }
    } catch {
      // Tried again below.
    }
    if (!this.destroyed && this.phase === 'paused') this.pollTimer = window.setTimeout(() => void this.checkResumed(), PAUSED_POLL_MS);
  }

  private keydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.input.form?.requestSubmit();
    }
  }

  private submit(event: Event): void {
    event.preventDefault();
    const message = this.input.value.trim();
    replace(this.composerError);
    if (!message || this.phase !== 'idle') return;
    this.input.value = '';
    this.transcript.addUser(message);
    this.setPhase('running');
    this.stream?.close();
    this.stream = new RunStream(this.api, this.id, {
      event: (item) => this.apply(item),
      end: (error) => {
        if (error) {
          this.transcript.notice(describeError(error), 'error');
          if (error instanceof ApiError && error.code === 'run_in_progress') void this.load();
        }
        if (this.phase === 'running' || this.phase === 'stopping') this.setPhase('idle');
        this.changed();
      },
    });
    this.stream.send(message);
    this.changed();
  }

  private async stop(): Promise<void> {
    if (!this.runId) return;
    const wasPaused = this.phase === 'paused';
    this.setPhase('stopping');
    try {
      await this.api.post<Run>(`/v1/runs/${encodeURIComponent(this.runId)}/cancel`);
      // A running run's stream ends with its run.completed; a paused one has no stream.
      if (wasPaused) await this.load();
      void this.pending.refresh();
    } catch (error) {
      this.composerError.textContent = describeError(error);
      await this.load();
    }
  }

  private showDeleteButton(): void {
    replace(this.deleteArea, h('button', { type: 'button', class: 'button subtle', onclick: () => this.confirmDelete() }, 'Delete'));
  }

  private confirmDelete(): void {
    const yes = h('button', { type: 'button', class: 'button danger', onclick: () => void this.remove() }, 'Delete');
    replace(
      this.deleteArea,
      h('span', { id: 'delete-question' }, 'Delete this conversation?'),
      yes,
      h('button', { type: 'button', class: 'button subtle', onclick: () => this.showDeleteButton() }, 'Keep'),
    );
    yes.focus();
  }

  private async remove(): Promise<void> {
    try {
      await this.api.delete(`/v1/conversations/${encodeURIComponent(this.id)}`);
      clearRunLog(this.id);
      this.changed();
      navigate({ name: 'conversations', id: null });
    } catch (error) {
      replace(this.deleteArea, h('span', { class: 'form-error', role: 'alert' }, describeError(error)));
    }
  }
}

/** The stored messages before the current run's: up to and including its user message. */
function upToLastUserMessage(messages: Message[]): Message[] {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i].role === 'user') return messages.slice(0, i + 1);
  }
  return messages;
}

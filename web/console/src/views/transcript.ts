// A conversation as it reads: the person's messages, the assistant's answers, and each tool
// call as a step (folded: its name and outcome; open: its arguments and result). Built from
// stored messages and then from a run's events as they arrive.

import { h, replace } from '../dom';
import { formatDuration, formatTime, prettyJson, prettyJsonText } from '../format';
import type { Approval, Message, RunResult, ToolResult } from '../types';

type StepState = 'running' | 'ok' | 'error' | 'waiting' | 'unanswered';

class ToolStep {
  readonly element: HTMLDetailsElement;
  private readonly status: HTMLElement;
  private readonly argumentsHeading: HTMLElement;
  private readonly argumentsBlock: HTMLElement;
  private readonly askedFor: HTMLElement;
  private readonly outcome: HTMLElement;
  private readonly note: HTMLElement;

  constructor(name: string, argumentsText: string) {
    this.status = h('span', { class: 'step-status' });
    this.argumentsHeading = h('h3', null, 'Arguments');
    this.argumentsBlock = h('pre', { class: 'code' });
    this.askedFor = h('div');
    this.outcome = h('div');
    this.note = h('div');
    this.element = h(
      'details',
      { class: 'step' },
      h('summary', null, h('span', { class: 'step-icon', 'aria-hidden': 'true' }), h('span', { class: 'step-label' }, 'Tool ', h('strong', null, name)), this.status),
      h('div', { class: 'step-body' }, this.argumentsHeading, this.argumentsBlock, this.askedFor, this.outcome, this.note),
    );
    this.setArguments(argumentsText);
  }

  setArguments(text: string, askedFor?: string): void {
    replace(this.argumentsHeading, askedFor === undefined ? 'Arguments' : 'Arguments, as edited by the approver');
    replace(this.argumentsBlock, prettyJsonText(text));
    replace(this.askedFor, askedFor !== undefined && [h('h3', null, 'The model asked for'), h('pre', { class: 'code' }, prettyJsonText(askedFor))]);
  }

  set(state: StepState, detail: string): void {
    this.element.dataset.state = state;
    replace(this.status, detail);
    replace(
      this.note,
      state === 'waiting' &&
        h('p', { class: 'step-note' }, 'This call needs a person\'s approval: ', h('a', { href: '#/approvals' }, 'review it in Approvals'), '.'),
    );
  }

  showResult(result: ToolResult): void {
    if (result.status === 'ok') {
      this.set('ok', `done in ${formatDuration(result.duration_ms)}`);
      replace(this.outcome, h('h3', null, 'Result'), h('pre', { class: 'code' }, prettyJson(result.result)));
    } else {
      this.set('error', `failed after ${formatDuration(result.duration_ms)}`);
      replace(this.outcome, h('h3', null, 'Error'), h('pre', { class: 'code error-text' }, result.error ? `${result.error.code}: ${result.error.message}` : 'unknown error'));
    }
  }

  /** A stored tool message: its content is the result, or {"error","code"} when it failed. */
  showStoredResult(content: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      parsed = undefined;
    }
    const failed = typeof parsed === 'object' && parsed !== null && 'error' in parsed && Object.keys(parsed).every((key) => key === 'error' || key === 'code');
    this.set(failed ? 'error' : 'ok', failed ? 'failed' : 'done');
    replace(this.outcome, h('h3', null, failed ? 'Error' : 'Result'), h('pre', { class: failed ? 'code error-text' : 'code' }, prettyJsonText(content)));
  }
}

export class Transcript {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly steps = new Map<string, ToolStep>();
  private answer: HTMLElement | null = null;
  private emptyHint: HTMLElement | null = null;

  constructor() {
    this.list = h('ol', { class: 'transcript' });
    this.element = h('section', { class: 'transcript-wrap', 'aria-label': 'Messages' }, this.list);
  }

  get isEmpty(): boolean {
    return this.list.childElementCount === 0;
  }

  clear(): void {
    this.emptyHint = null;
    replace(this.list);
    this.steps.clear();
    this.answer = null;
  }

  /**
   * Stored messages; calls without an answer yet are shown as waiting when `paused`. `edited`
   * holds the arguments an approver ran calls with instead of the model's, by call id.
   */
  showHistory(messages: Message[], paused: boolean, edited: Map<string, string> = new Map()): void {
    for (const message of messages) {
      if (message.role === 'user') this.addUser(message.content, message.created_at);
      else if (message.role === 'assistant') {
        if (message.content) this.addAnswer(message.content);
        for (const call of message.tool_calls ?? []) {
          const step = this.step(call.id, call.function.name, call.function.arguments);
          const edit = edited.get(call.id);
          if (edit !== undefined) step.setArguments(edit, call.function.arguments);
          step.set('unanswered', 'no result');
        }
      } else if (message.role === 'tool' && message.tool_call_id) {
        this.step(message.tool_call_id, message.name ?? 'tool', '{}').showStoredResult(message.content);
      }
      this.answer = null;
    }
    if (paused) {
      for (const step of this.steps.values()) {
        if (step.element.dataset.state === 'unanswered') step.set('waiting', 'waiting for approval');
      }
    }
  }

  /** Shown until the first message. */
  showEmptyHint(text: string): void {
    this.emptyHint = h('li', { class: 'turn notice info' }, text);
    this.list.append(this.emptyHint);
  }

  addUser(text: string, at?: string): void {
    this.emptyHint?.remove();
    this.emptyHint = null;
    this.answer = null;
    this.follow(() =>
      this.list.append(
        h(
          'li',
          { class: 'turn user' },
        h('h2', { class: 'visually-hidden' }, 'You said'),
          h('div', { class: 'bubble' }, text),
          at && h('time', { datetime: at }, formatTime(at)),
        ),
      ),
    );
  }

  appendDelta(text: string): void {
    this.follow(() => {
      if (!this.answer) this.answer = this.addAnswer('');
      this.answer.append(text);
    });
  }

  startTool(id: string, name: string, argumentsText: string): void {
    this.answer = null;
    const step = this.step(id, name, argumentsText);
    step.setArguments(argumentsText);
    step.set('running', 'running…');
  }

  completeTool(result: ToolResult): void {
    this.answer = null;
    this.step(result.tool_call_id, result.name, '{}').showResult(result);
  }

  awaitApproval(approvals: Approval[]): void {
    this.answer = null;
    for (const approval of approvals) {
      const step = this.step(approval.tool_call_id, approval.tool, approval.arguments);
      step.set('waiting', 'waiting for approval');
    }
  }

  endRun(result: RunResult): void {
    this.answer = null;
    const { run } = result;
    if (run.status === 'failed') this.notice(`The run failed: ${run.error ?? 'no reason given'}`, 'error');
    else if (run.status === 'cancelled') this.notice('The run was stopped.', 'info');
  }

  notice(text: string, kind: 'info' | 'error'): void {
    this.answer = null;
    this.follow(() => this.list.append(h('li', { class: `turn notice ${kind}` }, text)));
  }

  scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }

  /** Keeps the newest turn in sight while the reader is at the bottom, not once they scrolled up. */
  private follow(change: () => void): void {
    const wrap = this.element;
    const atBottom = wrap.scrollHeight - wrap.scrollTop - wrap.clientHeight < 48;
    change();
    if (atBottom) wrap.scrollTop = wrap.scrollHeight;
  }

  private addAnswer(text: string): HTMLElement {
    const bubble = h('div', { class: 'bubble' }, text);
    this.list.append(h('li', { class: 'turn assistant' }, h('h2', { class: 'visually-hidden' }, 'Assistant'), bubble));
    return bubble;
  }

  private step(id: string, name: string, argumentsText: string): ToolStep {
    let step = this.steps.get(id);
    if (!step) {
      const created = new ToolStep(name, argumentsText);
      this.steps.set(id, created);
      this.follow(() => this.list.append(h('li', { class: 'turn tool' }, created.element)));
      step = created;
    }
    return step;
  }
}

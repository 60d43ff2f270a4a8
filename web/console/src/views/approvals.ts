// The approvals inbox: tool calls waiting for this person's decision, across conversations,
// grouped by run (a run's calls are decided together). Each call's arguments can be edited
// (checked against the tool's schema before they are sent), approved or rejected with a reason.

import { describeError, type Api } from '../api';
import { h, replace, uid } from '../dom';
import { formatAge, formatTime, prettyJsonText } from '../format';
import type { PendingApprovals } from '../pending_approvals';
import { hrefOf } from '../router';
import { checkAgainstSchema } from '../schema';
import type { Approval, Conversation, JsonSchema, List, Run, RunResult, Tool } from '../types';
import type { View } from './view';

interface Decision {
  tool_call_id: string;
  approved: boolean;
  reason?: string;
  arguments?: unknown;
}

/** One pending call's controls; `decision()` returns null (and shows why) when it cannot be sent. */
class CallEditor {
  readonly element: HTMLElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly problems: HTMLElement;
  private readonly reasonField: HTMLElement;
  private readonly reason: HTMLInputElement;
  private readonly approve: HTMLInputElement;
  private readonly original: string;

  constructor(
    private readonly approval: Approval,
    private readonly schema: JsonSchema | undefined,
    onChange: () => void,
  ) {
    const id = uid('call');
    this.original = prettyJsonText(approval.arguments);
    this.textarea = h('textarea', {
      id: `${id}-args`,
      class: 'code',
      rows: Math.min(12, this.original.split('\n').length + 1),
      spellcheck: 'false',
      'aria-describedby': `${id}-problems`,
      value: this.original,
      oninput: () => {
        this.check();
        onChange();
      },
    });
    this.problems = h('ul', { id: `${id}-problems`, class: 'problems', 'aria-live': 'polite' });
    this.approve = h('input', { type: 'radio', name: `${id}-decision`, id: `${id}-approve`, value: 'approve', checked: true });
    const reject = h('input', { type: 'radio', name: `${id}-decision`, id: `${id}-reject`, value: 'reject' });
    this.reason = h('input', { id: `${id}-reason`, type: 'text', maxlength: 1000 });
    this.reasonField = h('div', { class: 'field', hidden: true }, h('label', { for: `${id}-reason` }, 'Reason for rejecting'), this.reason);
    for (const radio of [this.approve, reject]) {
      radio.addEventListener('change', () => {
        this.reasonField.hidden = this.approve.checked;
        this.textarea.disabled = !this.approve.checked;
        onChange();
      });
    }
    this.element = h(
      'div',
      { class: 'call', 'data-tool': approval.tool },
      h('h3', null, 'Tool ', h('strong', null, approval.tool)),
      h('p', { class: 'meta' }, 'Asked ', h('time', { datetime: approval.created_at, title: formatTime(approval.created_at) }, formatAge(approval.created_at)), ` · expires ${formatTime(approval.expires_at)}`),
      h('div', { class: 'field' }, h('label', { for: `${id}-args` }, 'Arguments (JSON)'), this.textarea, this.problems),
      h(
        'fieldset',
        { class: 'decision' },
        h('legend', null, 'Decision'),
        h('label', { for: `${id}-approve`, class: 'choice' }, this.approve, ' Approve'),
        h('label', { for: `${id}-reject`, class: 'choice' }, reject, ' Reject'),
      ),
      this.reasonField,
    );
  }

  get approves(): boolean {
    return this.approve.checked;
  }

  get isEdited(): boolean {
    return this.textarea.value.trim() !== this.original.trim();
  }

  /** Problems with the edited arguments, shown under them; true when there are none. */
  check(): boolean {
    if (!this.approves) {
      replace(this.problems);
      this.textarea.removeAttribute('aria-invalid');
      return true;
    }
    let problems: string[];
    try {
      const value: unknown = JSON.parse(this.textarea.value);
      problems = this.schema ? checkAgainstSchema(value, this.schema) : [];
    } catch (error) {
      problems = [`Not valid JSON: ${describeError(error)}`];
    }
    replace(this.problems, problems.map((problem) => h('li', null, problem)));
    if (problems.length > 0) this.textarea.setAttribute('aria-invalid', 'true');
    else this.textarea.removeAttribute('aria-invalid');
    return problems.length === 0;
  }

  decision(): Decision | null {
    if (!this.approves) {
      const reason = this.reason.value.trim();
      return { tool_call_id: this.approval.tool_call_id, approved: false, ...(reason ? { reason } : {}) };
    }
    if (!this.check()) {
      this.textarea.focus();
      return null;
    }
    return {
      tool_call_id: this.approval.tool_call_id,
      approved: true,
      ...(this.isEdited ? { arguments: JSON.parse(this.textarea.value) as unknown } : {}),
    };
  }
}

export class ApprovalsView implements View {
  readonly element: HTMLElement;
  readonly title = 'Approvals';
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private destroyed = false;

  constructor(
    private readonly api: Api,
    private readonly pending: PendingApprovals,
  ) {
    this.list = h('div', { class: 'approval-list' });
    this.status = h('p', { class: 'run-status', role: 'status' }, 'Loading…');
    this.element = h(
      'section',
      { class: 'page approvals', 'aria-labelledby': 'approvals-title' },
      h(
        'div',
        { class: 'page-header' },
        h('h1', { id: 'approvals-title', tabindex: -1 }, 'Approvals'),
        h('button', { type: 'button', class: 'button subtle', onclick: () => void this.load() }, 'Refresh'),
      ),
      h('p', { class: 'lead' }, 'Tool calls waiting for your decision. The run goes on once every call of it is decided.'),
      this.status,
      this.list,
    );
    void this.load();
  }

  destroy(): void {
    this.destroyed = true;
  }

  private async load(): Promise<void> {
    replace(this.status, 'Loading…');
    try {
      const [approvals, tools] = await Promise.all([this.allPending(), this.api.get<List<Tool>>('/v1/tools')]);
      const [titles, models] = await Promise.all([this.titlesOf(approvals), this.modelsOf(approvals)]);
      if (this.destroyed) return;
      const schemas = new Map(tools.data.map((tool) => [tool.function.name, tool.function.parameters]));
      const runs = new Map<string, Approval[]>();
      for (const approval of approvals) runs.set(approval.run_id, [...(runs.get(approval.run_id) ?? []), approval]);
      replace(this.list, [...runs.values()].map((calls) => this.runCard(calls, schemas, titles.get(calls[0].conversation_id), models.get(calls[0].run_id))));
      replace(this.status, approvals.length === 0 ? 'Nothing waits for a decision.' : `${approvals.length} call${approvals.length === 1 ? '' : 's'} waiting.`);
      void this.pending.refresh();
    } catch (error) {
      replace(this.status, h('span', { class: 'form-error' }, describeError(error)));
    }
  }

  private async allPending(): Promise<Approval[]> {
    const all: Approval[] = [];
    let after: string | null = null;
    for (;;) {
      const query: string = `/v1/approvals?status=pending&limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const page: List<Approval> = await this.api.get<List<Approval>>(query);
      all.push(...page.data);
      if (!page.has_more || page.data.length === 0) return all;
      after = page.data[page.data.length - 1].id;
    }
  }

  private async titlesOf(approvals: Approval[]): Promise<Map<string, string>> {
    const ids = [...new Set(approvals.map((approval) => approval.conversation_id))];
    const titles = new Map<string, string>();
    await Promise.all(
      ids.map(async (id) => {
        try {
          const conversation = await this.api.get<Conversation>(`/v1/conversations/${encodeURIComponent(id)}`);
          titles.set(id, conversation.title || 'New conversation');
        } catch {
          // Shown without its title.
        }
      }),
    );
    return titles;
  }

  /** Which model asked for each run's calls. */
  private async modelsOf(approvals: Approval[]): Promise<Map<string, string>> {
    const models = new Map<string, string>();
    await Promise.all(
      [...new Set(approvals.map((approval) => approval.run_id))].map(async (id) => {
        try {
          models.set(id, (await this.api.get<Run>(`/v1/runs/${encodeURIComponent(id)}`)).model);
        } catch {
          // Shown without it.
        }
      }),
    );
    return models;
  }

  private runCard(calls: Approval[], schemas: Map<string, JsonSchema>, title: string | undefined, model: string | undefined): HTMLElement {
    const conversationId = calls[0].conversation_id;
    const headingId = uid('run');
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'Approve');
    const error = h('p', { class: 'form-error', role: 'alert' });
    const editors = calls.map((call) => new CallEditor(call, schemas.get(call.tool), () => label()));
    const label = (): void => {
      const approving = editors.filter((editor) => editor.approves);
      const edited = approving.some((editor) => editor.isEdited);
      let text = 'Send decisions';
      if (approving.length === editors.length) text = edited ? 'Approve with edits' : 'Approve';
      else if (approving.length === 0) text = 'Reject';
      replace(submit, text);
    };
    const form: HTMLFormElement = h(
      'form',
      {
        class: 'card approval',
        'aria-labelledby': headingId,
        onsubmit: (event) => {
          event.preventDefault();
          const decisions = editors.map((editor) => editor.decision());
          if (decisions.some((decision) => decision === null)) return;
          submit.disabled = true;
          replace(error);
          replace(submit, 'Sending…');
          this.api
            .post<RunResult>(`/v1/conversations/${encodeURIComponent(conversationId)}/approve`, { decisions, background: true })
            .then(
              (result) => {
                const conversationLink = h('a', { href: hrefOf({ name: 'conversations', id: conversationId }) }, 'Open the conversation');
                replace(form, h('h2', { id: headingId }, title ?? 'Conversation'), h('p', { class: 'done', role: 'status' }, `Decision sent; the run is ${result.run.status.replace('_', ' ')}. `, conversationLink));
                void this.pending.refresh();
              },
              (failure: unknown) => {
                submit.disabled = false;
                label();
                replace(error, describeError(failure));
              },
            );
        },
      },
      h('h2', { id: headingId }, h('a', { href: hrefOf({ name: 'conversations', id: conversationId }) }, title ?? 'Conversation')),
      h('p', { class: 'meta' }, `Asked by ${model ? `the model ${model}` : 'the model'} during a run · ${calls.length} call${calls.length === 1 ? '' : 's'}`),
      editors.map((editor) => editor.element),
      error,
      h('div', { class: 'actions' }, submit),
    );
    return form;
  }
}

// API keys: the person's keys (never their secrets), a form to create one with its limits,
// the new key's secret shown this once with a copy button, and revoking.

import { describeError, type Api } from '../api';
import { h, replace, uid } from '../dom';
import { formatAge, formatTime } from '../format';
import type { ApiKey, CreatedApiKey, List, Model, Tool } from '../types';
import type { View } from './view';

/** A list of names to pick from, or "every one" (null). */
class Picker {
  readonly element: HTMLFieldSetElement;
  private readonly all: HTMLInputElement | null;
  private readonly boxes: HTMLInputElement[];
  private readonly options: HTMLElement;

  constructor(legend: string, names: string[], allowAll: boolean, hint: string) {
    const id = uid('pick');
    this.boxes = names.map((name, index) => h('input', { type: 'checkbox', id: `${id}-${index}`, value: name }));
    this.options = h(
      'div',
      { class: 'checks' },
      names.length === 0 && h('p', { class: 'hint' }, 'None available.'),
      this.boxes.map((box, index) => h('label', { for: box.id, class: 'choice' }, box, ` ${names[index]}`)),
    );
    this.all = allowAll ? h('input', { type: 'checkbox', id: `${id}-all`, checked: true }) : null;
    if (this.all) {
      const all = this.all;
      all.addEventListener('change', () => this.syncAll());
    }
    this.element = h(
      'fieldset',
      { class: 'picker' },
      h('legend', null, legend),
      h('p', { class: 'hint' }, hint),
      this.all && h('label', { for: this.all.id, class: 'choice' }, this.all, ' Every one'),
      this.options,
    );
    this.syncAll();
  }

  /** null: every one; otherwise the names ticked. */
  get value(): string[] | null {
    if (this.all?.checked) return null;
    return this.boxes.filter((box) => box.checked).map((box) => box.value);
  }

  private syncAll(): void {
    const every = this.all?.checked ?? false;
    this.options.hidden = every;
  }
}

export class KeysView implements View {
  readonly element: HTMLElement;
  readonly title = 'API keys';
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private readonly formArea: HTMLElement;
  private readonly secretArea: HTMLElement;
  private destroyed = false;

  constructor(private readonly api: Api) {
    this.list = h('div', { class: 'key-list' });
    this.status = h('p', { class: 'run-status', role: 'status' }, 'Loading…');
    this.formArea = h('div');
    this.secretArea = h('div');
    this.element = h(
      'section',
      { class: 'page keys', 'aria-labelledby': 'keys-title' },
      h('div', { class: 'page-header' }, h('h1', { id: 'keys-title', tabindex: -1 }, 'API keys')),
      h('p', { class: 'lead' }, 'Keys let programs call the API as you, limited to the tools and models you choose.'),
      this.secretArea,
      this.formArea,
      h('h2', null, 'Your keys'),
      this.status,
      this.list,
    );
    void this.buildForm();
    void this.loadKeys();
  }

  destroy(): void {
    this.destroyed = true;
  }

  private async loadKeys(): Promise<void> {
    try {
      const keys = await this.api.get<List<ApiKey>>('/v1/auth/tokens?limit=100');
      if (this.destroyed) return;
      const live = keys.data.filter((key) => !key.revoked_at);
      replace(this.status, live.length === 0 ? 'No keys yet.' : '');
      replace(this.list, live.map((key) => this.keyCard(key)));
    } catch (error) {
      replace(this.status, h('span', { class: 'form-error' }, describeError(error)));
    }
  }

  private keyCard(key: ApiKey): HTMLElement {
    const actions = h('div', { class: 'actions' });
    const describe = (names: string[] | null, every: string): string => (names === null ? every : names.includes('*') ? every : names.length === 0 ? 'none' : names.join(', '));
    const showRevoke = (): void => {
      replace(actions, h('button', { type: 'button', class: 'button subtle', 'aria-label': `Revoke ${key.name}`, onclick: () => confirm() }, 'Revoke'));
    };
    const confirm = (): void => {
      const yes = h('button', { type: 'button', class: 'button danger', onclick: () => void revoke() }, 'Revoke');
      replace(actions, h('span', null, `Revoke ${key.name}? Programs using it stop working.`), yes, h('button', { type: 'button', class: 'button subtle', onclick: showRevoke }, 'Keep'));
      yes.focus();
    };
    const revoke = async (): Promise<void> => {
      try {
        await this.api.delete(`/v1/auth/tokens/${encodeURIComponent(key.id)}`);
        await this.loadKeys();
      } catch (error) {
        replace(actions, h('span', { class: 'form-error', role: 'alert' }, describeError(error)));
      }
    };
    showRevoke();
    return h(
      'article',
      { class: 'card key', 'aria-label': `Key ${key.name}` },
      h('h3', null, key.name, ' ', h('code', null, `${key.prefix}…`)),
      h(
        'dl',
        null,
        h('dt', null, 'Tools'),
        h('dd', null, describe(key.allowed_tools, 'all')),
        h('dt', null, 'Models'),
        h('dd', null, describe(key.allowed_models, 'all')),
        key.approval_required_tools.length > 0 && [h('dt', null, 'Need approval'), h('dd', null, key.approval_required_tools.join(', '))],
        h('dt', null, 'Can approve'),
        h('dd', null, key.can_approve ? 'yes' : 'no'),
        h('dt', null, 'Rate limit'),
        h('dd', null, key.rate_limit_per_minute ? `${key.rate_limit_per_minute} / min` : 'server default'),
        h('dt', null, 'Expires'),
        h('dd', null, key.expires_at ? formatTime(key.expires_at) : 'never'),
        h('dt', null, 'Last used'),
        h('dd', null, key.last_used_at ? formatAge(key.last_used_at) : 'never'),
      ),
      actions,
    );
  }

  private async buildForm(): Promise<void> {
    let tools: string[] = [];
    let models: string[] = [];
    try {
      const [toolList, modelList] = await Promise.all([this.api.get<List<Tool>>('/v1/tools'), this.api.get<List<Model>>('/v1/models')]);
      tools = toolList.data.map((tool) => tool.function.name);
      models = modelList.data.map((model) => model.id);
    } catch (error) {
      replace(this.formArea, h('p', { class: 'form-error' }, describeError(error)));
      return;
    }
    if (this.destroyed) return;
    const name = h('input', { id: 'key-name', type: 'text', required: true, maxlength: 200 });
    const allowedTools = new Picker('Allowed tools', tools, true, 'The tools this key may run.');
    const allowedModels = new Picker('Allowed models', models, true, 'The models this key may call.');
    const approvalTools = new Picker('Tools that need approval', tools, false, "This key's calls to these wait for your decision.");
    const canApprove = h('input', { id: 'key-can-approve', type: 'checkbox' });
    const expires = h('input', { id: 'key-expires', type: 'date', 'aria-describedby': 'key-expires-hint' });
    const rate = h('input', { id: 'key-rate', type: 'number', min: 1, max: 1000000, inputmode: 'numeric', 'aria-describedby': 'key-rate-hint' });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create key');
    const form = h(
      'form',
      { class: 'card key-form', 'aria-labelledby': 'new-key-title', novalidate: true },
      h('h2', { id: 'new-key-title' }, 'New key'),
      h('div', { class: 'field' }, h('label', { for: 'key-name' }, 'Name'), name),
      h('div', { class: 'pickers' }, allowedTools.element, allowedModels.element, approvalTools.element),
      h('div', { class: 'field inline' }, h('label', { for: 'key-can-approve', class: 'choice' }, canApprove, ' May approve tool calls of your runs')),
      h(
        'div',
        { class: 'row' },
        h('div', { class: 'field' }, h('label', { for: 'key-expires' }, 'Expires on ', h('span', { class: 'optional' }, '(optional)')), expires, h('p', { id: 'key-expires-hint', class: 'hint' }, 'At the start of that day (UTC).')),
        h('div', { class: 'field' }, h('label', { for: 'key-rate' }, 'Requests per minute ', h('span', { class: 'optional' }, '(optional)')), rate, h('p', { id: 'key-rate-hint', class: 'hint' }, 'Empty: the server default.')),
      ),
      error,
      h('div', { class: 'actions' }, submit),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      replace(error);
      if (!name.value.trim()) {
        replace(error, 'Give the key a name.');
        name.focus();
        return;
      }
      const body: Record<string, unknown> = { name: name.value.trim() };
      if (allowedTools.value !== null) body.allowed_tools = allowedTools.value;
      if (allowedModels.value !== null) body.allowed_models = allowedModels.value;
      const approval = approvalTools.value ?? [];
      if (approval.length > 0) body.approval_required_tools = approval;
      if (canApprove.checked) body.can_approve = true;
      if (expires.value) {
        if (new Date(`${expires.value}T00:00:00Z`).getTime() <= Date.now()) {
          replace(error, 'The expiry must be in the future.');
          expires.focus();
          return;
        }
        body.expires_at = `${expires.value}T00:00:00Z`;
      }
      if (rate.value) {
        const perMinute = Number(rate.value);
        if (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > 1000000) {
          replace(error, 'Requests per minute: a whole number from 1 to 1,000,000.');
          rate.focus();
          return;
        }
        body.rate_limit_per_minute = perMinute;
      }
      submit.disabled = true;
      this.api.post<CreatedApiKey>('/v1/auth/tokens', body).then(
        (created) => {
          this.showSecret(created);
          void this.buildForm();
          void this.loadKeys();
        },
        (failure: unknown) => {
          submit.disabled = false;
          replace(error, describeError(failure));
        },
      );
    });
    replace(this.formArea, form);
  }

  /** The secret, this once: closing the panel removes it from the page. */
  private showSecret(created: CreatedApiKey): void {
    const secret = h('input', { id: 'new-secret', type: 'text', readonly: true, value: created.key, spellcheck: 'false', class: 'code' });
    const copied = h('span', { class: 'hint', role: 'status' });
    const copy = h(
      'button',
      {
        type: 'button',
        class: 'button',
        onclick: () => {
          navigator.clipboard.writeText(created.key).then(
            () => replace(copied, 'Copied.'),
            () => {
              secret.select();
              replace(copied, 'Select the key and copy it (Ctrl+C).');
            },
          );
        },
      },
      'Copy',
    );
    const done = h('button', { type: 'button', class: 'button primary', onclick: () => replace(this.secretArea) }, 'Done');
    replace(
      this.secretArea,
      h(
        'section',
        { class: 'card secret', 'aria-labelledby': 'secret-title' },
        h('h2', { id: 'secret-title', tabindex: -1 }, `Key “${created.name}” created`),
        h('p', null, 'Copy the key now: it is shown this once and cannot be shown again.'),
        h('div', { class: 'field' }, h('label', { for: 'new-secret' }, 'Secret key'), h('div', { class: 'copy-row' }, secret, copy)),
        copied,
        h('div', { class: 'actions' }, done),
      ),
    );
    (this.secretArea.querySelector('#secret-title') as HTMLElement).focus();
  }
}

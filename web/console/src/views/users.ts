// Users, for an administrator: every account with what it may spend (a budget per period and
// tokens per minute, counted over the user's session and all their keys) and what it spent in
// the current period, and a form per account to change those limits.

import { describeError, type Api } from '../api';
import { h, replace, uid } from '../dom';
import { formatTime } from '../format';
import type { Account, Budget, List } from '../types';
import { formatCost, formatCount } from '../usage_series';
import type { View } from './view';

const PERIODS: Budget['period'][] = ['day', 'week', 'month', 'total'];

/** "10,000 tokens and $5.00 a day"; "none" without a budget. */
function describeBudget(budget: Budget | null): string {
  if (!budget) return 'none';
  const amounts = [
    budget.max_tokens !== null && `${formatCount(budget.max_tokens)} tokens`,
    budget.max_cost_usd !== null && formatCost(budget.max_cost_usd),
  ].filter(Boolean);
  return `${amounts.join(' and ')} ${budget.period === 'total' ? 'in total' : `a ${budget.period}`}`;
}

/** What the form's fields ask for, or why they cannot. */
function limitsFromFields(fields: { maxTokens: string; maxCost: string; period: string; perMinute: string }):
  | { budget: Budget | null; tokens_per_minute: number | null }
  | { error: string } {
  const count = (text: string): number | null | undefined => {
    if (text.trim() === '') return null;
    const value = Number(text);
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  const maxTokens = count(fields.maxTokens);
  if (maxTokens === undefined) return { error: 'Tokens: a whole number, 0 or more.' };
  const maxCost = fields.maxCost.trim() === '' ? null : Number(fields.maxCost);
  if (maxCost !== null && !(maxCost >= 0 && maxCost <= 1e9)) return { error: 'Cost: a number of US dollars, 0 or more.' };
  const perMinute = count(fields.perMinute);
  if (perMinute === undefined || perMinute === 0) return { error: 'Tokens per minute: a whole number, 1 or more.' };
  const period = PERIODS.find((name) => name === fields.period) ?? 'month';
  const budget = maxTokens === null && maxCost === null ? null : { max_tokens: maxTokens, max_cost_usd: maxCost, period };
  return { budget, tokens_per_minute: perMinute };
}

export class UsersView implements View {
  readonly element: HTMLElement;
  readonly title = 'Users';
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private destroyed = false;

  constructor(private readonly api: Api) {
    this.list = h('div', { class: 'key-list' });
    this.status = h('p', { class: 'run-status', role: 'status' }, 'Loading…');
    this.element = h(
      'section',
      { class: 'page users', 'aria-labelledby': 'users-title' },
      h('div', { class: 'page-header' }, h('h1', { id: 'users-title', tabindex: -1 }, 'Users')),
      h(
        'p',
        { class: 'lead' },
        "What each person may spend, through their session and all their keys, beside each key's own limits. No one is exempt, administrators included.",
      ),
      this.status,
      this.list,
    );
    void this.load();
  }

  destroy(): void {
    this.destroyed = true;
  }

  private async load(): Promise<void> {
    try {
      const users = await this.api.get<List<Account>>('/v1/users?limit=100');
      // What a budget has spent comes with each account read on its own.
      const accounts = await Promise.all(
        users.data.map((user) => (user.budget ? this.api.get<Account>(`/v1/users/${encodeURIComponent(user.id)}`) : user)),
      );
      if (this.destroyed) return;
      replace(this.status, users.has_more ? 'The 100 newest accounts.' : '');
      replace(this.list, accounts.map((account) => this.card(account)));
    } catch (error) {
      replace(this.status, h('span', { class: 'form-error' }, describeError(error)));
    }
  }

  private card(account: Account): HTMLElement {
    const actions = h('div', { class: 'actions' });
    const showEdit = (): void => {
      replace(actions, h('button', { type: 'button', class: 'button subtle', 'aria-label': `Edit limits of ${account.email}`, onclick: () => edit() }, 'Edit limits'));
    };
    const edit = (): void => {
      replace(actions, this.form(account, showEdit));
      actions.querySelector<HTMLInputElement>('input')?.focus();
    };
    showEdit();
    const spent = account.spent && account.budget;
    return h(
      'article',
      { class: 'card key', 'aria-label': `User ${account.email}` },
      h('h3', null, account.email, account.role === 'admin' && h('span', { class: 'tag' }, 'administrator')),
      h(
        'dl',
        null,
        account.name && [h('dt', null, 'Name'), h('dd', null, account.name)],
        h('dt', null, 'Budget'),
        h('dd', null, describeBudget(account.budget)),
        h('dt', null, 'Tokens per minute'),
        h('dd', null, account.tokens_per_minute === null ? 'no limit' : formatCount(account.tokens_per_minute)),
        spent && [
          h('dt', null, 'Spent'),
          h(
            'dd',
            { class: 'spent' },
            `${formatCount(account.spent!.tokens)} tokens, ${formatCost(account.spent!.cost_usd)}`,
            account.resets_at ? ` until ${formatTime(account.resets_at)}` : '',
          ),
        ],
        account.disabled_at && [h('dt', null, 'Disabled'), h('dd', null, `since ${formatTime(account.disabled_at)}`)],
      ),
      actions,
    );
  }

  private form(account: Account, cancel: () => void): HTMLElement {
    const id = uid('limits');
    const field = (name: string, label: string, input: HTMLElement, hint: string): HTMLElement =>
      h('div', { class: 'field' }, h('label', { for: `${id}-${name}` }, label), input, h('p', { id: `${id}-${name}-hint`, class: 'hint' }, hint));
    const number = (name: string, value: number | null | undefined, step: string): HTMLInputElement =>
      h('input', { id: `${id}-${name}`, type: 'number', min: 0, step, inputmode: 'decimal', value: value ?? '', 'aria-describedby': `${id}-${name}-hint` });
    const maxTokens = number('tokens', account.budget?.max_tokens, '1');
    const maxCost = number('cost', account.budget?.max_cost_usd, 'any');
    const perMinute = number('per-minute', account.tokens_per_minute, '1');
    const period = h(
      'select',
      { id: `${id}-period`, 'aria-describedby': `${id}-period-hint` },
      PERIODS.map((name) => h('option', { value: name, selected: (account.budget?.period ?? 'month') === name }, name)),
    );
    const error = h('p', { class: 'form-error', role: 'alert' });
    const save = h('button', { type: 'submit', class: 'button primary' }, 'Save');
    const form = h(
      'form',
      { class: 'limits-form', 'aria-label': `Limits of ${account.email}`, novalidate: true },
      h(
        'div',
        { class: 'row' },
        field('tokens', 'Tokens per period', maxTokens, 'Empty: tokens are not limited.'),
        field('cost', 'Cost per period (USD)', maxCost, "From the models' prices. Empty: not limited."),
      ),
      h(
        'div',
        { class: 'row' },
        field('period', 'Period', period, 'UTC calendar periods; weeks start on Monday.'),
        field('per-minute', 'Tokens per minute', perMinute, 'Empty: no limit.'),
      ),
      error,
      h('div', { class: 'actions' }, save, h('button', { type: 'button', class: 'button subtle', onclick: cancel }, 'Cancel')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const limits = limitsFromFields({ maxTokens: maxTokens.value, maxCost: maxCost.value, period: period.value, perMinute: perMinute.value });
      if ('error' in limits) {
        replace(error, limits.error);
        return;
      }
      save.disabled = true;
      this.api.patch<Account>(`/v1/users/${encodeURIComponent(account.id)}`, limits).then(
        () => void this.load(),
        (failure: unknown) => {
          save.disabled = false;
          replace(error, describeError(failure));
        },
      );
    });
    return form;
  }
}

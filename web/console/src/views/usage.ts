// Usage: the person's model calls over the last 7 or 30 days, tokens and cost per day with one
// line per API key (calls made while signed in are "session"), and the same numbers in a table
// for those who read rather than look. Read from GET /v1/usage?group_by=day,key and the keys'
// names from GET /v1/auth/tokens.

import { describeError, type Api } from '../api';
import { h, replace, uid } from '../dom';
import type { ApiKey, List } from '../types';
import {
  formatAxisUsd,
  formatCost,
  formatCount,
  lastDays,
  seriesOf,
  totalsOf,
  type UsageRow,
  type UsageSeries,
} from '../usage_series';
import { lineChart } from './usage_chart';
import type { View } from './view';

interface UsagePage extends List<UsageRow> {
  totals: { requests: number; input_tokens: number; output_tokens: number; cost_usd: number | null };
}

const ranges = [7, 30];

export class UsageView implements View {
  readonly element: HTMLElement;
  readonly title = 'Usage';
  private readonly range: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly results: HTMLElement;
  private names = new Map<string, string>();
  private loading: AbortController | null = null;

  constructor(private readonly api: Api) {
    const rangeId = uid('range');
    this.range = h(
      'select',
      { id: rangeId, onchange: () => void this.load() },
      ranges.map((days) => h('option', { value: days }, `Last ${days} days`)),
    );
    this.status = h('p', { class: 'run-status', role: 'status' }, 'Loading…');
    this.results = h('div', { class: 'usage-results' });
    this.element = h(
      'section',
      { class: 'page usage', 'aria-labelledby': 'usage-title' },
      h(
        'div',
        { class: 'page-header' },
        h('h1', { id: 'usage-title', tabindex: -1 }, 'Usage'),
        h('div', { class: 'range' }, h('label', { for: rangeId }, 'Range'), this.range),
      ),
      h('p', { class: 'lead' }, 'Model calls per day (UTC) and API key; calls made while signed in count as “session”.'),
      this.status,
      this.results,
    );
    void this.load();
  }

  destroy(): void {
    this.loading?.abort();
  }

  private async load(): Promise<void> {
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    const days = lastDays(Number(this.range.value), new Date());
    replace(this.status, 'Loading…');
    try {
      const [rows, keys] = await Promise.all([
        this.rows(days, loading.signal),
        this.api.get<List<ApiKey>>('/v1/auth/tokens?limit=100', loading.signal).catch(() => null),
      ]);
      if (loading.signal.aborted) return;
      this.names = new Map((keys?.data ?? []).map((key) => [key.id, key.name]));
      this.show(days, rows);
    } catch (error) {
      if (loading.signal.aborted) return;
      replace(this.status, `Could not load usage: ${describeError(error)}`);
    }
  }

  /** Every row of the range, a page at a time. */
  private async rows(days: string[], signal: AbortSignal): Promise<UsageRow[]> {
    const rows: UsageRow[] = [];
    const query = `group_by=day,key&from=${days[0]}&to=${days[days.length - 1]}&limit=100`;
    let after: string | null = null;
    for (;;) {
      const cursor: string = after === null ? '' : `&after=${encodeURIComponent(after)}`;
      const page: UsagePage = await this.api.get<UsagePage>(`/v1/usage?${query}${cursor}`, signal);
      rows.push(...page.data);
      const last = page.data[page.data.length - 1];
      if (!page.has_more || !last) return rows;
      after = `${last.day} ${last.api_key_id ?? ''}`;
    }
  }

  private nameOf(keyId: string | null): string {
    if (keyId === null) return 'session';
    return this.names.get(keyId) ?? keyId;
  }

  private show(days: string[], rows: UsageRow[]): void {
    if (rows.length === 0) {
      replace(this.status, `No model calls in the last ${days.length} days.`);
      replace(this.results);
      return;
    }
    replace(this.status);
    const series = seriesOf(rows, days);
    const range = `${days[0]} to ${days[days.length - 1]}`;
    const tokens = series.map((s) => ({ name: this.nameOf(s.keyId), values: s.tokens }));
    const costs = series.map((s) => ({ name: this.nameOf(s.keyId), values: s.cost }));
    const priced = rows.some((row) => row.cost_usd !== null);
    replace(
      this.results,
      this.legend(series),
      h(
        'div',
        { class: 'charts' },
        h(
          'figure',
          { class: 'chart-card' },
          h('figcaption', null, 'Tokens per day (input + output)'),
          lineChart(`Tokens per day per API key, ${range}`, days, tokens, (value) => formatCount(Math.round(value))),
        ),
        h(
          'figure',
          { class: 'chart-card' },
          h('figcaption', null, 'Cost per day (USD)'),
          priced
            ? lineChart(`Cost per day per API key in USD, ${range}`, days, costs, formatCost, formatAxisUsd)
            : h('p', { class: 'hint' }, 'No model called in this range has a price.'),
        ),
      ),
      this.table(rows),
    );
  }

  private legend(series: UsageSeries[]): HTMLElement {
    return h(
      'ul',
      { class: 'legend', 'aria-label': 'API keys' },
      series.map((s, number) =>
        h('li', null, h('span', { class: `swatch series-${number % 8}`, 'aria-hidden': 'true' }), this.nameOf(s.keyId)),
      ),
    );
  }

  private table(rows: UsageRow[]): HTMLElement {
    const totals = totalsOf(rows);
    const numbers = (requests: number, input: number, output: number, cost: number | null) => [
      h('td', { class: 'number' }, formatCount(requests)),
      h('td', { class: 'number' }, formatCount(input)),
      h('td', { class: 'number' }, formatCount(output)),
      h('td', { class: 'number', 'data-usd': cost === null ? '' : String(cost) }, formatCost(cost)),
    ];
    return h(
      'div',
      // Focusable, so that a keyboard can scroll it on a narrow screen.
      { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Usage table' },
      h(
        'table',
        { class: 'usage-table' },
        h('caption', null, 'Model calls per day and API key'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Day', 'API key', 'Requests', 'Input tokens', 'Output tokens', 'Cost'].map((name, index) =>
              h('th', { scope: 'col', class: index > 1 ? 'number' : null }, name),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          [...rows].reverse().map((row) =>
            h(
              'tr',
              null,
              h('td', null, row.day),
              h('td', null, this.nameOf(row.api_key_id)),
              numbers(row.requests, row.input_tokens, row.output_tokens, row.cost_usd),
            ),
          ),
        ),
        h(
          'tfoot',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'row', colspan: 2 }, 'Total'),
            numbers(totals.requests, totals.input_tokens, totals.output_tokens, totals.cost_usd),
          ),
        ),
      ),
    );
  }
}

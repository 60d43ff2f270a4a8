// The usage page's numbers: GET /v1/usage?group_by=day,key rows laid out as one series per
// API key over every day of a range (days without calls count zero), their totals, and how
// costs are shown.

export interface UsageRow {
  day: string;
  api_key_id: string | null;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_usd: number | null;
}

export interface UsageTotals {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
}

/** One key's calls: its value on each day of the range, in order. A day's cost is null when
 * it had calls and none had a price; a day without calls costs 0. */
export interface UsageSeries {
  /** null: calls made with a session. */
  keyId: string | null;
  tokens: number[];
  cost: (number | null)[];
}

const dayMs = 86_400_000;

/** The `count` days (YYYY-MM-DD, UTC) that end with the day of `now`, oldest first. */
export function lastDays(count: number, now: Date): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, index) => new Date(today - (count - 1 - index) * dayMs).toISOString().slice(0, 10));
}

/** One series per key seen in `rows` (the session's first, then keys in order). */
export function seriesOf(rows: UsageRow[], days: string[]): UsageSeries[] {
  const byKey = new Map<string | null, UsageSeries>();
  const position = new Map(days.map((day, index) => [day, index]));
  for (const row of rows) {
    const index = position.get(row.day);
    if (index === undefined) continue;
    let series = byKey.get(row.api_key_id);
    if (!series) {
      series = { keyId: row.api_key_id, tokens: days.map(() => 0), cost: days.map(() => 0) };
      byKey.set(row.api_key_id, series);
    }
    // One row per day and key.
    series.tokens[index] = row.input_tokens + row.output_tokens;
    series.cost[index] = row.cost_usd;
  }
  return [...byKey.values()].sort((a, b) => (a.keyId ?? '').localeCompare(b.keyId ?? ''));
}

/** The sums of `rows`; the cost is null when no row had one. */
export function totalsOf(rows: UsageRow[]): UsageTotals {
  const totals: UsageTotals = { requests: 0, input_tokens: 0, output_tokens: 0, cost_usd: null };
  for (const row of rows) {
    totals.requests += row.requests;
    totals.input_tokens += row.input_tokens;
    totals.output_tokens += row.output_tokens;
    if (row.cost_usd !== null) totals.cost_usd = (totals.cost_usd ?? 0) + row.cost_usd;
  }
  return totals;
}

/** USD: cents from a dollar up, four decimals to a cent, two digits that count below; "—"
 * without a price. */
export function formatCost(usd: number | null): string {
  if (usd === null) return '—';
  if (usd === 0) return '$0.00';
  if (usd >= 1) return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 0.000001) return '< $0.000001';
  return `$${Number(usd.toPrecision(2)).toFixed(Math.ceil(-Math.log10(usd)) + 1)}`;
}

/** A USD axis label: as many decimals as the step between gridlines needs, two at least. */
export function formatAxisUsd(value: number, step: number): string {
  const decimals = Math.max(2, Math.ceil(-Math.log10(step) - 1e-9));
  return `$${value.toFixed(decimals)}`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** An axis maximum at or above `value`: 1, 2 or 5 times a power of ten. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

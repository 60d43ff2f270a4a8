// The usage page's numbers (web/console/src/usage_series.ts): the days of a range, one
// series per key, totals, and how costs are shown.
import assert from "node:assert/strict";
import path from "node:path";
import test from "node:test";
import { pathToFileURL } from "node:url";

const { lastDays, seriesOf, totalsOf, formatCost, formatAxisUsd, niceMax } = await import(
  pathToFileURL(path.join(process.env.CONSOLE_MODULES, "usage_series.js")).href
);

const row = (day, key, input, output, cost) => ({
  day, api_key_id: key, requests: 1, input_tokens: input, output_tokens: output, cached_tokens: 0, cost_usd: cost,
});

test("the last days end today, in UTC, across a month's end", () => {
  assert.deepEqual(lastDays(3, new Date("2026-03-01T23:30:00Z")), ["2026-02-27", "2026-02-28", "2026-03-01"]);
});

test("one series per key, the session's first, days without calls zero, unpriced ones null", () => {
  const days = ["2026-03-01", "2026-03-02", "2026-03-03"];
  const series = seriesOf(
    [row("2026-03-01", "key_b", 10, 5, 0.5), row("2026-03-01", null, 1, 1, null), row("2026-03-03", "key_b", 2, 2, 0.25),
      row("2026-02-01", "key_old", 9, 9, 9)],
    days,
  );
  assert.deepEqual(series.map((s) => s.keyId), [null, "key_b"]);
  assert.deepEqual(series[1].tokens, [15, 0, 4]);
  assert.deepEqual(series[1].cost, [0.5, 0, 0.25]);
  assert.deepEqual(series[0].cost, [null, 0, 0]);
});

test("totals sum every row; the cost is null only when no row had one", () => {
  assert.deepEqual(totalsOf([row("d", "k", 1, 2, null), row("d", null, 3, 4, 0.5)]),
    { requests: 2, input_tokens: 4, output_tokens: 6, cost_usd: 0.5 });
  assert.equal(totalsOf([row("d", "k", 1, 2, null)]).cost_usd, null);
});

test("costs are dollars and cents, four decimals below a dollar, a dash without a price", () => {
  assert.equal(formatCost(null), "—");
  assert.equal(formatCost(0), "$0.00");
  assert.equal(formatCost(1234.567), "$1,234.57");
  assert.equal(formatCost(0.01234), "$0.0123");
  assert.equal(formatCost(0.0000653), "$0.000065");
  assert.equal(formatCost(0.00123), "$0.0012");
  assert.equal(formatCost(0.0000001), "< $0.000001");
});

test("a USD axis has the decimals its step needs", () => {
  assert.deepEqual([0, 0.00005, 0.0001].map((v) => formatAxisUsd(v, 0.00005)), ["$0.00000", "$0.00005", "$0.00010"]);
  assert.equal(formatAxisUsd(2.5, 1.25), "$2.50");
});

test("axis maxima are 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(7), 10);
  assert.equal(niceMax(130), 200);
  assert.equal(niceMax(0.003), 0.005);
});

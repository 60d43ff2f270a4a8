// A line chart drawn as inline SVG: one line per series over the days of a range (broken
// where a value is unknown, null), a y axis
// from zero with four gridlines, and a few day labels. Colours come from the stylesheet's
// series-N classes (the console's CSP forbids inline styles).

import { niceMax } from '../usage_series';

const svgNs = 'http://www.w3.org/2000/svg';
const width = 480;
const height = 220;
const left = 70;
const right = 20;
const top = 12;
const bottom = 28;

export interface ChartLine {
  name: string;
  values: (number | null)[];
}

function svg(tag: string, attributes: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** The indexes of each run of known (non-null) values. */
function knownRuns(values: (number | null)[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  values.forEach((value, index) => {
    if (value === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else {
      run.push(index);
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/** `label` names the chart for screen readers; `format` writes a point's value, `axis` a
 * gridline's (given the step between gridlines). */
export function lineChart(
  label: string,
  days: string[],
  lines: ChartLine[],
  format: (value: number) => string,
  axis: (value: number, step: number) => string = format,
): SVGElement {
  const max = niceMax(Math.max(0, ...lines.flatMap((line) => line.values.map((value) => value ?? 0))));
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const x = (index: number) => left + (days.length <= 1 ? plotWidth / 2 : (index * plotWidth) / (days.length - 1));
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;

  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart' });
  chart.append(svg('title', {}, label));
  for (let step = 0; step <= 4; step += 1) {
    const value = (max * step) / 4;
    chart.append(
      svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(value), y2: y(value) }),
      svg('text', { class: 'axis', x: left - 6, y: y(value) + 4, 'text-anchor': 'end' }, axis(value, max / 4)),
    );
  }
  const labelEvery = Math.max(1, Math.ceil(days.length / 7));
  days.forEach((day, index) => {
    if ((days.length - 1 - index) % labelEvery !== 0) return;
    const anchor = index === days.length - 1 ? 'end' : index === 0 ? 'start' : 'middle';
    chart.append(svg('text', { class: 'axis', x: x(index), y: height - 8, 'text-anchor': anchor }, day.slice(5)));
  });
  lines.forEach((line, number) => {
    const series = svg('g', { class: `series series-${number % 8}`, 'data-series': line.name });
    for (const run of knownRuns(line.values)) {
      const points = run.map((index) => `${x(index)},${y(line.values[index] ?? 0)}`).join(' ');
      series.append(svg('polyline', { points, fill: 'none', 'stroke-width': 2 }));
    }
    line.values.forEach((value, index) => {
      if (value === null || value === 0) return;
      series.append(
        svg('circle', { cx: x(index), cy: y(value), r: 3.5 }, svg('title', {}, `${line.name}, ${days[index]}: ${format(value)}`)),
      );
    });
    chart.append(series);
  });
  return chart;
}

/**
 * Stacked bar charts of counts per day, drawn by uPlot on a canvas, each with its numbers as
 * a table for those who do not see the chart. A chart takes its container's width (and
 * follows it as the window narrows) and the page's colours, light or dark. Days are UTC days
 * (YYYY-MM-DD), as the server counts them.
 */
import uPlot from 'uplot';
import { element, table } from './dom.js';

/** One series: a count per day, in the order of the days. */
export interface ChartSeries {
  name: string;
  counts: number[];
}

/**
 * Readable on the light and the dark background alike (Tableau 10, without its greys, which
 * stand for "other").
 */
const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];
const otherColour = '#9aa3ad';
/** More series than this and the rest are summed as "other" (the table keeps each one). */
const maxSeries = palette.length;
const daySeconds = 24 * 60 * 60;

/** The busiest series, and the rest as one "other" series when there are too many to tell apart. */
function chartedSeries(series: ChartSeries[]): Array<ChartSeries & { colour: string }> {
  const coloured = series.map((entry, index) => ({ ...entry, colour: palette[index] ?? otherColour }));
  if (series.length <= maxSeries) return coloured;
  const kept = coloured.slice(0, maxSeries - 1);
  const rest = series.slice(maxSeries - 1);
  const counts = rest[0]!.counts.map((_, day) => rest.reduce((sum, entry) => sum + entry.counts[day]!, 0));
  return [...kept, { name: `${rest.length} others`, counts, colour: otherColour }];
}

/** The charts drawn, redrawn when the system switches between light and dark. */
const live = new Set<{ box: HTMLElement; draw: () => void; release: () => void }>();

/** Lets go of the charts of views that were left (their boxes are out of the page). */
function releaseLeft(): void {
  for (const chart of live) if (!chart.box.isConnected) chart.release();
}

matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  releaseLeft();
  for (const chart of live) chart.draw();
});

function colours(): { text: string; line: string } {
  const style = getComputedStyle(document.documentElement);
  return {
    text: style.getPropertyValue('--muted').trim() || '#4a5560',
    line: style.getPropertyValue('--line').trim() || '#d9dde2',
  };
}

function plotOptions(
  width: number,
  series: Array<ChartSeries & { colour: string }>,
  valueLabel: string,
): uPlot.Options {
  const { text, line } = colours();
  const bars = uPlot.paths.bars!({ size: [0.8, 40], align: 0 });
  const axis = { stroke: text, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
  return {
    width,
    height: width < 480 ? 200 : 240,
    // Days are UTC days: the axis says so, and shows them as such in any time zone.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      x: { time: true, range: (_, min, max) => [min - daySeconds / 2, max + daySeconds / 2] },
      y: { range: (_, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    axes: [
      { ...axis, label: 'day (UTC)' },
      {
        ...axis,
        label: valueLabel,
        // Whole deliveries only: no tick at 0.5.
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
        values: (_, splits) => splits.map(String),
      },
    ],
    series: [
      {
        label: 'day',
        value: (_, seconds) => (seconds == null ? '–' : new Date(seconds * 1000).toISOString().slice(0, 10)),
      },
      ...series.map(
        (entry): uPlot.Series => ({
          label: entry.name,
          stroke: entry.colour,
          fill: entry.colour,
          width: 0,
          paths: bars,
          points: { show: false },
          // The legend shows the series' own count, not the height of the stack.
          value: (_, _stacked, _series, day) => (day == null ? '–' : String(entry.counts[day] ?? 0)),
        }),
      ),
    ],
  };
}

/**
 * Stacked bars: each series drawn from 0 up to its own count plus the counts of those below
 * it, the first (busiest) on top and drawn first, so the ones below paint over its lower part.
 */
function stackedData(days: string[], series: ChartSeries[]): uPlot.AlignedData {
  const xs = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
  const stacked = series.map((_, index) =>
    days.map((_, day) => series.slice(index).reduce((sum, entry) => sum + (entry.counts[day] ?? 0), 0)),
  );
  return [xs, ...stacked];
}

/** The same numbers as the chart, one row per day, one column per series (each, not grouped). */
function numbersTable(days: string[], series: ChartSeries[], caption: string): HTMLElement {
  const [node, body] = table(['day', ...series.map((entry) => entry.name), 'all'], { caption });
  days.forEach((day, index) => {
    const row = body.insertRow();
    const heading = element('th', day);
    heading.scope = 'row';
    row.append(heading);
    let sum = 0;
    for (const entry of series) {
      const count = entry.counts[index] ?? 0;
      sum += count;
      row.append(element('td', String(count)));
    }
    row.append(element('td', String(sum)));
  });
  const scroller = element('div', null, 'table-scroll');
  scroller.append(node);
  return scroller;
}

/**
 * A chart of `series` over `days` (a figure named by `label`, which also names the canvas for
 * screen readers), with its numbers under a disclosure. The chart is drawn once the figure is
 * in the page and has a width, and redrawn at each new width.
 */
export function dayChart(
  days: string[],
  series: ChartSeries[],
  options: { id: string; title: string; label: string; valueLabel: string },
): HTMLElement {
  const figure = element('figure', null, 'chart');
  figure.id = options.id;
  figure.setAttribute('aria-label', options.label);
  const caption = element('figcaption', options.title);
  const plotBox = element('div', null, 'plot');
  const details = element('details');
  details.append(
    element('summary', 'the numbers as a table'),
    numbersTable(days, series, `${options.title}, per day`),
  );
  figure.append(caption, plotBox, details);
  if (series.length === 0) {
    plotBox.append(element('p', 'no deliveries in these days', 'note'));
    return figure;
  }

  const charted = chartedSeries(series);
  let plot: uPlot | null = null;
  const draw = () => {
    if (!plotBox.isConnected) return;
    plot?.destroy();
    plot = new uPlot(
      plotOptions(plotBox.clientWidth, charted, options.valueLabel),
      stackedData(days, charted),
      plotBox,
    );
    const canvas = plot.root.querySelector('canvas');
    canvas?.setAttribute('role', 'img');
    canvas?.setAttribute('aria-label', options.label);
  };
  const observer = new ResizeObserver(() => {
    const width = plotBox.clientWidth;
    if (!plotBox.isConnected || width === 0) return;
    if (!plot) {
      // This view is in the page now: the charts of the one it replaced are not.
      releaseLeft();
      draw();
    } else if (Math.abs(plot.width - width) >= 1) plot.setSize({ width, height: width < 480 ? 200 : 240 });
  });
  const chart = {
    box: plotBox,
    draw,
    release: () => {
      observer.disconnect();
      plot?.destroy();
      live.delete(chart);
    },
  };
  observer.observe(plotBox);
  live.add(chart);
  return figure;
}

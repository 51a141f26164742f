import { isoTimes, type Timeframe } from '@wadm/analysis';
import type { ChartData } from '../report/symbol-report.js';
import { formatNumber, formatPrice } from './format.js';
import { COLOUR, FONT, type Doc } from './style.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const AXIS_WIDTH = 58;
const TIME_TICKS = 6;

/**
 * Candlesticks of the chart's bars as vectors, SMA 50 and 200 drawn over them, volume bars
 * below, the report's day shaded; prices on the left axis, UTC times under the volume.
 */
export function drawChart(
  doc: Doc,
  chart: ChartData,
  timeframe: Timeframe,
  day: { start: number; end: number },
  box: Box,
): void {
  const { bars, smaFast, smaSlow } = chart;
  const n = bars.time.length;
  legend(doc, n, timeframe, box);
  const plot = { x: box.x + AXIS_WIDTH, y: box.y, width: box.width - AXIS_WIDTH, height: 0 };
  plot.height = box.height * 0.72;
  const vol = { ...plot, y: plot.y + plot.height + 8, height: box.height * 0.18 };
  const values = [...bars.low, ...bars.high, ...smaFast, ...smaSlow].filter(Number.isFinite);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  const yOf = (price: number) => plot.y + ((hi - price) / span) * plot.height;
  const step = plot.width / n;
  const xOf = (i: number) => plot.x + step * (i + 0.5);

  // The report's day behind everything else.
  const first = bars.time.findIndex((t) => t >= day.start);
  if (first >= 0) {
    const last = bars.time.findLastIndex((t) => t < day.end);
    doc
      .rect(plot.x + step * first, plot.y, step * (last - first + 1), vol.y + vol.height - plot.y)
      .fill(COLOUR.day);
  }
  priceAxis(doc, lo, span, yOf, plot, box.x);

  // One path per colour and kind (wicks, bodies, volume): a few operators per bar instead of a
  // colour change and a paint per shape, which made rendering several times slower.
  const body = Math.max(0.8, step * 0.6);
  const maxVolume = Math.max(...bars.volume) || 1;
  for (const rising of [true, false]) {
    const mine = (i: number) => bars.close[i]! >= bars.open[i]! === rising;
    const colour = rising ? COLOUR.up : COLOUR.down;
    for (let i = 0; i < n; i++) {
      if (mine(i)) doc.moveTo(xOf(i), yOf(bars.high[i]!)).lineTo(xOf(i), yOf(bars.low[i]!));
    }
    doc.lineWidth(0.6).strokeColor(colour).stroke();
    for (let i = 0; i < n; i++) {
      if (!mine(i)) continue;
      const top = yOf(Math.max(bars.open[i]!, bars.close[i]!));
      const bottom = yOf(Math.min(bars.open[i]!, bars.close[i]!));
      doc.rect(xOf(i) - body / 2, top, body, Math.max(0.5, bottom - top));
    }
    doc.fill(colour);
    for (let i = 0; i < n; i++) {
      if (!mine(i)) continue;
      const height = (bars.volume[i]! / maxVolume) * vol.height;
      doc.rect(xOf(i) - body / 2, vol.y + vol.height - height, body, height);
    }
    doc.fill(rising ? COLOUR.upVolume : COLOUR.downVolume);
  }
  line(doc, smaFast, xOf, yOf, COLOUR.smaFast);
  line(doc, smaSlow, xOf, yOf, COLOUR.smaSlow);

  doc.lineWidth(0.4).strokeColor(COLOUR.grid);
  doc.rect(vol.x, vol.y, vol.width, vol.height).stroke();
  doc.font(FONT.regular).fontSize(6.5).fillColor(COLOUR.muted);
  doc.text('Volume', box.x, vol.y, { width: AXIS_WIDTH - 6, align: 'right', lineBreak: false });
  doc.text(formatNumber(maxVolume, 0), box.x, vol.y + 9, {
    width: AXIS_WIDTH - 6,
    align: 'right',
    lineBreak: false,
  });
  timeAxis(doc, bars.time, timeframe, xOf, vol.y + vol.height + 3);
}

function legend(doc: Doc, n: number, timeframe: Timeframe, box: Box): void {
  doc.font(FONT.bold).fontSize(9).fillColor(COLOUR.ink);
  doc.text(`Last ${n} ${timeframe} bars (UTC)`, box.x, box.y - 16, { lineBreak: false });
  let x = box.x + box.width - 150;
  for (const [label, colour] of [
    ['SMA 50', COLOUR.smaFast],
    ['SMA 200', COLOUR.smaSlow],
    ['report day', COLOUR.day],
  ] as const) {
    if (label === 'report day') doc.rect(x, box.y - 14, 12, 7).fill(colour);
    else
      doc
        .lineWidth(1.2)
        .strokeColor(colour)
        .moveTo(x, box.y - 10)
        .lineTo(x + 12, box.y - 10)
        .stroke();
    doc.font(FONT.regular).fontSize(7).fillColor(COLOUR.muted);
    doc.text(label, x + 15, box.y - 14, { lineBreak: false });
    x += label === 'SMA 50' ? 42 : 47;
  }
}

function priceAxis(
  doc: Doc,
  lo: number,
  span: number,
  yOf: (price: number) => number,
  plot: Box,
  axisX: number,
): void {
  doc.lineWidth(0.4).strokeColor(COLOUR.grid);
  doc.font(FONT.regular).fontSize(6.5).fillColor(COLOUR.muted);
  for (let k = 0; k <= 4; k++) {
    const price = lo + (span * k) / 4;
    const y = yOf(price);
    doc
      .moveTo(plot.x, y)
      .lineTo(plot.x + plot.width, y)
      .stroke();
    doc.text(formatPrice(price), axisX, y - 3, {
      width: AXIS_WIDTH - 6,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.rect(plot.x, plot.y, plot.width, plot.height).stroke();
}

/** A polyline through the finite values; NaN (warm-up) leaves a gap. */
function line(
  doc: Doc,
  values: Float64Array,
  xOf: (i: number) => number,
  yOf: (v: number) => number,
  colour: string,
): void {
  let drawing = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      drawing = false;
      continue;
    }
    if (drawing) doc.lineTo(xOf(i), yOf(v));
    else doc.moveTo(xOf(i), yOf(v));
    drawing = true;
  }
  doc.lineWidth(1).strokeColor(colour).stroke();
}

/** Evenly spaced tick labels: the day for daily bars, day and time of day for shorter ones. */
function timeAxis(
  doc: Doc,
  time: Float64Array,
  timeframe: Timeframe,
  xOf: (i: number) => number,
  y: number,
): void {
  const n = time.length;
  const ticks = Array.from(
    new Set(
      Array.from({ length: TIME_TICKS }, (_, k) => Math.round(((n - 1) * k) / (TIME_TICKS - 1))),
    ),
  );
  const labels = isoTimes(ticks.map((i) => time[i]!)).map((iso) =>
    timeframe === '1d' ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`,
  );
  doc.font(FONT.regular).fontSize(6.5).fillColor(COLOUR.muted);
  ticks.forEach((i, k) => {
    const width = 60;
    const x = Math.min(Math.max(xOf(i) - width / 2, xOf(0) - 4), xOf(n - 1) - width + 4);
    doc.text(labels[k]!, x, y, { width, align: 'center', lineBreak: false });
  });
  doc.text('UTC', xOf(n - 1) - 20, y + 9, { width: 24, align: 'right', lineBreak: false });
}

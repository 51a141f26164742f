import { isoTimes, type Timeframe } from '@wadm/analysis';
import { DAY_MS } from '../report/daily-data.js';
import type { DayStructure } from '../report/day-structure.js';
import { FIGURE_PERIODS, type DayFigures } from '../report/figures.js';
import { RSI_OVERBOUGHT, RSI_OVERSOLD } from '../report/signals.js';
import type { SymbolReport } from '../report/symbol-report.js';
import { drawChart } from './chart.js';
import { formatNumber, formatPct, formatPrice, orNa } from './format.js';
import { COLOUR, CONTENT_WIDTH, FONT, PAGE, type Doc } from './style.js';

const LEFT = PAGE.margin;
const ROW = 12.5;
/** Structure entries listed per kind; the rest are counted. */
const MAX_ROWS = 9;

/** A symbol's page: its figures, signals, chart and the day's market structure. */
export function drawSymbolPage(
  doc: Doc,
  date: string,
  timeframe: Timeframe,
  r: SymbolReport,
): void {
  doc.font(FONT.bold).fontSize(20).fillColor(COLOUR.ink).text(r.symbol, LEFT, PAGE.margin);
  const built =
    r.chartSource && r.chartSource !== timeframe ? ` (built from ${r.chartSource})` : '';
  doc.font(FONT.regular).fontSize(8.5).fillColor(COLOUR.muted);
  doc.text(
    `${date} UTC · figures from daily bars (${r.dailySource} series) · chart and structure from ${timeframe} bars${built}`,
    LEFT,
    PAGE.margin + 26,
    { lineBreak: false },
  );
  const half = CONTENT_WIDTH / 2;
  const top = PAGE.margin + 46;
  figureRows(doc, LEFT, top, priceFigures(r.figures));
  figureRows(doc, LEFT + half + 8, top, indicatorFigures(r.figures));
  const signalsY = top + 8 * ROW + 6;
  doc.font(FONT.bold).fontSize(8.5).fillColor(COLOUR.ink).text('Signals', LEFT, signalsY);
  doc
    .font(FONT.regular)
    .text(r.signals.length > 0 ? r.signals.join(' · ') : 'none', LEFT + 70, signalsY, {
      width: CONTENT_WIDTH - 70,
    });

  const chartTop = signalsY + 44;
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  if (r.chart) {
    drawChart(
      doc,
      r.chart,
      timeframe,
      { start: dayStart, end: dayStart + DAY_MS },
      {
        x: LEFT,
        y: chartTop,
        width: CONTENT_WIDTH,
        height: 300,
      },
    );
  } else {
    doc.text(`No ${timeframe} candles stored: no chart.`, LEFT, chartTop);
  }
  structureTables(doc, r.structure, timeframe, chartTop + 330);
}

function priceFigures(f: DayFigures): [string, string][] {
  const volumeNote =
    f.volumeAverage === null
      ? ''
      : ` (${f.volumeRatio!.toFixed(2)}x 20-day average ${formatNumber(f.volumeAverage, 0)})`;
  return [
    ['Open', formatPrice(f.open)],
    ['High', formatPrice(f.high)],
    ['Low', formatPrice(f.low)],
    ['Close', formatPrice(f.close)],
    ['Change', `${formatPct(f.changePct)} vs previous close`],
    ['Range', `${formatPrice(f.range)} (${f.rangePct.toFixed(2)}% of open)`],
    ['Volume', `${formatNumber(f.volume, 0)}${volumeNote}`],
    ['Volatility (ann.)', volatility(f)],
  ];
}

function volatility(f: DayFigures): string {
  const daily = orNa(f.volatility, (v) => `${(v * 100).toFixed(1)}% (20 days)`);
  const intraday = orNa(f.intradayVolatility, (v) => `${(v * 100).toFixed(1)}% intraday`);
  return `${daily}, ${intraday}`;
}

function indicatorFigures(f: DayFigures): [string, string][] {
  const [fast, slow, signal] = FIGURE_PERIODS.macd;
  const side = (sma: number | null) =>
    orNa(sma, (v) => `${formatPrice(v)} (close ${f.close >= v ? 'above' : 'below'})`);
  return [
    [
      `ATR (${FIGURE_PERIODS.atr})`,
      orNa(f.atr, (v) => `${formatPrice(v)} (${((v / f.close) * 100).toFixed(2)}% of close)`),
    ],
    [`RSI (${FIGURE_PERIODS.rsi})`, orNa(f.rsi, (v) => `${v.toFixed(2)} ${rsiState(v)}`)],
    [
      `MACD (${fast}, ${slow}, ${signal})`,
      orNa(f.macd, (m) => `${formatPrice(m.macd)} vs signal ${formatPrice(m.signal)}`),
    ],
    ['MACD state', orNa(f.macd, (m) => `${m.side}${m.cross ? `, ${m.cross} cross today` : ''}`)],
    [`SMA ${FIGURE_PERIODS.smaFast}`, side(f.smaFast)],
    [`SMA ${FIGURE_PERIODS.smaSlow}`, side(f.smaSlow)],
    ['Trend', orNa(f.trend, (t) => trendText(t, f.smaCross))],
  ];
}

function rsiState(rsi: number): string {
  if (rsi >= RSI_OVERBOUGHT) return 'overbought';
  if (rsi <= RSI_OVERSOLD) return 'oversold';
  return 'neutral';
}

function trendText(trend: 'up' | 'down' | 'mixed', cross: DayFigures['smaCross']): string {
  const base = {
    up: 'up (close > SMA 50 > SMA 200)',
    down: 'down (close < SMA 50 < SMA 200)',
    mixed: 'mixed',
  }[trend];
  return cross ? `${base}, ${cross} cross today` : base;
}

function figureRows(doc: Doc, x: number, y: number, rows: [string, string][]): void {
  for (const [i, [label, value]] of rows.entries()) {
    doc.font(FONT.regular).fontSize(8.5).fillColor(COLOUR.muted);
    doc.text(label, x, y + i * ROW, { width: 78, lineBreak: false });
    doc.fillColor(COLOUR.ink).text(value, x + 80, y + i * ROW, {
      width: CONTENT_WIDTH / 2 - 90,
      lineBreak: false,
    });
  }
}

/** Three columns: swing highs and lows, breaks of structure, fair value gaps; times UTC. */
function structureTables(doc: Doc, s: DayStructure | null, timeframe: Timeframe, y: number): void {
  doc.font(FONT.bold).fontSize(10).fillColor(COLOUR.ink);
  doc.text(`Market structure of the day (${timeframe} bars, UTC)`, LEFT, y, { lineBreak: false });
  if (!s) return;
  const at = (ms: number[]) =>
    isoTimes(ms).map((iso) => (timeframe === '1d' ? iso.slice(0, 10) : iso.slice(11, 16)));
  const swingTimes = at(s.swings.map((w) => w.time));
  const breakTimes = at(s.breaks.map((b) => b.time));
  const gapTimes = at(s.gaps.map((g) => g.time));
  const fillTimes = at(s.gaps.map((g) => g.filledTime ?? 0));
  const width = CONTENT_WIDTH / 3;
  const columns: [string, string[]][] = [
    [
      `Swing highs/lows (${s.swings.length})`,
      s.swings.map((w, i) => `${swingTimes[i]}  ${w.kind}  ${formatPrice(w.price)}`),
    ],
    [
      `Breaks of structure (${s.breaks.length})`,
      s.breaks.map((b, i) => `${breakTimes[i]}  ${b.direction}  ${formatPrice(b.level)}`),
    ],
    [
      `Fair value gaps (${s.gaps.length})`,
      s.gaps.map(
        (g, i) =>
          `${gapTimes[i]}  ${g.direction}  ${formatPrice(g.bottom)}-${formatPrice(g.top)}  ${
            g.filledTime === null ? 'open' : `filled ${fillTimes[i]}`
          }`,
      ),
    ],
  ];
  for (const [k, [title, lines]] of columns.entries()) {
    const x = LEFT + k * width;
    doc.font(FONT.bold).fontSize(8).fillColor(COLOUR.ink);
    doc.text(title, x, y + 16, { width: width - 6, lineBreak: false });
    doc.font(FONT.regular).fontSize(7.5);
    const shown = lines.length > MAX_ROWS ? lines.slice(0, MAX_ROWS - 1) : lines;
    if (shown.length < lines.length) shown.push(`… and ${lines.length - shown.length} more`);
    if (lines.length === 0) shown.push('none');
    for (const [i, text] of shown.entries()) {
      doc.text(text, x, y + 29 + i * 11, { width: width - 6, lineBreak: false });
    }
  }
}

import {
  atr,
  macd,
  periodsPerYear,
  returnDistribution,
  rsi,
  sma,
  volatilityByPeriod,
  type Candles,
  type Timeframe,
} from '@wadm/analysis';

/** The classic settings, as every charting tool defaults them. */
export const FIGURE_PERIODS = {
  atr: 14,
  rsi: 14,
  macd: [12, 26, 9],
  volumeAverage: 20,
  volatility: 20,
  smaFast: 50,
  smaSlow: 200,
} as const;

export interface MacdState {
  macd: number;
  signal: number;
  histogram: number;
  /** MACD above its signal line (bullish) or not. */
  side: 'bullish' | 'bearish';
  /** Set when the MACD line crossed its signal on the day's bar. */
  cross: 'bullish' | 'bearish' | null;
}

/** One symbol's figures for the day. A figure is null while the history is too short for it. */
export interface DayFigures {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Close against the previous day's close (against the day's open on a first bar), in %. */
  changePct: number;
  range: number;
  /** Range as a % of the open. */
  rangePct: number;
  /** Mean volume of the 20 days before the day, and the day's volume over it. */
  volumeAverage: number | null;
  volumeRatio: number | null;
  /** Sample standard deviation of the last 20 daily returns × √365 (a fraction). */
  volatility: number | null;
  /** The same over the day's bars of the chart's timeframe, annualised by that timeframe. */
  intradayVolatility: number | null;
  atr: number | null;
  rsi: number | null;
  macd: MacdState | null;
  smaFast: number | null;
  smaSlow: number | null;
  /** Up: close above SMA 50 above SMA 200; down: the reverse; mixed otherwise. */
  trend: 'up' | 'down' | 'mixed' | null;
  /** SMA 50 crossing SMA 200 on the day: golden (upwards) or death cross. */
  smaCross: 'golden' | 'death' | null;
  /** The close crossing SMA 50 or SMA 200 on the day, e.g. `above SMA 50`. */
  closeCrosses: string[];
}

/**
 * The day's figures from daily bars whose last one is the day (`daily.time.at(-1)`), with the
 * intraday volatility from the chart's bars of that day. Every indicator is `@wadm/analysis`'s.
 */
export function dayFigures(
  daily: Candles,
  intraday: Candles | undefined,
  timeframe: Timeframe,
): DayFigures {
  const { open, high, low, close, volume } = daily;
  const t = close.length - 1;
  const prevClose = t > 0 ? close[t - 1]! : open[t]!;
  const [fast, slow, signal] = FIGURE_PERIODS.macd;
  const lines = macd(close, fast, slow, signal);
  const smaFast = sma(close, FIGURE_PERIODS.smaFast);
  const smaSlow = sma(close, FIGURE_PERIODS.smaSlow);
  const volumeAverage = averageBefore(volume, t, FIGURE_PERIODS.volumeAverage);
  const c = close[t]!;
  return {
    open: open[t]!,
    high: high[t]!,
    low: low[t]!,
    close: c,
    volume: volume[t]!,
    changePct: (c / prevClose - 1) * 100,
    range: high[t]! - low[t]!,
    rangePct: ((high[t]! - low[t]!) / open[t]!) * 100,
    volumeAverage,
    volumeRatio: volumeAverage ? volume[t]! / volumeAverage : null,
    volatility: dailyVolatility(close),
    intradayVolatility: intraday ? intradayVolatility(intraday, timeframe) : null,
    atr: at(atr(high, low, close, FIGURE_PERIODS.atr), t),
    rsi: at(rsi(close, FIGURE_PERIODS.rsi), t),
    macd: macdState(lines.macd, lines.signal, lines.histogram, t),
    smaFast: at(smaFast, t),
    smaSlow: at(smaSlow, t),
    trend: trend(c, at(smaFast, t), at(smaSlow, t)),
    smaCross: crossing(smaFast, smaSlow, t, ['golden', 'death']),
    closeCrosses: (
      [
        [smaFast, FIGURE_PERIODS.smaFast],
        [smaSlow, FIGURE_PERIODS.smaSlow],
      ] as const
    ).flatMap(([line, period]) => {
      const cross = crossing(close, line, t, ['above', 'below']);
      return cross ? [`${cross} SMA ${period}`] : [];
    }),
  };
}

/** `values[i]`, or null for a warm-up NaN or a missing bar. */
function at(values: Float64Array, i: number): number | null {
  const v = values[i];
  return v === undefined || Number.isNaN(v) ? null : v;
}

/** The mean of the `count` values before `values[t]`: the SMA ending on the bar before. */
function averageBefore(values: Float64Array, t: number, count: number): number | null {
  if (t < 1) return null;
  const mean = at(sma(values.subarray(0, t), count), t - 1);
  return mean === null || mean === 0 ? null : mean;
}

function dailyVolatility(close: Float64Array): number | null {
  const n = FIGURE_PERIODS.volatility;
  if (close.length <= n) return null;
  const returns = returnDistribution(close.subarray(close.length - n - 1), 1);
  return returns.stdev * Math.sqrt(periodsPerYear('1d'));
}

/** The realised volatility of the chart's bars on the last day they cover. */
function intradayVolatility(bars: Candles, timeframe: Timeframe): number | null {
  if (timeframe === '1d') return null;
  const days = volatilityByPeriod(bars.time, bars.close, 'day', periodsPerYear(timeframe));
  const day = days.at(-1);
  return day && day.returns > 1 ? day.annualisedVolatility : null;
}

function macdState(
  line: Float64Array,
  signal: Float64Array,
  histogram: Float64Array,
  t: number,
): MacdState | null {
  const [m, s, h] = [at(line, t), at(signal, t), at(histogram, t)];
  if (m === null || s === null || h === null) return null;
  return {
    macd: m,
    signal: s,
    histogram: h,
    side: m > s ? 'bullish' : 'bearish',
    cross: crossing(line, signal, t, ['bullish', 'bearish']),
  };
}

/** `a` crossing `b` between bars t − 1 and t: `names[0]` upwards, `names[1]` downwards. */
function crossing<T>(a: Float64Array, b: Float64Array, t: number, names: [T, T]): T | null {
  if (t < 1) return null;
  const before = a[t - 1]! - b[t - 1]!;
  const now = a[t]! - b[t]!;
  // NaN (warm-up) compares false both ways: no cross.
  if (before <= 0 && now > 0) return names[0];
  if (before >= 0 && now < 0) return names[1];
  return null;
}

function trend(close: number, fast: number | null, slow: number | null): DayFigures['trend'] {
  if (fast === null || slow === null) return null;
  if (close > fast && fast > slow) return 'up';
  if (close < fast && fast < slow) return 'down';
  return 'mixed';
}

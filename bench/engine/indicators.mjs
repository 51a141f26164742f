// The same indicators in four libraries over the same candles. Each library entry maps the
// prepared data to a function to time: `c` holds the engine's Float64Array columns, `p` plain
// array copies (TA-Lib and technicalindicators read plain arrays only; the copies are made once,
// outside the timing). trading-signals is a streaming library: one `add()` per candle.
// Definitions differ in places (trading-signals seeds its EMA with the first value, for one):
// this compares throughput, not values; the engine's values are tested against TA-Lib's.
import * as ti from 'technicalindicators';
import * as ts from 'trading-signals';
import { analysis, talib } from './lib.mjs';

export const LIBRARIES = ['wadm', 'talib', 'technicalindicators', 'trading-signals'];

/**
 * A TA-Lib call over the whole series. With `lastOnly` it asks for the last value alone:
 * node-talib still copies every input element into C, so that call costs about the copy, and the
 * full call minus it is TA-Lib's C loop plus the building of the JS output array.
 */
const ta = (name, p, options, lastOnly) => () => {
  const endIdx = p.close.length - 1;
  return talib.execute({ name, startIdx: lastOnly ? endIdx : 0, endIdx, ...options });
};

const stream = (make, input) => (c) => () => {
  const indicator = make();
  let last = null;
  for (let i = 0; i < c.close.length; i++) last = indicator.add(input(c, i));
  return last;
};
const closeAt = (c, i) => c.close[i];
const hlcAt = (c, i) => ({ high: c.high[i], low: c.low[i], close: c.close[i] });
const hlAt = (c, i) => ({ high: c.high[i], low: c.low[i] });

export const INDICATORS = [
  {
    name: 'SMA(20)',
    wadm: (c) => () => analysis.sma(c.close, 20),
    talib: (c, p, last) => ta('SMA', p, { inReal: p.close, optInTimePeriod: 20 }, last),
    technicalindicators: (c, p) => () => ti.SMA.calculate({ period: 20, values: p.close }),
    'trading-signals': stream(() => new ts.SMA(20), closeAt),
  },
  {
    name: 'EMA(20)',
    wadm: (c) => () => analysis.ema(c.close, 20),
    talib: (c, p, last) => ta('EMA', p, { inReal: p.close, optInTimePeriod: 20 }, last),
    technicalindicators: (c, p) => () => ti.EMA.calculate({ period: 20, values: p.close }),
    'trading-signals': stream(() => new ts.EMA(20), closeAt),
  },
  {
    name: 'RSI(14)',
    wadm: (c) => () => analysis.rsi(c.close, 14),
    talib: (c, p, last) => ta('RSI', p, { inReal: p.close, optInTimePeriod: 14 }, last),
    technicalindicators: (c, p) => () => ti.RSI.calculate({ period: 14, values: p.close }),
    'trading-signals': stream(() => new ts.RSI(14), closeAt),
  },
  {
    name: 'MACD(12,26,9)',
    wadm: (c) => () => analysis.macd(c.close, 12, 26, 9),
    talib: (c, p, last) =>
      ta(
        'MACD',
        p,
        {
          inReal: p.close,
          optInFastPeriod: 12,
          optInSlowPeriod: 26,
          optInSignalPeriod: 9,
        },
        last,
      ),
    technicalindicators: (c, p) => () =>
      ti.MACD.calculate({
        values: p.close,
        fastPeriod: 12,
        slowPeriod: 26,
        signalPeriod: 9,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      }),
    'trading-signals': stream(
      () => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)),
      closeAt,
    ),
  },
  {
    name: 'BBANDS(20,2)',
    wadm: (c) => () => analysis.bollinger(c.close, 20, 2),
    talib: (c, p, last) =>
      ta(
        'BBANDS',
        p,
        {
          inReal: p.close,
          optInTimePeriod: 20,
          optInNbDevUp: 2,
          optInNbDevDn: 2,
          optInMAType: 0,
        },
        last,
      ),
    technicalindicators: (c, p) => () =>
      ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: p.close }),
    'trading-signals': stream(() => new ts.BollingerBands(20, 2), closeAt),
  },
  {
    name: 'ATR(14)',
    wadm: (c) => () => analysis.atr(c.high, c.low, c.close, 14),
    talib: (c, p, last) =>
      ta('ATR', p, { high: p.high, low: p.low, close: p.close, optInTimePeriod: 14 }, last),
    technicalindicators: (c, p) => () =>
      ti.ATR.calculate({ high: p.high, low: p.low, close: p.close, period: 14 }),
    'trading-signals': stream(() => new ts.ATR(14), hlcAt),
  },
  {
    name: 'Donchian(20)',
    wadm: (c) => () => analysis.donchian(c.high, c.low, 20),
    // TA-Lib has no Donchian channel: MAX of highs and MIN of lows make one.
    talib: (c, p, last) => {
      const max = ta('MAX', p, { inReal: p.high, optInTimePeriod: 20 }, last);
      const min = ta('MIN', p, { inReal: p.low, optInTimePeriod: 20 }, last);
      return () => [max(), min()];
    },
    technicalindicators: (c, p) => () => [
      ti.Highest.calculate({ period: 20, values: p.high }),
      ti.Lowest.calculate({ period: 20, values: p.low }),
    ],
    'trading-signals': stream(() => new ts.DonchianChannels(20), hlAt),
  },
];

/** Plain-array copies of the columns the indicators read. */
export function plainColumns(candles) {
  return {
    close: Array.from(candles.close),
    high: Array.from(candles.high),
    low: Array.from(candles.low),
  };
}

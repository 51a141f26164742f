import { ema, macd, sma } from '@wadm/analysis';
import { defineStrategy, lessThan, periodRule } from './definition.js';
import { crossSignals } from './signal.js';

/** Long when the fast SMA of closes crosses above the slow one, out on the opposite cross. */
export const smaCross = defineStrategy({
  params: { fast: periodRule(10), slow: periodRule(30) },
  relations: (p) => lessThan(p, 'fast', 'slow'),
  signals: (candles, p) => crossSignals(sma(candles.close, p.fast), sma(candles.close, p.slow)),
});

/** As `smaCross` with EMAs (each seeded with the SMA of its first period). */
export const emaCross = defineStrategy({
  params: { fast: periodRule(12), slow: periodRule(26) },
  relations: (p) => lessThan(p, 'fast', 'slow'),
  signals: (candles, p) => crossSignals(ema(candles.close, p.fast), ema(candles.close, p.slow)),
});

/** Long when the MACD line crosses above its signal line, out on the opposite cross. */
export const macdCross = defineStrategy({
  // TA-Lib's MACD takes signal periods from 1, but its output is garbage for 1 (the EMA
  // look-back of 1 is invalid), so 2 is the least period where TA-Lib defines a value.
  params: { fast: periodRule(12), slow: periodRule(26), signal: periodRule(9) },
  relations: (p) => lessThan(p, 'fast', 'slow'),
  signals: (candles, p) => {
    const series = macd(candles.close, p.fast, p.slow, p.signal);
    return crossSignals(series.macd, series.signal);
  },
});

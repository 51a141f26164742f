import { bollinger, rsi } from '@wadm/analysis';
import { defineStrategy, lessThan, periodRule } from './definition.js';
import { BEARISH, BULLISH, Signal } from './signal.js';

/**
 * Long when RSI < `lower`, out when RSI > `upper`. Shorts mirror it: in when RSI > `upper`, out
 * when RSI < `lower`.
 */
export const rsiReversion = defineStrategy({
  params: {
    period: periodRule(14),
    lower: { default: 30, min: 0, max: 100, integer: false },
    upper: { default: 70, min: 0, max: 100, integer: false },
  },
  relations: (p) => lessThan(p, 'lower', 'upper'),
  signals: (candles, p) => {
    const values = rsi(candles.close, p.period);
    const out = new Uint8Array(values.length);
    for (let t = p.period; t < values.length; t++) {
      const r = values[t]!;
      if (r < p.lower) out[t] = BULLISH;
      else if (r > p.upper) out[t] = BEARISH;
    }
    return out;
  },
});

/**
 * Long when the close is below the lower band, out when it is above the middle band. Shorts
 * mirror it: in above the upper band, out below the middle band.
 */
export const bollingerReversion = defineStrategy({
  params: {
    period: periodRule(20),
    stddev: { default: 2, min: 0.01, max: 100, integer: false },
  },
  signals: (candles, p) => {
    const close = candles.close;
    const { upper, middle, lower } = bollinger(close, p.period, p.stddev);
    const out = new Uint8Array(close.length);
    for (let t = p.period - 1; t < close.length; t++) {
      const c = close[t]!;
      const m = middle[t]!;
      let flags = 0;
      if (c < lower[t]!) flags |= Signal.LONG_ENTRY;
      if (c > m) flags |= Signal.LONG_EXIT;
      if (c > upper[t]!) flags |= Signal.SHORT_ENTRY;
      if (c < m) flags |= Signal.SHORT_EXIT;
      out[t] = flags;
    }
    return out;
  },
});

import { rollingMax, rollingMin } from '@wadm/analysis';
import { defineStrategy, periodRule } from './definition.js';
import { Signal } from './signal.js';

/**
 * Turtle-style breakout: long when the close is above the highest high of the previous `entry`
 * bars, out when it is below the lowest low of the previous `exit` bars. Shorts mirror it: in
 * below the lowest low of the previous `entry` bars, out above the highest high of the previous
 * `exit` bars. "Previous" excludes the current bar, hence the channels read at `t − 1`.
 */
export const donchianBreakout = defineStrategy({
  params: { entry: periodRule(20, 1), exit: periodRule(10, 1) },
  signals: (candles, p) => {
    const { high, low, close } = candles;
    const entryHigh = rollingMax(high, p.entry);
    const entryLow = rollingMin(low, p.entry);
    const exitHigh = p.exit === p.entry ? entryHigh : rollingMax(high, p.exit);
    const exitLow = p.exit === p.entry ? entryLow : rollingMin(low, p.exit);
    const out = new Uint8Array(close.length);
    // Before the channels exist they are NaN and every comparison below is false.
    for (let t = 1; t < close.length; t++) {
      const c = close[t]!;
      let flags = 0;
      if (c > entryHigh[t - 1]!) flags |= Signal.LONG_ENTRY;
      if (c < exitLow[t - 1]!) flags |= Signal.LONG_EXIT;
      if (c < entryLow[t - 1]!) flags |= Signal.SHORT_ENTRY;
      if (c > exitHigh[t - 1]!) flags |= Signal.SHORT_EXIT;
      out[t] = flags;
    }
    return out;
  },
});

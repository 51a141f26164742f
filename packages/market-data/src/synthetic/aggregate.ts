import { CandleBuilder } from '../candle-builder.js';
import type { Candles } from '../candles.js';
import { TIMEFRAME_MS, type Timeframe } from '../timeframe.js';

/**
 * Candles of a longer timeframe built from shorter ones, as an exchange builds them: bars are
 * grouped by the epoch-aligned period of `timeframe` their open time falls in; open of the first,
 * highest high, lowest low, close of the last, summed volume.
 */
export function aggregateCandles(candles: Candles, timeframe: Timeframe): Candles {
  const periodMs = TIMEFRAME_MS[timeframe];
  const { time, open, high, low, close, volume } = candles;
  const out = new CandleBuilder(Math.ceil(time.length / 2));
  let i = 0;
  while (i < time.length) {
    const period = Math.floor((time[i] as number) / periodMs) * periodMs;
    let hi = high[i] as number;
    let lo = low[i] as number;
    let vol = 0;
    let j = i;
    for (; j < time.length && (time[j] as number) < period + periodMs; j++) {
      hi = Math.max(hi, high[j] as number);
      lo = Math.min(lo, low[j] as number);
      vol += volume[j] as number;
    }
    out.push(
      period,
      open[i] as number,
      hi,
      lo,
      close[j - 1] as number,
      Math.round(vol * 1e4) / 1e4,
    );
    i = j;
  }
  return out.build();
}

// The type only: worker threads import the engine, and market-data's runtime loads MongoDB.
import type { Candles } from '@wadm/market-data';

export type { Candles };

/** The first `length` bars of `candles`, sharing their memory. */
export function sliceCandles(candles: Candles, length: number): Candles {
  return {
    time: candles.time.subarray(0, length),
    open: candles.open.subarray(0, length),
    high: candles.high.subarray(0, length),
    low: candles.low.subarray(0, length),
    close: candles.close.subarray(0, length),
    volume: candles.volume.subarray(0, length),
  };
}

/** Throws a RangeError unless every column has the length of `time`. */
export function assertCandles(candles: Candles): void {
  const n = candles.time.length;
  for (const column of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (candles[column].length !== n) {
      throw new RangeError(`candles.${column} has ${candles[column].length} values, time has ${n}`);
    }
  }
}

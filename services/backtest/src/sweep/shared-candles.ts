import type { Candles } from '@wadm/analysis';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const BYTES = Float64Array.BYTES_PER_ELEMENT;

/**
 * Candles in one SharedArrayBuffer, column after column. Posting it to a thread shares the
 * memory instead of copying it, so every task of a sweep reads the same bars for free.
 */
export interface SharedCandles {
  buffer: SharedArrayBuffer;
  bars: number;
}

/** Copies `candles` once into shared memory. */
export function shareCandles(candles: Candles): SharedCandles {
  const bars = candles.time.length;
  const buffer = new SharedArrayBuffer(COLUMNS.length * bars * BYTES);
  COLUMNS.forEach((column, k) =>
    new Float64Array(buffer, k * bars * BYTES, bars).set(candles[column]),
  );
  return { buffer, bars };
}

/** The engine's `Candles` over shared memory, without a copy. */
export function candleViews({ buffer, bars }: SharedCandles): Candles {
  const column = (k: number) => new Float64Array(buffer, k * bars * BYTES, bars);
  return {
    time: column(0),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
  };
}

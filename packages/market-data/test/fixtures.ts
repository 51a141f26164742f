import { randomBytes } from 'node:crypto';
import type { Candles } from '../src/index.js';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** A symbol no other test uses: tests share one store. */
export function uniqueSymbol(): string {
  return `T${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** Bars at `times`; each bar's prices are `price` plus small offsets, so bars are told apart. */
export function bars(times: readonly number[], price = 100): Candles {
  const n = times.length;
  const column = (f: (i: number) => number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    time: Float64Array.from(times),
    open: column(() => price),
    high: column(() => price + 2),
    low: column(() => price - 2),
    close: column(() => price + 1),
    volume: column((i) => i + 0.5),
  };
}

/** `count` hourly open times from `start`. */
export function hours(count: number, start = T0): number[] {
  return Array.from({ length: count }, (_, i) => start + i * HOUR);
}

/** Plain arrays, for readable equality assertions. */
export function plain(candles: Candles): Record<keyof Candles, number[]> {
  return {
    time: Array.from(candles.time),
    open: Array.from(candles.open),
    high: Array.from(candles.high),
    low: Array.from(candles.low),
    close: Array.from(candles.close),
    volume: Array.from(candles.volume),
  };
}

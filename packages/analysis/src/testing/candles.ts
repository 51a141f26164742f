import type { Candles } from '../candles.js';

export const HOUR_MS = 3_600_000;
export const START_MS = Date.UTC(2024, 0, 1);

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1), the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded geometric random walk, hourly from 2024-01-01: each bar opens at the previous close,
 * moves by a normal log return of sd `volatility`, and wicks beyond its body. (Demo series with
 * trends and ranges come from the market-data package; tests only need reproducible prices.)
 */
export function randomWalkCandles(n: number, seed: number, volatility = 0.01): Candles {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const candles: Candles = {
    time: Float64Array.from({ length: n }, (_, i) => START_MS + i * HOUR_MS),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price *= Math.exp(volatility * normal());
    candles.open[i] = open;
    candles.close[i] = price;
    candles.high[i] = Math.max(open, price) * Math.exp(0.5 * volatility * Math.abs(normal()));
    candles.low[i] = Math.min(open, price) * Math.exp(-0.5 * volatility * Math.abs(normal()));
    candles.volume[i] = 1000 * random();
  }
  return candles;
}

/**
 * Candles from opens and closes, hourly from 2024-01-01, highs and lows at the body's edges, so
 * that hand-computed scenarios only have to think about the prices that fill. Opens default to
 * the closes.
 */
export function candlesOf(closes: number[], opens: number[] = closes): Candles {
  const n = closes.length;
  const high = closes.map((c, i) => Math.max(c, opens[i]!));
  const low = closes.map((c, i) => Math.min(c, opens[i]!));
  return {
    time: Float64Array.from({ length: n }, (_, i) => START_MS + i * HOUR_MS),
    open: Float64Array.from(opens),
    high: Float64Array.from(high),
    low: Float64Array.from(low),
    close: Float64Array.from(closes),
    volume: new Float64Array(n).fill(1),
  };
}

/**
 * Independent uniform prices in [50, 150) with highs and lows around them: no trend, no memory,
 * every bar's range different. A harsh input for smoothing and extremes.
 */
export function noiseCandles(n: number, seed: number): Candles {
  const random = seededRandom(seed);
  const closes = Array.from({ length: n }, () => 50 + 100 * random());
  const opens = Array.from({ length: n }, () => 50 + 100 * random());
  const candles = candlesOf(closes, opens);
  for (let i = 0; i < n; i++) {
    candles.high[i] = candles.high[i]! + 5 * random();
    candles.low[i] = candles.low[i]! - 5 * random();
  }
  return candles;
}

/**
 * A random walk with runs of a constant price (every `every` bars, `length` long), to reach the
 * zero-variance and zero-change branches of the indicators.
 */
export function candlesWithFlatRuns(n: number, seed: number, every = 700, length = 40): Candles {
  const candles = randomWalkCandles(n, seed);
  for (let start = every; start < n; start += every) {
    const price = candles.close[start - 1]!;
    for (let i = start; i < Math.min(n, start + length); i++) {
      candles.open[i] = price;
      candles.high[i] = price;
      candles.low[i] = price;
      candles.close[i] = price;
    }
  }
  return candles;
}

/** A straight fall for the first half and a straight rise after: a worst case for extremes. */
export function vCandles(n: number): Candles {
  const half = Math.floor(n / 2);
  const closes = Array.from({ length: n }, (_, i) => 100 + Math.abs(i - half) * 0.01);
  const opens = closes.map((c, i) => (i < half ? c + 0.005 : c - 0.005));
  return candlesOf(closes, opens);
}

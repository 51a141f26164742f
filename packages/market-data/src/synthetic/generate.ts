import { CandleBuilder } from '../candle-builder.js';
import type { Candles } from '../candles.js';
import { TIMEFRAME_MS, type Timeframe } from '../timeframe.js';
import { between, normalFrom, seededRandom } from './random.js';

/** Options of {@link generateCandles}. */
export interface SyntheticOptions {
  /** Same seed, same options: the same candles, bit for bit. */
  seed: number;
  /** Open time of the first bar, ms since the epoch. */
  start: number;
  bars: number;
  timeframe: Timeframe;
  startPrice: number;
  /** Typical standard deviation of one bar's log return. @defaultValue 0.006 */
  volatility?: number;
  /** Mean length of a regime in bars; each lasts from half to one and a half of it. @defaultValue 400 */
  regimeBars?: number;
  /** Typical volume of one bar. @defaultValue 1000 */
  volume?: number;
  /** Decimals prices are rounded to, like an exchange's tick. @defaultValue 2 */
  priceDecimals?: number;
}

/** A stretch of bars `[start, end)` that trends or ranges. */
export interface Regime {
  kind: 'trend' | 'range';
  start: number;
  end: number;
}

export interface SyntheticSeries {
  candles: Candles;
  regimes: Regime[];
}

/** Range regimes pull the log price back to where they began at this rate per bar. */
const RANGE_PULL = 0.03;
/** Volatility clusters: its log follows an AR(1) with this persistence and noise. */
const VOL_PERSISTENCE = 0.98;
const VOL_NOISE = 0.06;
/** One bar in a hundred jumps by several sigmas: crypto has fat tails. */
const JUMP_PROBABILITY = 0.01;

/**
 * A deterministic random walk in alternating trending and ranging regimes, with clustered
 * volatility, occasional jumps and volume that rises with the size of the move. Each bar opens at
 * the previous close; wicks extend beyond open and close, so
 * `high >= max(open, close) >= min(open, close) >= low > 0` holds after rounding too.
 */
export function generateCandles(options: SyntheticOptions): SyntheticSeries {
  const random = seededRandom(options.seed);
  const normal = normalFrom(random);
  const baseVol = options.volatility ?? 0.006;
  const meanRegime = options.regimeBars ?? 400;
  const baseVolume = options.volume ?? 1000;
  const scale = 10 ** (options.priceDecimals ?? 2);
  const round = (price: number): number => Math.max(1, Math.round(price * scale)) / scale;
  const barMs = TIMEFRAME_MS[options.timeframe];
  const logStart = Math.log(options.startPrice);

  const bars = new CandleBuilder(options.bars);
  const regimes: Regime[] = [];
  let logPrice = logStart;
  let logVol = 0;
  let kind: Regime['kind'] = random() < 0.5 ? 'trend' : 'range';
  let regimeEnd = 0;
  let drift = 0;
  let anchor = logStart;
  for (let i = 0; i < options.bars; i++) {
    if (i === regimeEnd) {
      if (i > 0) kind = kind === 'trend' ? 'range' : 'trend';
      regimeEnd = Math.min(options.bars, i + Math.round(between(random, 0.5, 1.5) * meanRegime));
      regimes.push({ kind, start: i, end: regimeEnd });
      anchor = logPrice;
      // Trends lean back towards the start price, so three years stay in a believable band.
      const up = random() < 0.55 - 0.35 * Math.tanh(logPrice - logStart);
      drift = (up ? 1 : -1) * baseVol * between(random, 0.03, 0.12);
    }
    logVol = VOL_PERSISTENCE * logVol + VOL_NOISE * normal();
    const vol = baseVol * Math.exp(logVol) * (kind === 'trend' ? 1.1 : 0.8);
    const shock = random() < JUMP_PROBABILITY ? 4 * normal() : normal();
    const pull = kind === 'trend' ? drift : -RANGE_PULL * (logPrice - anchor);
    const move = pull + vol * shock;
    const open = Math.exp(logPrice);
    logPrice += move;
    const close = Math.exp(logPrice);
    const high = Math.max(open, close) * Math.exp(0.5 * vol * Math.abs(normal()));
    const low = Math.min(open, close) * Math.exp(-0.5 * vol * Math.abs(normal()));
    const activity = 1 + Math.abs(move) / baseVol;
    const volume = baseVolume * activity * Math.exp(0.3 * normal()) * (kind === 'trend' ? 1.2 : 1);
    bars.push(
      options.start + i * barMs,
      round(open),
      round(high),
      round(low),
      round(close),
      Math.round(volume * 1e4) / 1e4,
    );
  }
  return { candles: bars.build(), regimes };
}

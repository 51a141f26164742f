import type { Candles } from '@wadm/analysis';
import { Signal } from './strategies/signal.js';

/** Trading costs and permissions of a backtest. */
export interface Costs {
  /** Equity before the first bar. */
  initialCapital: number;
  /** Fee on each fill's notional, in basis points. */
  feeBps: number;
  /** Fill prices move against the trade by this many basis points. */
  slippageBps: number;
  /** Whether sell signals may open short positions; long-only when false. */
  allowShort: boolean;
}

/** A round trip, with bar indices rather than times. */
export interface SimulatedTrade {
  /** 1 long, −1 short. */
  direction: 1 | -1;
  entryBar: number;
  /** Fill price, slippage included. */
  entryPrice: number;
  exitBar: number;
  exitPrice: number;
  /** Units, always positive. */
  size: number;
  /** Entry fee plus exit fee. */
  fee: number;
  /** Equity after the exit minus equity before the entry. */
  pnl: number;
}

export interface Simulation {
  trades: SimulatedTrade[];
  /** Equity marked at each close; the last one is after the final close, costs included. */
  equity: Float64Array;
  /** Bars whose close found a position open (entry bar included, exit bar not). */
  exposedBars: number;
}

/**
 * Replays `signals` over `candles` by the contract in DESIGN.md ("Backtest semantics"):
 *
 * - a signal at the close of bar t fills at the open of bar t + 1; one on the last bar is dropped;
 * - fills move against the trade by `slippageBps` and pay `feeBps` of their notional;
 * - entering with equity E at fill price p and fee rate f buys E / (p × (1 + f)) units, for a
 *   short as for a long; a reversal exits and enters at the same open, in that order;
 * - a position still open after the last bar is closed at its close, with slippage and fee;
 * - open positions are marked at each close without exit costs;
 * - once equity is not positive (a short can lose more than it staked) nothing more is entered.
 */
export function simulate(candles: Candles, signals: Uint8Array, costs: Costs): Simulation {
  const { open, close } = candles;
  const n = close.length;
  const fee = costs.feeBps / 10_000;
  const slip = costs.slippageBps / 10_000;
  const equity = new Float64Array(n);
  const trades: SimulatedTrade[] = [];
  let exposedBars = 0;
  let cash = costs.initialCapital; // equity while flat; the equity staked while in a position
  let position: Entry | null = null;
  let target: -1 | 0 | 1 = 0; // the position the last signal asked for

  for (let t = 0; t < n; t++) {
    if (target !== (position?.direction ?? 0)) {
      if (position) {
        const trade = exit(position, t, open[t]!, slip, fee);
        trades.push(trade);
        cash += trade.pnl;
        position = null;
      }
      if (target !== 0 && cash > 0) position = enter(target, t, open[t]!, cash, slip, fee);
    }
    if (position) {
      exposedBars++;
      const { direction, units, price } = position;
      equity[t] = cash + direction * units * (close[t]! - price) - position.fee;
      target = nextPosition(direction, signals[t]!, costs.allowShort);
    } else {
      equity[t] = cash;
      target = nextPosition(0, signals[t]!, costs.allowShort);
    }
  }
  if (position) {
    const trade = exit(position, n - 1, close[n - 1]!, slip, fee);
    trades.push(trade);
    equity[n - 1] = cash + trade.pnl;
  }
  return { trades, equity, exposedBars };
}

/** An open position. */
interface Entry {
  direction: 1 | -1;
  bar: number;
  /** Fill price, slippage included. */
  price: number;
  units: number;
  fee: number;
}

function enter(
  direction: 1 | -1,
  bar: number,
  open: number,
  equity: number,
  slip: number,
  fee: number,
): Entry {
  const price = direction > 0 ? open * (1 + slip) : open * (1 - slip);
  const units = equity / (price * (1 + fee));
  return { direction, bar, price, units, fee: units * price * fee };
}

/** The round trip of `entry` closed on bar `bar` at `quote`, slippage and fee included. */
function exit(entry: Entry, bar: number, quote: number, slip: number, fee: number): SimulatedTrade {
  const { direction, units } = entry;
  const price = direction > 0 ? quote * (1 - slip) : quote * (1 + slip);
  const exitFee = units * price * fee;
  return {
    direction,
    entryBar: entry.bar,
    entryPrice: entry.price,
    exitBar: bar,
    exitPrice: price,
    size: units,
    fee: entry.fee + exitFee,
    pnl: direction * units * (price - entry.price) - entry.fee - exitFee,
  };
}

/** The position that the flags of a bar ask for, given the one held at its close. */
function nextPosition(position: -1 | 0 | 1, flags: number, allowShort: boolean): -1 | 0 | 1 {
  if (position > 0) {
    if ((flags & Signal.LONG_EXIT) === 0) return 1;
    return allowShort && (flags & Signal.SHORT_ENTRY) !== 0 ? -1 : 0;
  }
  if (position < 0) {
    if ((flags & Signal.SHORT_EXIT) === 0) return -1;
    return (flags & Signal.LONG_ENTRY) !== 0 ? 1 : 0;
  }
  if ((flags & Signal.LONG_ENTRY) !== 0) return 1;
  return allowShort && (flags & Signal.SHORT_ENTRY) !== 0 ? -1 : 0;
}

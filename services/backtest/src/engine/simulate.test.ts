import { describe, expect, it } from 'vitest';
import { candlesOf } from '@wadm/analysis/testing';
import { simulate, type Costs } from './simulate.js';
import { Signal } from './strategies/signal.js';

const { LONG_ENTRY, LONG_EXIT, SHORT_ENTRY, SHORT_EXIT } = Signal;
const COSTS: Costs = { initialCapital: 10_000, feeBps: 0, slippageBps: 0, allowShort: false };

/** Signals with `flags` on the given bars, nothing elsewhere. */
function signalsOf(n: number, flags: Record<number, number>): Uint8Array {
  const out = new Uint8Array(n);
  for (const [bar, f] of Object.entries(flags)) out[Number(bar)] = f;
  return out;
}

describe('simulate', () => {
  const opens = [100, 101, 110, 120, 118];
  const closes = [100.5, 105, 115, 119, 117];
  const candles = candlesOf(closes, opens);

  it('simulate - fills a signal at the next open and charges the fee on both notionals', () => {
    const run = simulate(candles, signalsOf(5, { 0: LONG_ENTRY, 2: LONG_EXIT }), {
      ...COSTS,
      feeBps: 10,
    });
    // Entry at open[1] = 101: 10 000 / (101 × 1.001) units; exit at open[3] = 120.
    expect(run.trades).toHaveLength(1);
    const [trade] = run.trades;
    expect(trade).toMatchObject({ direction: 1, entryBar: 1, entryPrice: 101, exitBar: 3 });
    expect(trade!.exitPrice).toBe(120);
    expect(trade!.size).toBeCloseTo(98.91099000009892, 10);
    expect(trade!.fee).toBeCloseTo(21.859328790021863, 9);
    expect(trade!.pnl).toBeCloseTo(1857.4494812118573, 9);
    // Marked at each close without exit costs; flat once the exit filled.
    const units = 10_000 / (101 * 1.001);
    const entryFee = units * 101 * 0.001;
    expect(run.equity[0]).toBe(10_000);
    expect(run.equity[1]).toBeCloseTo(10_000 + units * (105 - 101) - entryFee, 9);
    expect(run.equity[2]).toBeCloseTo(10_000 + units * (115 - 101) - entryFee, 9);
    expect(run.equity[3]).toBeCloseTo(11857.449481211857, 9);
    expect(run.equity[4]).toBe(run.equity[3]);
    expect(run.exposedBars).toBe(2);
  });

  it('simulate - moves fills against the trade by the slippage', () => {
    const run = simulate(candles, signalsOf(5, { 0: LONG_ENTRY, 2: LONG_EXIT }), {
      ...COSTS,
      slippageBps: 50,
    });
    const [trade] = run.trades;
    expect(trade!.entryPrice).toBeCloseTo(101 * 1.005, 12);
    expect(trade!.exitPrice).toBeCloseTo(120 * 0.995, 12);
    expect(trade!.size).toBeCloseTo(10_000 / (101 * 1.005), 12);
    expect(trade!.fee).toBe(0);
    expect(trade!.pnl).toBeCloseTo((10_000 / (101 * 1.005)) * 120 * 0.995 - 10_000, 9);
  });

  it('simulate - closes a position still open at the last close, with slippage and fee', () => {
    const run = simulate(candles, signalsOf(5, { 1: LONG_ENTRY }), {
      ...COSTS,
      feeBps: 10,
      slippageBps: 20,
    });
    const entry = 110 * 1.002;
    const units = 10_000 / (entry * 1.001);
    const exit = 117 * 0.998;
    expect(run.trades).toEqual([
      {
        direction: 1,
        entryBar: 2,
        entryPrice: entry,
        exitBar: 4,
        exitPrice: exit,
        size: units,
        fee: units * entry * 0.001 + units * exit * 0.001,
        pnl: units * (exit - entry) - units * entry * 0.001 - units * exit * 0.001,
      },
    ]);
    expect(run.equity[4]).toBeCloseTo(units * exit * 0.999, 9);
    expect(run.exposedBars).toBe(3);
  });

  it('simulate - drops a signal on the last bar, which has no next open', () => {
    const run = simulate(candles, signalsOf(5, { 4: LONG_ENTRY }), COSTS);
    expect(run.trades).toEqual([]);
    expect([...run.equity]).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(run.exposedBars).toBe(0);
  });

  it('simulate - ignores an entry while in a position and an exit while flat', () => {
    const flags = { 0: LONG_EXIT, 1: LONG_ENTRY, 2: LONG_ENTRY, 3: LONG_EXIT };
    const run = simulate(candles, signalsOf(5, flags), COSTS);
    expect(run.trades.map((t) => [t.entryBar, t.exitBar])).toEqual([[2, 4]]);
  });

  it('simulate - opens no short unless allowed', () => {
    const signals = signalsOf(5, { 0: SHORT_ENTRY, 2: SHORT_EXIT });
    expect(simulate(candles, signals, COSTS).trades).toEqual([]);
    const run = simulate(candles, signals, { ...COSTS, allowShort: true, feeBps: 10 });
    const units = 10_000 / (101 * 1.001);
    const fee = units * 101 * 0.001 + units * 120 * 0.001;
    expect(run.trades).toHaveLength(1);
    expect(run.trades[0]).toMatchObject({ direction: -1, entryBar: 1, exitBar: 3 });
    expect(run.trades[0]!.pnl).toBeCloseTo(units * (101 - 120) - fee, 9);
    // A short gains as the price falls: marked at close[2] = 115, above the entry at 101.
    expect(run.equity[2]).toBeCloseTo(10_000 - units * (115 - 101) - units * 101 * 0.001, 9);
  });

  it('simulate - reverses at one open: exits first, then enters with the new equity', () => {
    const flags = { 0: LONG_ENTRY, 2: LONG_EXIT | SHORT_ENTRY };
    const run = simulate(candles, signalsOf(5, flags), { ...COSTS, allowShort: true, feeBps: 10 });
    expect(run.trades.map((t) => [t.direction, t.entryBar, t.exitBar])).toEqual([
      [1, 1, 3],
      [-1, 3, 4],
    ]);
    const [long, short] = run.trades;
    expect(short!.entryPrice).toBe(120);
    expect(short!.size).toBeCloseTo((10_000 + long!.pnl) / (120 * 1.001), 9);
    expect(run.equity[4]).toBeCloseTo(10_000 + long!.pnl + short!.pnl, 9);
    expect(run.exposedBars).toBe(4);
  });

  it('simulate - enters nothing more once a short has lost all the equity', () => {
    const rally = candlesOf([100, 100, 400, 400, 400, 400]);
    const flags = { 0: SHORT_ENTRY, 2: SHORT_EXIT, 3: LONG_ENTRY };
    const run = simulate(rally, signalsOf(6, flags), { ...COSTS, allowShort: true });
    expect(run.trades).toHaveLength(1);
    expect(run.trades[0]!.pnl).toBeCloseTo(-30_000, 9);
    expect(run.equity[5]).toBeCloseTo(-20_000, 9);
  });
});

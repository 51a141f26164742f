// One backtest in a fresh process: how much resident memory it adds on top of its candles.
// Usage: node --expose-gc bench/engine/memory.mjs <strategy> <candles>
// Linux resets the peak resident size (VmHWM) on writing 5 to /proc/self/clear_refs, so the
// peak read after the run is the run's own, not the candle generation's.
import { readFileSync, writeFileSync } from 'node:fs';
import { benchCandles, emit, engine, round } from './lib.mjs';

const [strategy = 'sma_cross', count = '1000000'] = process.argv.slice(2);
const statusKb = (field) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))[1]);

const candles = benchCandles(Number(count));
globalThis.gc();
globalThis.gc();
writeFileSync('/proc/self/clear_refs', '5');
const baseKb = statusKb('VmRSS');
const result = engine.runBacktest(candles, {
  strategy: { name: strategy },
  timeframe: '1m',
  initialCapital: 10_000,
  feeBps: 10,
  slippageBps: 5,
  allowShort: false,
});
const peakKb = statusKb('VmHWM');
emit({
  kind: 'memory',
  strategy,
  candles: candles.time.length,
  trades: result.metrics.trades,
  baseRssMb: round(baseKb / 1024, 1),
  peakRssMb: round(peakKb / 1024, 1),
  addedMb: round((peakKb - baseKb) / 1024, 1),
});

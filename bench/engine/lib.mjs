// Shared pieces of the engine benchmark (bench/engine/run.mjs): the engine, the indicators,
// TA-Lib, the data set, the machine's description and the timer. Needs the workspace built
// (`pnpm run build`).
import { createRequire } from 'node:module';
import { cpus, loadavg, release } from 'node:os';
import { performance } from 'node:perf_hooks';

const backtestDir = new URL('../../services/backtest/', import.meta.url);

/** The built engine: run `pnpm run build` (or `tsc --build services/backtest`) first. */
export const engine = await import(new URL('dist/engine/index.js', backtestDir).href);

const analysisDir = new URL('../../packages/analysis/', import.meta.url);

/** The built indicators and analyses the engine uses (`@wadm/analysis`). */
export const analysis = await import(new URL('dist/index.js', analysisDir).href);

/** TA-Lib's native binding, a devDependency of the analysis package. */
export const talib = createRequire(new URL('package.json', analysisDir))('talib');

const marketData = await import(
  new URL('../../packages/market-data/dist/index.js', import.meta.url).href
);

/**
 * The market-data package's demo generator (trends and ranges, clustered volatility): one-minute
 * candles with 0.1 % volatility per bar, about Bitcoin's on one-minute bars.
 */
export function benchCandles(n) {
  const { candles } = marketData.generateCandles({
    seed: 42,
    start: Date.UTC(2022, 0, 1),
    bars: n,
    timeframe: '1m',
    startPrice: 30_000,
    volatility: 0.001,
  });
  return candles;
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * Runs `fn` once (its time kept as `firstMs`: a fresh worker pays it), `warmup − 1` more times
 * untimed, then `runs` times. Reports the median wall time and the median CPU time of the
 * process (user + system): on a shared machine the CPU time is the steadier of the two.
 */
export function measure(fn, { warmup = 2, runs = 7 } = {}) {
  let t0 = performance.now();
  let result = fn();
  const firstMs = performance.now() - t0;
  for (let i = 1; i < warmup; i++) fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    result = fn();
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  return { firstMs: round(firstMs), medianMs: median(wall), cpuMs: median(cpu), result };
}

const median = (values) => round(values.sort((a, b) => a - b)[values.length >> 1]);

export const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function emit(record) {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

export function log(message) {
  process.stderr.write(`[bench:engine] ${message}\n`);
}

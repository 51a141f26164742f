// Sweep throughput: one SMA-cross grid on the service's EnginePool with 1 and with 2 threads.
// Prints one `sweep` line per pool size, then `sweepScaling` (2-thread ÷ 1-thread backtests/s).
// Usage: node bench/engine/sweep.mjs [--bars 200000] [--runs 5]   (run.mjs runs it too)
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchCandles, emit, engine, log, machine, round } from './lib.mjs';

const { EnginePool } = await import(
  new URL('../../services/backtest/dist/sweep/pool.js', import.meta.url).href
);

const { values: args } = parseArgs({
  options: {
    bars: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '5' },
  },
});
const bars = Number(args.bars);
const runs = Number(args.runs);
const THREADS = [1, 2];
const COSTS = { initialCapital: 10_000, feeBps: 10, slippageBps: 5, allowShort: false };
// fast 2..40 × slow 10..200, 366 of the 400 with fast < slow.
const GRID = {
  fast: Array.from({ length: 20 }, (_, i) => 2 + 2 * i),
  slow: Array.from({ length: 20 }, (_, i) => 10 + 10 * i),
};

log(`sweep: generating ${bars} candles`);
const candles = benchCandles(bars);
const strategies = engine.expandGrid('sma_cross', GRID);
const combinations = strategies.length;

const sweep = (pool) =>
  pool.sweep({
    candles,
    timeframe: '1m',
    costs: COSTS,
    strategies,
    objective: 'sharpe',
    top: 10,
    signal: new AbortController().signal,
    onProgress: () => {},
  });

/** Wall and process CPU time (every thread's) of one sweep. */
async function timed(pool) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const top = await sweep(pool);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  return { ms, cpuMs: (used.user + used.system) / 1000, top };
}

const loadStart = machine().loadavg;
const pools = THREADS.map((threads) => new EnginePool(threads));
const samples = THREADS.map(() => []);
try {
  // One whole sweep per pool first: starts its threads and warms their JIT.
  const firstMs = [];
  const bestParams = [];
  for (const pool of pools) {
    log(`sweep: warm-up with ${pool.threads} thread(s)`);
    const { ms, top } = await timed(pool);
    firstMs.push(ms);
    bestParams.push(JSON.stringify(top.map((c) => c.params)));
  }
  if (bestParams[0] !== bestParams[1]) throw new Error('1 and 2 threads ranked differently');
  // Interleaved, so a change in the machine's background load hits both pool sizes alike.
  for (let r = 0; r < runs; r++) {
    log(`sweep: run ${r + 1} of ${runs}`);
    for (const [k, pool] of pools.entries()) samples[k].push(await timed(pool));
  }
  const results = THREADS.map((threads, k) => {
    const ms = median(samples[k].map((s) => s.ms));
    const cpuMs = median(samples[k].map((s) => s.cpuMs));
    return {
      kind: 'sweep',
      strategy: 'sma_cross',
      threads,
      combinations,
      bars,
      firstMs: round(firstMs[k]),
      ms: round(ms),
      minMs: round(Math.min(...samples[k].map((s) => s.ms))),
      cpuMs: round(cpuMs),
      // CPU time over wall time: how many cores the sweep actually got.
      coresBusy: round(cpuMs / ms),
      backtestsPerSec: round((combinations / ms) * 1000, 1),
    };
  });
  results.forEach(emit);
  const [one, two] = results;
  emit({
    kind: 'sweepScaling',
    threads: '1→2',
    scaling: round(two.backtestsPerSec / one.backtestsPerSec),
    bestRunScaling: round(one.minMs / two.minMs),
    goal: 1.8,
    loadavgAtStart: loadStart,
    loadavgAtEnd: machine().loadavg,
  });
} finally {
  await Promise.all(pools.map((pool) => pool.close()));
}

function median(values) {
  return values.sort((a, b) => a - b)[values.length >> 1];
}

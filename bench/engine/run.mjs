// Engine benchmark: every strategy over 1M one-minute candles, the memory a backtest adds,
// indicator throughput beside TA-Lib (native), technicalindicators and trading-signals, and
// sweep throughput on the service's thread pool with 1 and 2 threads (sweep.mjs).
// Prints one JSON object per line on stdout (progress on stderr); the last line checks the goals.
// Usage: node bench/engine/run.mjs [--candles 1000000]   (build first: pnpm run build)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { INDICATORS, LIBRARIES, plainColumns } from './indicators.mjs';
import { benchCandles, emit, engine, log, machine, measure, round } from './lib.mjs';

const { values: args } = parseArgs({
  options: { candles: { type: 'string', default: '1000000' } },
});
const n = Number(args.candles);
const COSTS = { timeframe: '1m', initialCapital: 10_000, feeBps: 10, slippageBps: 5 };
// technicalindicators and trading-signals take seconds per million candles: fewer runs.
const RUNS = { wadm: 9, talib: 9, technicalindicators: 3, 'trading-signals': 3 };

emit({ kind: 'machine', ...machine() });
log(`generating ${n} candles`);
const candles = benchCandles(n);

const backtests = {};
for (const name of Object.keys(engine.STRATEGIES)) {
  for (const allowShort of [false, true]) {
    log(`backtest ${name}${allowShort ? ' with shorts' : ''}`);
    const spec = { ...COSTS, allowShort, strategy: { name } };
    const m = measure(() => engine.runBacktest(candles, spec), { warmup: 2, runs: 9 });
    const record = {
      kind: 'backtest',
      strategy: name,
      params: engine.resolveStrategy(name).params,
      allowShort,
      candles: n,
      trades: m.result.metrics.trades,
      firstMs: m.firstMs,
      medianMs: m.medianMs,
      cpuMs: m.cpuMs,
      candlesPerSec: Math.round((n / m.medianMs) * 1000),
    };
    if (!allowShort) backtests[name] = record;
    emit(record);
  }
}

// Where an SMA-cross run spends its time: signals and fills, metrics, then the rest of
// runBacktest (validation, the trades' ISO times, the equity sample).
{
  const strategy = engine.resolveStrategy('sma_cross');
  const costs = { ...COSTS, allowShort: false };
  const signals = measure(() => engine.strategySignals(candles, strategy), { runs: 9 });
  const fills = measure(() => engine.simulate(candles, signals.result, costs), { runs: 9 });
  const metrics = measure(() => engine.simulationMetrics(candles, fills.result, costs), {
    runs: 9,
  });
  emit({
    kind: 'breakdown',
    strategy: 'sma_cross',
    candles: n,
    signalsCpuMs: signals.cpuMs,
    simulateCpuMs: fills.cpuMs,
    metricsCpuMs: metrics.cpuMs,
    totalCpuMs: backtests.sma_cross.cpuMs,
  });
}

const memory = {};
for (const name of Object.keys(engine.STRATEGIES)) {
  log(`memory of ${name}`);
  const script = fileURLToPath(new URL('memory.mjs', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', script, name, String(n)]);
  const record = JSON.parse(out.toString());
  memory[name] = record;
  emit(record);
}

const plain = plainColumns(candles);
const indicators = {};
for (const indicator of INDICATORS) {
  const results = {};
  for (const library of LIBRARIES) {
    log(`${indicator.name} in ${library}`);
    const fn = indicator[library](candles, plain);
    results[library] = measure(fn, { warmup: 1, runs: RUNS[library] });
  }
  const lastValue = measure(indicator.talib(candles, plain, true), { warmup: 1, runs: RUNS.talib });
  for (const library of LIBRARIES) {
    const { medianMs, cpuMs } = results[library];
    emit({
      kind: 'indicator',
      indicator: indicator.name,
      library,
      candles: n,
      medianMs,
      cpuMs,
      candlesPerSec: Math.round((n / medianMs) * 1000),
      timesTalib: round(medianMs / results.talib.medianMs),
      ...(library === 'talib' ? { lastValueOnlyMs: lastValue.medianMs } : {}),
    });
  }
  indicators[indicator.name] = Object.fromEntries(
    LIBRARIES.map((library) => [library, results[library].medianMs]),
  );
}

// In its own process, like memory.mjs: this one's heap of 1M-candle columns stays out of it.
log('sweep with 1 and 2 threads');
const sweepLines = execFileSync(
  process.execPath,
  [fileURLToPath(new URL('sweep.mjs', import.meta.url)), '--bars', String(Math.min(n, 200_000))],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const sweeps = sweepLines
  .toString()
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
sweeps.forEach(emit);
const sweepScaling = sweeps.find((record) => record.kind === 'sweepScaling');

const entries = Object.entries(indicators);
emit({
  kind: 'goals',
  smaCrossMs: {
    value: backtests.sma_cross.medianMs,
    cpu: backtests.sma_cross.cpuMs,
    first: backtests.sma_cross.firstMs,
    goal: 30,
  },
  worstRssAddedMb: {
    value: Math.max(...Object.values(memory).map((m) => m.addedMb)),
    goal: 200,
  },
  withinTwiceTalib: Object.fromEntries(
    entries.map(([name, m]) => [name, round(m.wadm / m.talib) <= 2]),
  ),
  sweepScaling: { value: sweepScaling.scaling, goal: 1.8 },
  timesFasterThanTechnicalindicators: Object.fromEntries(
    entries.map(([name, m]) => [name, round(m.technicalindicators / m.wadm, 1)]),
  ),
  loadavgAtEnd: machine().loadavg,
});

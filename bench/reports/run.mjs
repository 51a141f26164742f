// Reports benchmark: `reports.daily` for 20 symbols through the real reports service (its
// dist/main.js on a private nats-server, candles in the MARKET_DATA object store), and the PDF
// rendering alone in this process.
//
//   pnpm bench:reports [-- --symbols 20 --runs 5 --quiet-wait 60]
//
// Prints one JSON object per line on stdout (progress on stderr): the machine, each timed run
// (submit → SUCCESS, as a client sees it), the render-only throughput, and a summary with the
// goals (≤ 2 s and ≤ 150 MB peak RSS of the service for 20 symbols).
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectNats, provision, TaskClient } from '@wadm/runtime';
import { WORKER_NODE_FLAGS } from '../../scripts/start/node-flags.mjs';
import {
  closeAllScopes,
  describeMachine,
  log,
  round,
  waitForQuiet,
  Scope,
  spawnChild,
  startNatsServer,
} from '../pipeline/lib.mjs';

const ROOT = new URL('../../', import.meta.url);
const dist = (path) => import(new URL(path, ROOT).href);
const marketData = await dist('packages/market-data/dist/index.js');
const { symbolReport } = await dist('services/reports/dist/report/symbol-report.js');
const { loadSymbolSeries } = await dist('services/reports/dist/report/daily-data.js');
const { renderDailyReport } = await dist('services/reports/dist/pdf/daily-report-pdf.js');

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    symbols: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
    'quiet-wait': { type: 'string', default: '60' },
  },
});
const SYMBOLS = Array.from(
  { length: Number(flags.symbols) },
  (_, i) => `BENCH${String(i + 1).padStart(2, '0')}USDT`,
);
const RUNS = Number(flags.runs);
const DATE = '2024-12-30';
/** Two years of hourly bars per symbol, stored as 1h and aggregated to 1d, as `npm start` seeds. */
const START = Date.UTC(2023, 0, 1);
const HOURS = 2 * 365 * 24;
const GOALS = { seconds: 2, peakRssMb: 150 };

const emit = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
/** CPU seconds (user + system) a process has used: steadier than wall time on a busy machine. */
const cpuSeconds = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
};
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const statusMb = (pid, field) => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return match ? round(Number(match[1]) / 1024, 1) : null;
};

const scope = new Scope('reports');
try {
  emit({ kind: 'machine', ...describeMachine(), symbols: SYMBOLS.length, date: DATE });
  const nats = await startNatsServer(scope);
  const nc = await connectNats({ url: nats.url, name: 'bench-reports' });
  scope.defer(() => nc.close());
  await provision(nc);
  const store = await marketData.ObjectCandleStore.open(nc);
  log(`storing ${SYMBOLS.length} × ${HOURS} hourly candles`);
  for (const [i, symbol] of SYMBOLS.entries()) {
    const { candles } = marketData.generateCandles({
      seed: 1000 + i,
      start: START,
      bars: HOURS,
      timeframe: '1h',
      startPrice: 10 * (i + 1) ** 2,
      volatility: 0.006,
      volume: 1000,
    });
    await store.putCandles(symbol, '1h', candles);
    await store.putCandles(symbol, '1d', marketData.aggregateCandles(candles, '1d'));
  }

  const service = spawnChild(
    scope,
    'reports',
    process.execPath,
    [...WORKER_NODE_FLAGS, fileURLToPath(new URL('services/reports/dist/main.js', ROOT))],
    {
      env: {
        NATS_URL: nats.url,
        WADM_HEALTH_PORT: '0',
        WADM_REPORT_SYMBOLS: SYMBOLS.join(','),
      },
    },
  );
  await service.waitForLine(/reports service ready/, 30_000);
  const idleRssMb = statusMb(service.pid, 'VmRSS');
  const client = await TaskClient.open(nc);
  const runOnce = async (n) => {
    const cpu0 = cpuSeconds(service.pid);
    const t0 = performance.now();
    const { state } = await client.submit({
      type: 'reports.daily',
      params: { date: DATE },
      owner: `bench${n}`,
    });
    const done = await client.waitFor(state.owner, state.id, { timeoutMs: 120_000 });
    const seconds = (performance.now() - t0) / 1000;
    if (done.status !== 'SUCCESS') throw new Error(`report failed: ${JSON.stringify(done.error)}`);
    return { seconds, cpuSeconds: cpuSeconds(service.pid) - cpu0, result: done.result };
  };
  log('warm-up report');
  // Other jobs on the machine stretch wall times; the CPU time of the service is reported too.
  const busyCoresAtStart = await waitForQuiet(Number(flags['quiet-wait']));
  await runOnce(0);
  const seconds = [];
  const cpu = [];
  let result;
  for (let n = 1; n <= RUNS; n++) {
    const run = await runOnce(n);
    seconds.push(run.seconds);
    cpu.push(run.cpuSeconds);
    result = run.result;
    emit({
      kind: 'report',
      run: n,
      seconds: round(run.seconds, 3),
      serviceCpuSeconds: round(run.cpuSeconds, 2),
      pages: result.pages,
      bytes: result.bytes,
    });
  }
  const peakRssMb = statusMb(service.pid, 'VmHWM');

  // The rendering alone, on the same candles, read as the service reads them.
  const reports = [];
  for (const symbol of SYMBOLS) {
    reports.push(symbolReport(await loadSymbolSeries(store, symbol, DATE, '1h'), DATE, '1h'));
  }
  const report = { date: DATE, timeframe: '1h', reports, missing: [] };
  await renderDailyReport(report);
  const renderMs = [];
  const renderCpuMs = [];
  let pages = 0;
  for (let n = 0; n < RUNS; n++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    pages = (await renderDailyReport(report)).pages;
    renderMs.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    renderCpuMs.push((used.user + used.system) / 1000);
  }
  const renderSeconds = median(renderMs) / 1000;
  emit({
    kind: 'render',
    pages,
    medianMs: round(median(renderMs), 1),
    cpuMs: round(median(renderCpuMs), 1),
    pagesPerSec: round(pages / renderSeconds, 1),
  });

  const medianSeconds = median(seconds);
  emit({
    kind: 'summary',
    symbols: SYMBOLS.length,
    pages: result.pages,
    bytes: result.bytes,
    medianSeconds: round(medianSeconds, 3),
    maxSeconds: round(Math.max(...seconds), 3),
    medianServiceCpuSeconds: round(median(cpu), 2),
    busyCoresAtStart,
    endToEndPagesPerSec: round(result.pages / medianSeconds, 1),
    renderPagesPerSec: round(pages / renderSeconds, 1),
    serviceIdleRssMb: idleRssMb,
    servicePeakRssMb: peakRssMb,
    goals: {
      seconds: { goal: GOALS.seconds, met: medianSeconds <= GOALS.seconds },
      peakRssMb: { goal: GOALS.peakRssMb, met: peakRssMb <= GOALS.peakRssMb },
    },
  });
} finally {
  await scope.close();
  await closeAllScopes();
}

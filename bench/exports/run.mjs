// pnpm bench:exports — the exports service end to end on a private nats-server:
//   1. 1M one-minute candles to CSV and to XLSX through the real service (a fresh process per
//      format, started with the workers' V8 flags): rows/s from the task's start to its end,
//      and the service's peak RSS growth over its RSS just before the submit (sampled every
//      20 ms from /proc);
//   2. beside them, in fresh processes, exceljs's non-streaming Workbook writing the same rows
//      (the memory ceiling to beat) and a hand-formatted CSV written with fs (the speed ceiling);
//   3. maintenance.cleanup of 100,000 expired task states through the service.
// One JSON line per measurement, `machine` first and `goals` last. Needs `pnpm run build`.
//   node bench/exports/run.mjs [--rows 1000000] [--states 100000] [--no-workbook]
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import {
  closeAllScopes,
  describeMachine,
  log,
  round,
  Scope,
  spawnChild,
  startNatsServer,
} from '../pipeline/lib.mjs';
import { WORKER_NODE_FLAGS } from '../../scripts/start/node-flags.mjs';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    states: { type: 'string', default: '100000' },
    'no-workbook': { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const STATES = Number(args.states);
const GOALS = {
  xlsx_rows_per_s: 100_000,
  csv_rows_per_s: 500_000,
  rss_growth_mb: 100,
  cleanup_s: 10,
};

const dist = (path) => import(new URL(`../../${path}`, import.meta.url).href);
const runtime = await dist('packages/runtime/dist/index.js');
const marketData = await dist('packages/market-data/dist/index.js');
const SERVICE_MAIN = fileURLToPath(new URL('../../services/exports/dist/main.js', import.meta.url));
const BASELINES = fileURLToPath(new URL('./baselines.mjs', import.meta.url));
const SERIES = { symbol: 'BENCHUSDT', timeframe: '1m' };

const rssKb = (pid) =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const print = (line) => console.log(JSON.stringify(line));

async function startService(scope, url) {
  const service = spawnChild(
    scope,
    'exports',
    process.execPath,
    [...WORKER_NODE_FLAGS, SERVICE_MAIN],
    {
      env: { NATS_URL: url, WADM_HEALTH_PORT: '0', WADM_STORAGE_QUOTA_BYTES: String(2 ** 40) },
    },
  );
  await service.waitForLine(/exports service ready/, 30_000);
  // Let start-up garbage settle before the baseline is read.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return service;
}

/** Runs one task through a fresh service; its time in the service and the RSS it added. */
async function throughService(nats, client, type, params) {
  const scope = new Scope('exports-service');
  try {
    const service = await startService(scope, nats.url);
    const baseline = rssKb(service.pid);
    let peak = baseline;
    const timer = setInterval(() => (peak = Math.max(peak, rssKb(service.pid))), 20);
    const wall0 = performance.now();
    const { state } = await client.submit({ type, params, owner: 'bench' });
    const done = await client.waitFor('bench', state.id, { timeoutMs: 900_000 });
    const wallS = (performance.now() - wall0) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, rssKb(service.pid));
    if (done.status !== 'SUCCESS') throw new Error(`${type}: ${JSON.stringify(done.error)}`);
    const seconds = (Date.parse(done.finishedAt) - Date.parse(done.startedAt)) / 1000;
    return {
      result: done.result,
      seconds,
      wallS,
      baselineMb: baseline / 1024,
      growthMb: (peak - baseline) / 1024,
    };
  } finally {
    await scope.close();
  }
}

function baseline(kind, file) {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--max-old-space-size=8192', BASELINES, kind, String(ROWS), file],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

/** `count` SUCCESS states that finished 30 days ago, written straight into TASK_STATE. */
async function seedExpiredStates(nc, count) {
  const js = jetstream(nc);
  const at = new Date(Date.now() - 30 * 86_400_000).toISOString();
  for (let i = 0; i < count; i += 1_000) {
    const batch = [];
    for (let k = i; k < Math.min(count, i + 1_000); k++) {
      const id = `old${k}`;
      const state = {
        v: 1,
        id,
        type: 'exports.candles',
        owner: `user${k % 100}`,
        queue: 'exports',
        priority: 'normal',
        status: 'SUCCESS',
        progress: 1,
        attempts: 1,
        maxAttempts: 3,
        deferrals: 0,
        params: {},
        createdAt: at,
        updatedAt: at,
        finishedAt: at,
        result: { rows: 0 },
        seq: 2,
      };
      batch.push(js.publish(`$KV.TASK_STATE.${state.owner}.${id}`, JSON.stringify(state)));
    }
    await Promise.all(batch);
  }
}

const main = async () => {
  const scope = new Scope('bench-exports');
  const dir = await mkdtemp(join(tmpdir(), 'wadm-bench-exports-'));
  scope.defer(() => rm(dir, { recursive: true, force: true }));
  const exceljsVersion = JSON.parse(
    readFileSync(
      new URL('../../services/exports/node_modules/exceljs/package.json', import.meta.url),
      'utf8',
    ),
  ).version;
  print({
    machine: describeMachine({
      exceljs: exceljsVersion,
      worker_node_flags: WORKER_NODE_FLAGS.join(' '),
    }),
  });
  try {
    const nats = await startNatsServer(scope);
    const nc = await runtime.connectNats({ url: nats.url, name: 'bench-exports' });
    scope.defer(() => nc.close());
    await runtime.provision(nc);
    const client = await runtime.TaskClient.open(nc);
    const store = await marketData.ObjectCandleStore.open(nc);
    const { candles } = marketData.generateCandles({
      seed: 42,
      start: Date.UTC(2022, 0, 1),
      bars: ROWS,
      timeframe: '1m',
      startPrice: 30_000,
      volatility: 0.001,
    });
    await store.putCandles(SERIES.symbol, SERIES.timeframe, candles);
    log(`stored ${ROWS} candles`);

    const figures = {};
    for (const format of ['csv', 'xlsx']) {
      const run = await throughService(nats, client, 'exports.candles', { ...SERIES, format });
      figures[format] = run;
      print({
        export: format,
        rows: run.result.rows,
        bytes: run.result.bytes,
        seconds: round(run.seconds, 2),
        rows_per_s: Math.round(run.result.rows / run.seconds),
        wall_s_submit_to_success: round(run.wallS, 2),
        service_rss_before_mb: round(run.baselineMb, 1),
        service_peak_rss_growth_mb: round(run.growthMb, 1),
      });
    }
    const csvCeiling = await baseline('csv', join(dir, 'raw.csv'));
    print({ baseline: 'raw fs CSV (same rows, formatted by hand)', ...csvCeiling });
    if (!args['no-workbook']) {
      const workbook = await baseline('workbook', join(dir, 'workbook.xlsx'));
      print({ baseline: 'exceljs non-streaming Workbook (same rows)', ...workbook });
    }

    await seedExpiredStates(nc, STATES);
    log(`seeded ${STATES} expired states`);
    const cleanup = await throughService(nats, client, 'maintenance.cleanup', { olderThanDays: 7 });
    print({
      cleanup: 'maintenance.cleanup',
      task_states_removed: cleanup.result.taskStates.count,
      seconds: round(cleanup.seconds, 2),
      states_per_s: Math.round(cleanup.result.taskStates.count / cleanup.seconds),
      service_peak_rss_growth_mb: round(cleanup.growthMb, 1),
    });

    const rate = (f) => f.result.rows / f.seconds;
    print({
      goals: {
        xlsx_rows_per_s: {
          goal: GOALS.xlsx_rows_per_s,
          measured: Math.round(rate(figures.xlsx)),
          met: rate(figures.xlsx) >= GOALS.xlsx_rows_per_s,
        },
        csv_rows_per_s: {
          goal: GOALS.csv_rows_per_s,
          measured: Math.round(rate(figures.csv)),
          met: rate(figures.csv) >= GOALS.csv_rows_per_s,
        },
        rss_growth_mb: {
          goal: GOALS.rss_growth_mb,
          measured: round(Math.max(figures.csv.growthMb, figures.xlsx.growthMb), 1),
          met: Math.max(figures.csv.growthMb, figures.xlsx.growthMb) <= GOALS.rss_growth_mb,
        },
        cleanup_s: {
          goal: GOALS.cleanup_s,
          measured: round(cleanup.seconds, 2),
          met: cleanup.seconds <= GOALS.cleanup_s,
        },
      },
    });
  } finally {
    await scope.close();
    await closeAllScopes();
  }
};

await main();

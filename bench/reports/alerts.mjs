// alerts.evaluate over many rules, through the real reports service.
//
//   node bench/reports/alerts.mjs [--rules 10000] [--symbols 20] [--runs 5]
//
// A private nats-server, provisioned; `--symbols` 1h series of 600 synthetic bars in the
// MARKET_DATA store (a random walk of at most ±0.2 % a bar, a busy minute's move); `--rules`
// rules written to ALERTS as the gateway writes them (100 owners, conditions mixed: 40 % price
// crossings, 20 % change over a window, 20 % RSI, 20 % breaks of structure, levels spread
// around the price so that a new bar crosses some). The real service
// (`services/reports/dist/main.js`) runs `alerts.evaluate` tasks submitted here:
// - `cold`: the first run, which records every rule's baseline (one KV create per rule);
// - `steady`: each later run after one more bar per series, as a minute's run sees it.
// Each run is reported with the handler's own duration (`handler_ms`, the task's result),
// submit → SUCCESS (`end_to_end_ms`) and the CPU time the service process used meanwhile
// (`service_cpu_ms`, the steadier figure on a shared machine). Triggers submit notify.email
// tasks, which fail at once (no SMTP configured here) and are not waited for. One JSON line
// per run on stdout, then a summary with the machine; progress on stderr.
// Goal: ≤ 1 s for 10,000 rules.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { BUCKETS } from '@wadm/contracts';
import { allocateCandles, ObjectCandleStore } from '@wadm/market-data';
import { provision, TaskClient } from '@wadm/runtime';
import {
  closeAllScopes,
  describeMachine,
  log,
  RssSampler,
  round,
  Scope,
  spawnChild,
  startNatsServer,
} from '../pipeline/lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVICE_MAIN = `${ROOT}services/reports/dist/main.js`;
const HOUR = 3_600_000;
const BARS = 600;
const OWNERS = 100;
const GOAL_MS = 1_000;

const { values: flags } = parseArgs({
  options: {
    rules: { type: 'string', default: '10000' },
    symbols: { type: 'string', default: '20' },
    runs: { type: 'string', default: '5' },
  },
});
const opts = {
  rules: Number(flags.rules),
  symbols: Number(flags.symbols),
  runs: Math.max(2, Number(flags.runs)),
};

/** A deterministic random walk: the same series on every run of the benchmark. */
function walk(seed, n, start, step = 0.004) {
  let x = seed;
  const next = () => (x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const closes = [start];
  for (let i = 1; i < n; i++) closes.push(closes[i - 1] * (1 + (next() - 0.5) * step));
  return closes;
}

/**
 * CPU time (user + system) of a process in ms: on a shared machine a steadier figure than the
 * wall time, which counts the time other processes held the cores.
 */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
}

function candlesOf(closes, firstTime) {
  const c = allocateCandles(closes.length);
  closes.forEach((close, i) => {
    c.time[i] = firstTime + i * HOUR;
    c.open[i] = i > 0 ? closes[i - 1] : close;
    c.high[i] = Math.max(c.open[i], close) * 1.002;
    c.low[i] = Math.min(c.open[i], close) * 0.998;
    c.close[i] = close;
    c.volume[i] = 10;
  });
  return c;
}

function conditionFor(i, price) {
  const spread = 1 + ((i % 21) - 10) / 1000; // levels within ±1 % of the last close
  switch (i % 5) {
    case 0:
    case 1:
      return { kind: 'price_cross', direction: i % 2 ? 'up' : 'down', level: price * spread };
    case 2:
      return {
        kind: 'change_pct',
        direction: i % 2 ? 'up' : 'down',
        percent: 1,
        bars: 1 + (i % 24),
      };
    case 3:
      return i % 2
        ? { kind: 'rsi', direction: 'above', level: 60 + (i % 11), period: 14 }
        : { kind: 'rsi', direction: 'below', level: 30 + (i % 11), period: 14 };
    default:
      return { kind: 'structure_break', direction: 'any', lookback: 1 + (i % 3) };
  }
}

async function main() {
  const scope = new Scope('alerts-bench');
  const nats = await startNatsServer(scope);
  const nc = await connect({ servers: nats.url });
  scope.defer(() => nc.close());
  await provision(nc, {});
  const store = await ObjectCandleStore.open(nc);
  const start = Date.UTC(2026, 0, 1);
  const series = [];
  for (let s = 0; s < opts.symbols; s++) {
    const symbol = `BENCH${s}USDT`;
    const closes = walk(s + 1, BARS, 100 + s * 10);
    await store.putCandles(symbol, '1h', candlesOf(closes, start));
    series.push({ symbol, closes });
  }
  log(`${opts.symbols} series of ${BARS} bars stored`);

  const rules = await new Kvm(nc).open(BUCKETS.alerts);
  const now = new Date().toISOString();
  const writes = [];
  for (let i = 0; i < opts.rules; i++) {
    const owner = `bench${i % OWNERS}`;
    const { symbol, closes } = series[i % series.length];
    const id = randomUUID().slice(0, 12);
    const rule = {
      id,
      owner,
      symbol,
      timeframe: '1h',
      condition: conditionFor(i, closes.at(-1)),
      channels: { email: true },
      email: `${owner}@example.com`,
      cooldownSeconds: 0,
      enabled: true,
      createdAt: now,
      updatedAt: now,
    };
    writes.push(rules.put(`${owner}.${id}`, JSON.stringify(rule)));
    if (writes.length >= 512) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  log(`${opts.rules} rules stored`);

  const service = spawnChild(scope, 'reports', process.execPath, [SERVICE_MAIN], {
    env: { NATS_URL: nats.url, WADM_HEALTH_PORT: '0' },
  });
  await service.waitForLine(/reports service ready/, 30_000);
  const rss = new RssSampler(service.pid);
  const client = await TaskClient.open(nc);

  const results = [];
  for (let run = 0; run < opts.runs; run++) {
    if (run > 0) {
      // One more bar per series: what the next minute's run finds.
      for (const s of series) {
        const next = walk(run * 7919 + s.closes.length, 2, s.closes.at(-1))[1];
        s.closes.push(next);
        await store.putCandles(
          s.symbol,
          '1h',
          candlesOf([s.closes.at(-2), next], start + (s.closes.length - 2) * HOUR),
        );
      }
    }
    const t0 = performance.now();
    const cpu0 = cpuMs(service.pid);
    const { state } = await client.submit({
      type: 'alerts.evaluate',
      params: {},
      priority: 'high',
    });
    const done = await client.waitFor(state.owner, state.id, { timeoutMs: 120_000 });
    const endToEnd = performance.now() - t0;
    const serviceCpu = cpuMs(service.pid) - cpu0;
    if (done.status !== 'SUCCESS') throw new Error(`run ${run}: ${JSON.stringify(done.error)}`);
    const line = {
      bench: 'alerts.evaluate',
      phase: run === 0 ? 'cold' : 'steady',
      run,
      ...done.result,
      handler_ms: done.result.durationMs,
      end_to_end_ms: round(endToEnd, 1),
      service_cpu_ms: serviceCpu,
    };
    delete line.durationMs;
    results.push(line);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  const steadyRuns = results.filter((r) => r.phase === 'steady');
  const sorted = steadyRuns.map((r) => r.handler_ms).sort((a, b) => a - b);
  const cpuSorted = steadyRuns.map((r) => r.service_cpu_ms).sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'alerts.evaluate',
      summary: true,
      rules: opts.rules,
      series: opts.symbols,
      cold_handler_ms: results[0].handler_ms,
      steady_handler_ms_median: sorted[Math.floor(sorted.length / 2)],
      steady_handler_ms_max: sorted.at(-1),
      steady_service_cpu_ms_median: cpuSorted[Math.floor(cpuSorted.length / 2)],
      goal_ms: GOAL_MS,
      within_goal: (sorted.at(-1) ?? Infinity) <= GOAL_MS,
      ...rss.finish(),
      machine: describeMachine(),
    })}\n`,
  );
  await scope.close();
}

main()
  .catch((err) => {
    log(`alerts benchmark failed: ${err?.stack ?? err}`);
    process.exitCode = 1;
  })
  .finally(closeAllScopes);

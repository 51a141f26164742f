// pnpm bench:scheduler: 10,000 schedules firing every minute, WADM's scheduler beside celery
// beat loaded with the same entries, one after the other in the same run.
//
//   node bench/scheduler/run.mjs [--schedules 10000] [--minutes 2]
//
// WADM: a private nats-server, the schedules written to SCHEDULES (`* * * * *`, overlap
// allow), one scheduler process (dist/main.js). A core NATS subscription on `tasks.>` sees each
// fire's command as it is published: lateness = arrival − the minute. Beat: `celery beat`
// (Debian python3-celery, /usr/bin/python3) on the local Redis, a queue of its own; the queue's
// length is polled every 10 ms, so a fire's arrival is known to that resolution.
// Prints JSON lines: machine, wadm, beat, goals.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { provision, ScheduleStore } from '@wadm/runtime';
import Redis from 'ioredis';
import {
  describeMachine,
  freePort,
  log,
  round,
  RssSampler,
  Scope,
  sleep,
  spawnChild,
  startNatsServer,
  tempDir,
  tryVersion,
} from '../pipeline/lib.mjs';
import { redisOptions } from '../pipeline/redis.mjs';
import { WORKER_NODE_FLAGS } from '../../scripts/start/node-flags.mjs';
import { cpuSecondsOf, percentile } from './measure.mjs';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string', default: '10000' },
    minutes: { type: 'string', default: '2' },
    // One system only, while working on it; the figures come from a run of both.
    only: { type: 'string' },
  },
});
const N = Number(values.schedules);
const MINUTES = Number(values.minutes);
const MINUTE = 60_000;
const SCHEDULER_MAIN = fileURLToPath(
  new URL('../../services/scheduler/dist/main.js', import.meta.url),
);
const PYTHON = '/usr/bin/python3';
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Waits until `ms` past the next minute boundary; returns that boundary. */
async function untilMinute(offsetMs = 0) {
  const next = Math.ceil(Date.now() / MINUTE) * MINUTE;
  await sleep(next + offsetMs - Date.now());
  return next;
}

/**
 * One minute's fires: lateness of each arrival, burst throughput, and the process's CPU from
 * `settleMs` after the last fire to just before the next minute (between fires).
 */
async function measureMinute(minute, arrivals, pid, settleMs) {
  // The burst is over when nothing new has arrived for 2 s (or 50 s have passed).
  let seen = -1;
  while (Date.now() < minute + 50_000) {
    await sleep(2_000);
    const now = arrivals.filter((t) => t >= minute).length;
    if (now === seen) break;
    seen = now;
  }
  const mine = arrivals.filter((t) => t >= minute && t < minute + MINUTE).sort((a, b) => a - b);
  const lateness = mine.map((t) => t - minute);
  await sleep(settleMs);
  const from = Date.now();
  const cpuFrom = cpuSecondsOf(pid);
  const until = minute + MINUTE - 1_000;
  await sleep(Math.max(0, until - from));
  const idleCores = (cpuSecondsOf(pid) - cpuFrom) / ((Date.now() - from) / 1000);
  const spanS = mine.length > 1 ? (mine.at(-1) - mine[0]) / 1000 : null;
  return {
    minute: new Date(minute).toISOString(),
    fires: mine.length,
    lateness_ms: {
      p50: round(percentile(lateness, 0.5), 1),
      p99: round(percentile(lateness, 0.99), 1),
      max: round(lateness.at(-1) ?? NaN, 1),
    },
    burst_s: spanS === null ? null : round(spanS, 3),
    // From the minute to the last fire: how fast the whole minute's fires went out.
    fires_per_s:
      mine.length > 0 ? Math.round(mine.length / Math.max(lateness.at(-1) / 1000, 0.001)) : 0,
    between_fires_core_pct: round(idleCores * 100, 2),
  };
}

async function runWadm(scope) {
  const server = await startNatsServer(scope, 'nats-sched');
  const nc = await connect({ servers: server.url });
  scope.defer(() => nc.close());
  await provision(nc);
  const store = await ScheduleStore.open(nc);
  const at = new Date().toISOString();
  log(`wadm: writing ${N} schedules`);
  for (let i = 0; i < N; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, N - i) }, (_, k) =>
        store.create({
          id: `s${i + k}`,
          cron: '* * * * *',
          timezone: 'UTC',
          task: { type: 'diagnostics.echo', params: { payload: 'b' }, priority: 'low' },
          enabled: true,
          overlap: 'allow',
          catchupWindowMs: 0,
          v: 1,
          owner: 'bench',
          createdAt: at,
          updatedAt: at,
          history: [],
        }),
      ),
    );
  }
  const arrivals = [];
  nc.subscribe('tasks.>', { callback: () => arrivals.push(Date.now()) });
  await nc.flush();
  const healthPort = await freePort();
  // Started as `npm start` starts it (scripts/start/node-flags.mjs).
  const args = [...WORKER_NODE_FLAGS, SCHEDULER_MAIN];
  const scheduler = spawnChild(scope, 'scheduler', process.execPath, args, {
    env: {
      NATS_URL: server.url,
      WADM_SEED_SCHEDULES: '0',
      WADM_PROVISION: '0',
      WADM_HEALTH_PORT: String(healthPort),
      WADM_LOG_LEVEL: 'info',
    },
  });
  await scheduler.waitForLine(/scheduler ready/, 60_000);
  // Loaded: every schedule is in the engine (the watch delivered the snapshot).
  for (;;) {
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    if (Number(metrics.match(/^wadm_schedules\{[^}]*\} (\d+)/m)?.[1]) >= N) break;
    await sleep(200);
  }
  const rss = new RssSampler(scheduler.pid, 250);
  const minutes = [];
  // The first minute boundary after loading, then the following ones.
  for (let m = 0; m < MINUTES; m++) {
    const minute = await untilMinute();
    log(`wadm: minute ${m + 1}/${MINUTES}`);
    minutes.push(await measureMinute(minute, arrivals, scheduler.pid, 5_000));
  }
  const memory = rss.finish();
  await scheduler.stop();
  return { system: 'wadm', schedules: N, minutes, peak_rss_mb: memory.worker_peak_rss_mb };
}

async function runBeat(scope) {
  const opts = redisOptions();
  const queue = `wadm-bench-beat-${process.pid}`;
  const redis = new Redis(opts);
  scope.defer(async () => {
    await redis.del(queue);
    redis.disconnect();
  });
  const dir = tempDir(scope, 'beat');
  const broker = `redis://${opts.host}:${opts.port}/${opts.db}`;
  log(`beat: starting with ${N} entries`);
  const beat = spawnChild(
    scope,
    'beat',
    PYTHON,
    ['-m', 'celery', '-A', 'beat_app', 'beat', '-s', `${dir}/schedule`, '--loglevel=INFO'],
    {
      cwd: HERE,
      env: {
        BEAT_BROKER: broker,
        BEAT_QUEUE: queue,
        BEAT_SCHEDULES: String(N),
        PYTHONUNBUFFERED: '1',
      },
    },
  );
  await beat.waitForLine(/beat: Starting/, 120_000);
  const rss = new RssSampler(beat.pid, 250);
  // Arrival times from the queue's length, polled every 10 ms.
  const arrivals = [];
  let polling = true;
  const poller = (async () => {
    let count = 0;
    while (polling) {
      const len = await redis.llen(queue);
      const now = Date.now();
      for (; count < len; count++) arrivals.push(now);
      await sleep(10);
    }
  })();
  const minutes = [];
  for (let m = 0; m < MINUTES; m++) {
    const minute = await untilMinute();
    log(`beat: minute ${m + 1}/${MINUTES}`);
    minutes.push(await measureMinute(minute, arrivals, beat.pid, 5_000));
  }
  polling = false;
  await poller;
  const memory = rss.finish();
  await beat.stop();
  return {
    system: 'celery-beat',
    schedules: N,
    broker: 'redis',
    minutes,
    peak_rss_mb: memory.worker_peak_rss_mb,
  };
}

const scope = new Scope('bench-scheduler');
try {
  console.log(
    JSON.stringify({
      machine: describeMachine({
        celery: tryVersion(PYTHON, ['-c', 'import celery; print(celery.__version__)']),
        python: tryVersion(PYTHON, ['--version']),
      }),
      schedules: N,
      minutes: MINUTES,
    }),
  );
  const wadm = values.only === 'beat' ? null : await runWadm(scope);
  console.log(JSON.stringify(wadm));
  const beat = values.only === 'wadm' ? null : await runBeat(scope);
  console.log(JSON.stringify(beat));
  if (wadm && beat) printGoals(wadm, beat);
} finally {
  await scope.close();
}

/** The goals, judged on the worst minute measured. */
function printGoals(wadm, beat) {
  const worst = (r, f) => Math.max(...r.minutes.map(f));
  const wadmRate = Math.min(...wadm.minutes.map((m) => m.fires_per_s));
  const beatRate = Math.max(...beat.minutes.map((m) => m.fires_per_s));
  console.log(
    JSON.stringify({
      goals: {
        p99_lateness_le_250ms: worst(wadm, (m) => m.lateness_ms.p99) <= 250,
        between_fires_le_5pct_core: worst(wadm, (m) => m.between_fires_core_pct) <= 5,
        rss_le_150mb: wadm.peak_rss_mb <= 150,
        throughput_ge_10x_beat: wadmRate >= 10 * beatRate,
        throughput_ratio: round(wadmRate / beatRate, 1),
      },
    }),
  );
}

// Gateway WebSocket benchmark: task events fanned out to 1,000 connected clients by one gateway
// process, events and deliveries per second and publish → receive latency.
//
//   node bench/gateway/ws.mjs [--clients 1000] [--users 250] [--rates 250,500,1000,2000,4000]
//                             [--duration 10] [--burst 20000]
//
// A private nats-server and the real gateway (`services/gateway/dist/main.js`) run as separate
// processes. This process opens the WebSocket clients (`ws`), spread evenly over the users, each
// on /ws/tasks/<user> with its own user's token, and plays the workers: it publishes synthetic
// progress events on `events.tasks.<user>.<task>` (core publishes, as workers send progress),
// users round robin, each carrying its publish time. A client's receive time minus that is the
// event's latency through NATS, TASK_EVENTS, the gateway's fanout and its socket.
//
// Runs: one per rate (events/s published, for --duration s each) for latency at a steady load,
// then a burst (--burst events as fast as they can be published) for the most deliveries/s.
// One JSON line per run on stdout, then the machine line; progress on stderr.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import { signDevToken } from '@wadm/auth';
import { subjects } from '@wadm/contracts';
import WebSocket from 'ws';
import {
  closeAllScopes,
  describeMachine,
  packageVersion,
  CpuMeter,
  freePort,
  log,
  percentile,
  round,
  Scope,
  sleep,
  spawnChild,
  startNatsServer,
  waitForQuiet,
} from '../pipeline/lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GATEWAY_MAIN = process.env.BENCH_GATEWAY_MAIN ?? `${ROOT}services/gateway/dist/main.js`;
const SECRET = 'bench-secret-bench-secret-bench-secret-42';
const GOAL_P99_MS = 20;

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    users: { type: 'string', default: '250' },
    'tasks-per-user': { type: 'string', default: '8' },
    rates: { type: 'string', default: '250,500,1000,2000,4000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    burst: { type: 'string', default: '20000' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  process.stdout.write(`usage: node bench/gateway/ws.mjs [options]
  --clients N          WebSocket clients (default 1000)
  --users U            users they are spread over; each event reaches clients/users sockets (default 250)
  --tasks-per-user T   distinct task ids per user (default 8)
  --rates R1,R2,…      events/s published in the steady runs (default 250,500,1000,2000,4000)
  --duration S         seconds of each steady run (default 10)
  --warmup S           unreported seconds before the first run (default 3)
  --burst N            events published at once in the burst run, 0 to skip (default 20000)
`);
  process.exit(0);
}
const int = (name, min = 0) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < min) {
    process.stderr.write(`--${name} must be an integer ≥ ${min}\n`);
    process.exit(2);
  }
  return v;
};
const opts = {
  clients: int('clients', 1),
  users: int('users', 1),
  tasksPerUser: int('tasks-per-user', 1),
  rates: flags.rates.split(',').map(Number),
  duration: int('duration', 1),
  warmup: int('warmup'),
  burst: int('burst'),
};
if (opts.rates.some((r) => !Number.isFinite(r) || r <= 0)) {
  process.stderr.write('--rates must be positive numbers\n');
  process.exit(2);
}
opts.users = Math.min(opts.users, opts.clients);

const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** Deliveries of the current run: latencies (ms) and counts. */
class Recorder {
  run = null;
  latencies = [];
  delivered = 0;
  lastAt = 0;
  start(run) {
    this.run = run;
    this.latencies = [];
    this.delivered = 0;
  }
  record(data) {
    const now = performance.now();
    // Cheaper than JSON.parse for 10^5 messages/s: the two fields sit at the end.
    const text = data.toString();
    const run = /"bench_run":"([^"]+)"/.exec(text)?.[1];
    if (run !== this.run) return;
    const sent = Number(/"bench_t":([0-9.]+)/.exec(text)?.[1]);
    this.latencies.push(now - sent);
    this.delivered++;
    this.lastAt = now;
  }
}

async function openClients(port, recorder) {
  const tokens = await Promise.all(
    Array.from({ length: opts.users }, (_, u) => signDevToken({ secret: SECRET, user: `u${u}` })),
  );
  const sockets = [];
  const BATCH = 50;
  for (let i = 0; i < opts.clients; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(opts.clients, i + BATCH); j++) {
      const u = j % opts.users;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/tasks/u${u}`, ['bearer', tokens[u]]);
      ws.on('message', (data) => recorder.record(data));
      sockets.push(ws);
      batch.push(
        new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
          ws.once('unexpected-response', (_req, res) =>
            reject(new Error(`upgrade refused: ${res.statusCode}`)),
          );
        }),
      );
    }
    await Promise.all(batch);
  }
  let closedEarly = 0;
  for (const ws of sockets) ws.on('close', () => closedEarly++);
  return { sockets, closedEarly: () => closedEarly };
}

function eventBody(run, n, user, task) {
  return JSON.stringify({
    task_id: task,
    type: 'diagnostics.echo',
    status: 'STARTED',
    progress: (n % 100) / 100,
    result: null,
    error: null,
    seq: n,
    ts: new Date().toISOString(),
    message: `step ${n}`,
    bench_run: run,
    bench_t: performance.now(),
  });
}

/** Publishes `rate` events/s for `seconds`, paced by elapsed time; returns the count. */
async function publishAtRate(nc, run, rate, seconds) {
  const t0 = performance.now();
  let n = 0;
  for (;;) {
    const elapsed = (performance.now() - t0) / 1000;
    if (elapsed >= seconds) break;
    const due = Math.floor(rate * elapsed);
    for (; n < due; n++) publishOne(nc, run, n);
    await sleep(2);
  }
  return n;
}

function publishOne(nc, run, n) {
  const u = n % opts.users;
  const task = `t${Math.floor(n / opts.users) % opts.tasksPerUser}`;
  nc.publish(subjects.event(`u${u}`, task), eventBody(run, n, `u${u}`, task));
}

/** How many sockets an event of user `u` reaches. */
function socketsOf(u) {
  return Math.floor(opts.clients / opts.users) + (u < opts.clients % opts.users ? 1 : 0);
}

function expectedDeliveries(events) {
  let total = 0;
  for (let n = 0; n < events; n++) total += socketsOf(n % opts.users);
  return total;
}

/** Waits until deliveries stop arriving (150 ms of quiet) or every expected one arrived. */
async function settle(recorder, expected, maxMs = 30_000) {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline && recorder.delivered < expected) {
    const before = recorder.delivered;
    await sleep(150);
    if (recorder.delivered === before && performance.now() - recorder.lastAt > 150) break;
  }
}

function latencyStats(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    p50: round(percentile(sorted, 50), 2),
    p90: round(percentile(sorted, 90), 2),
    p99: round(percentile(sorted, 99), 2),
    max: round(sorted[sorted.length - 1] ?? 0, 2),
  };
}

async function main() {
  const scope = new Scope('gateway-ws');
  const stop = async () => {
    await closeAllScopes();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const busyBefore = await waitForQuiet(10);
  const nats = await startNatsServer(scope, 'nats-gateway-ws');
  const [httpPort, wsPort] = [await freePort(), await freePort()];
  log(`nats ${nats.url}; gateway ws on ${wsPort}`);
  const gateway = spawnChild(scope, 'gateway', process.execPath, [GATEWAY_MAIN], {
    env: {
      NATS_URL: nats.url,
      WADM_HTTP_PORT: String(httpPort),
      WADM_WS_PORT: String(wsPort),
      WADM_JWT_SECRET: SECRET,
      WADM_LOG_LEVEL: 'info',
    },
  });
  await gateway.waitForLine(/gateway ready/, 30_000);
  const nc = await connect({ servers: nats.url });
  scope.defer(() => nc.close());

  const recorder = new Recorder();
  log(`opening ${opts.clients} WebSocket clients over ${opts.users} users`);
  const { sockets, closedEarly } = await openClients(wsPort, recorder);
  scope.defer(() => {
    for (const ws of sockets) ws.terminate();
  });
  const perEvent = opts.clients / opts.users;

  if (opts.warmup > 0) {
    log(`warm-up ${opts.warmup} s`);
    recorder.start('warmup');
    const n = await publishAtRate(nc, 'warmup', opts.rates[0], opts.warmup);
    await settle(recorder, expectedDeliveries(n));
  }

  const common = {
    bench: 'gateway-ws',
    clients: opts.clients,
    users: opts.users,
    sockets_per_event: round(perEvent, 2),
    tasks_per_user: opts.tasksPerUser,
    goal_p99_ms: GOAL_P99_MS,
  };
  for (const rate of opts.rates) {
    const run = `rate-${rate}`;
    log(`steady ${rate} events/s for ${opts.duration} s`);
    recorder.start(run);
    const cpu = new CpuMeter({ gateway: gateway.pid, nats_server: nats.pid, bench: process.pid });
    const t0 = performance.now();
    const published = await publishAtRate(nc, run, rate, opts.duration);
    await nc.flush();
    const expected = expectedDeliveries(published);
    await settle(recorder, expected);
    const seconds = (recorder.lastAt - t0) / 1000;
    const cores = cpu.stop();
    const lat = latencyStats(recorder.latencies);
    emit({
      ...common,
      run: 'steady',
      what: 'progress events published at a fixed rate, users round robin; latency per delivery',
      events_per_s_published: rate,
      published,
      deliveries_expected: expected,
      delivered: recorder.delivered,
      deliveries_per_s: round(recorder.delivered / seconds, 0),
      latency_ms: lat,
      cores_busy: cores,
      goal_met: lat.p99 <= GOAL_P99_MS && recorder.delivered === expected,
    });
  }

  if (opts.burst > 0) {
    const run = 'burst';
    log(`burst of ${opts.burst} events`);
    recorder.start(run);
    const cpu = new CpuMeter({ gateway: gateway.pid, nats_server: nats.pid, bench: process.pid });
    const t0 = performance.now();
    for (let n = 0; n < opts.burst; n++) {
      publishOne(nc, run, n);
      if (n % 1000 === 999) await nc.flush();
    }
    await nc.flush();
    const publishS = (performance.now() - t0) / 1000;
    const expected = expectedDeliveries(opts.burst);
    await settle(recorder, expected, 60_000);
    const seconds = (recorder.lastAt - t0) / 1000;
    const cores = cpu.stop();
    emit({
      ...common,
      run: 'burst',
      what: 'events published as fast as possible; slow sockets get progress conflated',
      published: opts.burst,
      publish_s: round(publishS, 2),
      deliveries_expected: expected,
      delivered: recorder.delivered,
      conflated_or_missing: expected - recorder.delivered,
      events_per_s: round(opts.burst / seconds, 0),
      deliveries_per_s: round(recorder.delivered / seconds, 0),
      latency_ms: latencyStats(recorder.latencies),
      cores_busy: cores,
    });
  }
  if (closedEarly() > 0) log(`${closedEarly()} sockets closed during the runs`);
  emit({
    machine: {
      ...describeMachine({ ws_client: packageVersion('ws') }),
      busy_cores_before: busyBefore,
    },
  });
  await scope.close();
}

main().catch(async (err) => {
  log(`failed: ${err?.stack ?? err}`);
  await closeAllScopes();
  process.exit(1);
});

// Gateway REST benchmark: task submissions per second and their latency through one gateway
// process, with one worker process draining the queue.
//
//   node bench/gateway/rest.mjs [--duration 20] [--connections 64] [--users 1] [--quota 1000]
//
// A private nats-server, the real gateway (`services/gateway/dist/main.js`) and the real backtest
// service (serves diagnostics.echo) as separate processes; autocannon in this process POSTs
// `{"type":"diagnostics.echo","params":{"payload":…}}` to /api/v1/tasks with a bearer token (one
// per simulated user, round robin). Each submission is a token check, a schema validation, a
// KV create of the PENDING state and a JetStream publish, all acknowledged before the 202.
// One JSON line per measured run on stdout, then the machine line; progress on stderr.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { signDevToken } from '@wadm/auth';
import { STREAMS } from '@wadm/contracts';
import {
  closeAllScopes,
  describeMachine,
  packageVersion,
  CpuMeter,
  freePort,
  log,
  round,
  Scope,
  sleep,
  spawnChild,
  startNatsServer,
  waitForQuiet,
} from '../pipeline/lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// BENCH_GATEWAY_MAIN: another build of the gateway to compare.
const GATEWAY_MAIN = process.env.BENCH_GATEWAY_MAIN ?? `${ROOT}services/gateway/dist/main.js`;
const WORKER_MAIN = `${ROOT}services/backtest/dist/main.js`;
const SECRET = 'bench-secret-bench-secret-bench-secret-42';
const GOAL_PER_S = 3_000;

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '64' },
    users: { type: 'string', default: '1' },
    quota: { type: 'string', default: '1000' },
    'worker-concurrency': { type: 'string', default: '64' },
    'payload-bytes': { type: 'string', default: '64' },
    'no-worker': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  process.stdout.write(`usage: node bench/gateway/rest.mjs [options]
  --duration S            seconds of the measured run (default 20)
  --warmup S              unreported seconds before it (default 3)
  --connections C         concurrent HTTP connections (default 64)
  --users U               distinct users (tokens), round robin (default 1)
  --quota Q               WADM_PENDING_QUOTA of the gateway (default 1000, the gateway's own)
  --worker-concurrency N  WADM_CONCURRENCY of the worker (default 64)
  --payload-bytes B       size of the echo payload string (default 64)
`);
  process.exit(0);
}
const int = (name) => {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`--${name} must be a non-negative integer\n`);
    process.exit(2);
  }
  return v;
};
const opts = {
  duration: int('duration'),
  warmup: int('warmup'),
  connections: int('connections'),
  users: Math.max(1, int('users')),
  quota: Math.max(1, int('quota')),
  workerConcurrency: Math.max(1, int('worker-concurrency')),
  payloadBytes: int('payload-bytes'),
};

const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** Messages still on TASKS: what the worker has not acknowledged yet. */
async function backlog(jsm) {
  return (await jsm.streams.info(STREAMS.tasks)).state.messages;
}

function cannon({ url, duration, connections, tokens, body }) {
  let next = 0;
  return autocannon({
    url,
    method: 'POST',
    duration,
    connections,
    headers: { 'content-type': 'application/json' },
    body,
    requests: [
      {
        setupRequest(req) {
          req.headers = {
            ...req.headers,
            authorization: `Bearer ${tokens[next++ % tokens.length]}`,
          };
          return req;
        },
      },
    ],
  });
}

async function main() {
  const scope = new Scope('gateway-rest');
  const stop = async () => {
    await closeAllScopes();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const busyBefore = await waitForQuiet(10);
  const nats = await startNatsServer(scope, 'nats-gateway');
  const httpPort = await freePort();
  log(`nats ${nats.url}; gateway on ${httpPort}`);
  // BENCH_GATEWAY_NODE_ARGS: extra node flags for the gateway, e.g. --cpu-prof.
  const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const gateway = spawnChild(scope, 'gateway', process.execPath, [...nodeArgs, GATEWAY_MAIN], {
    env: {
      NATS_URL: nats.url,
      WADM_HTTP_PORT: String(httpPort),
      WADM_WS_PORT: String(await freePort()),
      WADM_JWT_SECRET: SECRET,
      WADM_PENDING_QUOTA: String(opts.quota),
      WADM_LOG_LEVEL: 'warn',
    },
  });
  // The gateway's ready line is at info level; its port answering is the signal here.
  await waitHttp(`http://127.0.0.1:${httpPort}/readyz`, gateway);
  const worker = flags['no-worker']
    ? null
    : spawnChild(scope, 'worker', process.execPath, [WORKER_MAIN], {
        env: {
          NATS_URL: nats.url,
          WADM_HEALTH_PORT: '0',
          WADM_LOG_LEVEL: 'warn',
          WADM_CONCURRENCY: String(opts.workerConcurrency),
        },
      });
  const nc = await connect({ servers: nats.url });
  scope.defer(() => nc.close());
  const jsm = await jetstreamManager(nc);
  await sleep(1_000);

  const tokens = await Promise.all(
    Array.from({ length: opts.users }, (_, i) =>
      // Admins: diagnostics.echo is an operator's probe, refused to ordinary users.
      signDevToken({ secret: SECRET, user: `bench${i}`, admin: true }),
    ),
  );
  const body = JSON.stringify({
    type: 'diagnostics.echo',
    params: { payload: 'x'.repeat(opts.payloadBytes) },
  });
  const url = `http://127.0.0.1:${httpPort}/api/v1/tasks`;
  const sanity = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
    body,
  });
  if (sanity.status !== 202)
    throw new Error(`sanity submit: ${sanity.status} ${await sanity.text()}`);

  if (opts.warmup > 0) {
    log(`warm-up ${opts.warmup} s`);
    await cannon({ url, duration: opts.warmup, connections: opts.connections, tokens, body });
    if (worker) await drain(jsm, 60);
  }

  log(`measuring ${opts.duration} s, ${opts.connections} connections, ${opts.users} user(s)`);
  const cpu = new CpuMeter({
    gateway: gateway.pid,
    ...(worker ? { worker: worker.pid } : {}),
    nats_server: nats.pid,
    load_generator: process.pid,
  });
  const t0 = performance.now();
  const r = await cannon({
    url,
    duration: opts.duration,
    connections: opts.connections,
    tokens,
    body,
  });
  const cores = cpu.stop();
  const submitEnd = performance.now();
  const left = await backlog(jsm);
  const drained = worker ? await drain(jsm, 120) : false;
  const drainS = (performance.now() - submitEnd) / 1000;
  const accepted = r['2xx'];
  const perS = accepted / ((submitEnd - t0) / 1000);
  emit({
    bench: 'gateway-rest',
    what: `POST /api/v1/tasks (diagnostics.echo), one gateway process, ${
      worker ? 'one worker draining' : 'no worker (gateway alone)'
    }`,
    gateway: process.env.BENCH_GATEWAY_MAIN
      ? 'BENCH_GATEWAY_MAIN'
      : 'services/gateway/dist/main.js',
    connections: opts.connections,
    users: opts.users,
    quota: opts.quota,
    duration_s: opts.duration,
    submissions_per_s: round(perS, 0),
    accepted,
    non_2xx: r.non2xx,
    status_codes: Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
    ),
    errors: r.errors,
    timeouts: r.timeouts,
    latency_ms: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: round(r.latency.mean, 2),
    },
    backlog_at_end: left,
    drained_after_s: drained ? round(drainS, 1) : null,
    worker_tasks_per_s: drained ? round(accepted / ((performance.now() - t0) / 1000), 0) : null,
    cores_busy: cores,
    goal_per_s: GOAL_PER_S,
    goal_met: perS >= GOAL_PER_S,
  });
  emit({
    machine: {
      ...describeMachine({ autocannon: packageVersion('autocannon') }),
      busy_cores_before: busyBefore,
    },
  });
  await scope.close();
}

async function waitHttp(url, child) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} not ready:\n${child.tail()}`);
}

/** Waits until the worker has taken everything off TASKS; false after `maxSeconds`. */
async function drain(jsm, maxSeconds) {
  const deadline = performance.now() + maxSeconds * 1000;
  while (performance.now() < deadline) {
    if ((await backlog(jsm)) === 0) return true;
    await sleep(100);
  }
  return false;
}

main().catch(async (err) => {
  log(`failed: ${err?.stack ?? err}`);
  await closeAllScopes();
  process.exit(1);
});

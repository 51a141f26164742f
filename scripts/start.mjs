#!/usr/bin/env node
// `npm start`: the whole system on embedded defaults. With NATS_URL set it uses that server;
// otherwise it runs a local nats-server with JetStream, its data under .wadm/. Then it
// provisions the streams, buckets and stores, starts every service and prints what to try.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { signDevToken } from '@wadm/auth';
import { openCandleStore, seedDemoData } from '@wadm/market-data';
import { NATS_ROLES, provision, renderNatsAuthorization } from '@wadm/runtime';
import { choosePort, findOrInstallNatsServer, startNatsServer } from './start/nats.mjs';
import { WORKER_NODE_FLAGS } from './start/node-flags.mjs';
import { prefixLines, supervise } from './start/supervise.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKERS = [
  { name: 'backtest', entry: 'services/backtest/dist/main.js', healthPort: 9101 },
  { name: 'reports', entry: 'services/reports/dist/main.js', healthPort: 9102 },
  { name: 'exports', entry: 'services/exports/dist/main.js', healthPort: 9103 },
];
const GATEWAY = { name: 'gateway', entry: 'services/gateway/dist/main.js', ready: /gateway ready/ };
const SCHEDULER = {
  name: 'scheduler',
  entry: 'services/scheduler/dist/main.js',
  ready: /scheduler ready/,
  healthPort: 9105,
};
const SERVICES = [GATEWAY, ...WORKERS, SCHEDULER];
const WIDTH = Math.max('nats-server'.length, ...SERVICES.map((s) => s.name.length));
const SECRET_FILE = join(ROOT, '.wadm', 'dev-secret');
const log = (message) => process.stdout.write(`${'[start]'.padEnd(WIDTH + 2)} ${message}\n`);

/**
 * WADM_NATS_AUTH=1 (local server only): it gets the users and permissions of deploy/nats (one
 * per service, packages/runtime/src/nats-permissions.ts), with passwords made for this run and
 * kept in .wadm/nats-users.json; each service connects as its own user.
 */
const NATS_USERS =
  process.env.WADM_NATS_AUTH === '1' && !process.env.NATS_URL
    ? Object.fromEntries(NATS_ROLES.map((role) => [role, randomBytes(18).toString('base64url')]))
    : undefined;

/** The env that makes a service connect as `role`; none without WADM_NATS_AUTH. */
function natsUserEnv(role) {
  const pass = NATS_USERS?.[role];
  return pass ? { WADM_NATS_USER: role, WADM_NATS_PASSWORD: pass } : {};
}

async function startLocalNats() {
  const binary = findOrInstallNatsServer(log);
  const port = await choosePort(Number(process.env.WADM_NATS_PORT ?? 4222));
  const monitorPort = await choosePort(8222);
  const output = new PassThrough();
  prefixLines('nats-server', output, WIDTH);
  const server = await startNatsServer({
    binary,
    port,
    monitorPort,
    dataDir: join(ROOT, '.wadm', 'nats'),
    output,
    extraConfig: NATS_USERS ? renderNatsAuthorization(NATS_USERS) : undefined,
  });
  if (NATS_USERS) {
    const file = join(ROOT, '.wadm', 'nats-users.json');
    writeFileSync(file, JSON.stringify(NATS_USERS, null, 2), { mode: 0o600 });
    log(`NATS users and permissions on (WADM_NATS_AUTH=1); passwords in .wadm/nats-users.json`);
  }
  log(`${server.version} with JetStream at ${server.url}, data in .wadm/nats/`);
  return { ...server, monitorPort };
}

/** The development JWT secret, made once and kept in .wadm/ so tokens survive restarts. */
function devSecret() {
  if (process.env.WADM_JWT_SECRET) return process.env.WADM_JWT_SECRET;
  if (!existsSync(SECRET_FILE)) {
    mkdirSync(join(ROOT, '.wadm'), { recursive: true });
    writeFileSync(SECRET_FILE, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(SECRET_FILE, 'utf8').trim();
}

/** Demo candles on first start, so a backtest has data to read; existing series are kept. */
async function seedDemo(nc) {
  const candles = await openCandleStore({ mongoUrl: process.env.MONGODB_URL, nats: nc });
  try {
    const { seeded, skipped } = await seedDemoData(candles.store);
    const names = seeded.map((s) => `${s.symbol} ${s.timeframe}`).join(', ');
    log(
      seeded.length > 0
        ? `seeded demo market data into ${candles.backend}: ${names}`
        : `demo market data already present (${skipped.length} series in ${candles.backend})`,
    );
  } finally {
    await candles.close();
  }
}

async function main() {
  const local = process.env.NATS_URL ? undefined : await startLocalNats();
  const natsUrl = process.env.NATS_URL ?? local.url;
  const admin = NATS_USERS ? { user: 'provision', pass: NATS_USERS.provision } : {};
  const nc = await connect({ servers: natsUrl.split(','), timeout: 10_000, ...admin }).catch(
    (err) => {
      throw new Error(`cannot reach NATS at ${natsUrl}: ${err.message}`);
    },
  );
  await provision(nc);
  log(`provisioned streams, consumers, buckets and object stores on ${natsUrl}`);
  await seedDemo(nc);
  await nc.close();

  const secret = devSecret();
  // 8000/8001 when free; something else may own them on a developer's machine.
  const ports = {
    http: await choosePort(Number(process.env.WADM_HTTP_PORT ?? 8000)),
    ws: await choosePort(Number(process.env.WADM_WS_PORT ?? 8001)),
  };
  GATEWAY.env = { WADM_HTTP_PORT: String(ports.http), WADM_WS_PORT: String(ports.ws) };
  for (const s of [...WORKERS, SCHEDULER]) s.healthPort = await choosePort(s.healthPort);
  const mail = await notificationSetup(secret);
  const running = SERVICES.map((s) =>
    supervise({
      name: s.name,
      command: process.execPath,
      // The scheduler too: its heap is small whatever it holds (10,000 schedules: BENCHMARKS.md).
      args: [
        ...(WORKERS.includes(s) || s === SCHEDULER ? WORKER_NODE_FLAGS : []),
        join(ROOT, s.entry),
      ],
      env: {
        NATS_URL: natsUrl,
        WADM_INSTANCE: `dev-${s.name}`,
        WADM_PROVISION: '0',
        WADM_JWT_SECRET: secret,
        WADM_ALLOW_CRASH: process.env.WADM_ALLOW_CRASH ?? '1',
        ...(s.healthPort ? { WADM_HEALTH_PORT: String(s.healthPort) } : {}),
        ...natsUserEnv(s.name),
        ...s.env,
      },
      width: WIDTH,
      readyPattern: s.ready ?? /service ready/,
    }),
  );
  await Promise.all(running.map((r) => r.ready));
  const tokens = {
    demo: await signDevToken({ secret, user: 'demo', email: 'demo@wadm.local' }),
    admin: await signDevToken({ secret, user: 'admin', admin: true }),
  };
  printWhatToTry({ natsUrl, local, tokens, ports });
  log(mail);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping services (running tasks get their grace period)');
    await Promise.all(running.map((r) => r.stop()));
    if (local) {
      local.child.kill('SIGTERM');
      await new Promise((resolve) => local.child.once('exit', resolve));
    }
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Webhooks are signed with WADM_WEBHOOK_SECRET or one derived from the dev secret (printed, for
 * a receiver to verify with). Without WADM_SMTP_URL a local SMTP server keeps every mail the
 * reports service sends as an .eml file under .wadm/mail/. Returns the line to print.
 */
async function notificationSetup(secret) {
  const reports = WORKERS.find((w) => w.name === 'reports');
  const webhookSecret =
    process.env.WADM_WEBHOOK_SECRET ??
    createHmac('sha256', secret).update('wadm-webhook').digest('base64url');
  reports.env = { WADM_WEBHOOK_SECRET: webhookSecret };
  const signing = process.env.WADM_WEBHOOK_SECRET
    ? 'webhooks are signed with WADM_WEBHOOK_SECRET'
    : `webhooks are signed with the dev secret ${webhookSecret}`;
  if (process.env.WADM_SMTP_URL) return `mail goes to WADM_SMTP_URL; ${signing}`;
  const port = await choosePort(Number(process.env.WADM_MAIL_CAPTURE_PORT ?? 2525));
  const dir = join(ROOT, '.wadm', 'mail');
  SERVICES.unshift({
    name: 'mail',
    entry: 'services/reports/dist/mail-capture-main.js',
    ready: /mail capture ready/,
    env: { WADM_MAIL_CAPTURE_PORT: String(port), WADM_MAIL_CAPTURE_DIR: dir },
  });
  reports.env.WADM_SMTP_URL = `smtp://127.0.0.1:${port}`;
  return `mail is captured, not delivered: each message is an .eml file in ${dir}; ${signing}`;
}

function printWhatToTry({ natsUrl, local, tokens, ports }) {
  const api = `http://127.0.0.1:${ports.http}`;
  const lines = [
    '',
    'WADM is running.',
    `  REST API   ${api}/api/v1/tasks    docs ${api}/docs    OpenAPI ${api}/openapi.json`,
    `  WebSocket  ws://127.0.0.1:${ports.ws}/ws/tasks/demo?token=<token>`,
    `  NATS       ${natsUrl}${local ? `    monitor http://127.0.0.1:${local.monitorPort}/jsz` : ''}`,
    `  Health     ${SERVICES.filter((s) => s.healthPort)
      .map((s) => `http://127.0.0.1:${s.healthPort}/readyz`)
      .join('  ')}`,
    '',
    'Development tokens (12 h; `npm run wadm -- token --user <id> [--admin] [--system]` makes more):',
    `  demo   ${tokens.demo}`,
    `  admin  ${tokens.admin}`,
    '',
    'Try, in another terminal:',
    `  export NATS_URL=${natsUrl} TOKEN=${tokens.demo}`,
    // The CLI submits and reads as the gateway does.
    ...(NATS_USERS
      ? [`  export WADM_NATS_USER=gateway WADM_NATS_PASSWORD=${NATS_USERS.gateway}`]
      : []),
    `  curl -s -X POST ${api}/api/v1/tasks -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `       -d '{"type":"backtest.run","params":{"symbol":"BTCUSDT","timeframe":"1h","strategy":{"name":"sma_cross","params":{"fast":10,"slow":50}}}}'`,
    `  curl -s ${api}/api/v1/tasks/ -H "Authorization: Bearer $TOKEN"`,
    `  curl -s -X POST ${api}/api/v1/tasks/export -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `       -d '{"symbol":"BTCUSDT","timeframe":"1d","format":"xlsx"}'   # then: curl -OJ ${api}/api/v1/tasks/<task_id>/result -H "Authorization: Bearer $TOKEN"`,
    `  npm run wadm -- submit diagnostics.echo --params '{"payload":"hi","sleepMs":2000}' --wait`,
    '  npm run wadm -- list        npm run wadm -- dlq list',
    `  nats --server ${natsUrl} pub tasks.diagnostics.normal '{"type":"diagnostics.echo","params":{"payload":"raw"}}'`,
    `  nats --server ${natsUrl} stream report`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  log(`cannot start: ${err.message}`);
  process.exit(1);
});

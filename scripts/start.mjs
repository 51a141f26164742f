#!/usr/bin/env node
// `npm start`: the whole system on embedded defaults. With NATS_URL set it uses that server;
// otherwise it runs a local nats-server with JetStream, its data under .wadm/. Then it
// provisions the streams, buckets and stores, starts every service and prints what to try.
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { provision } from '@wadm/runtime';
import { choosePort, findOrInstallNatsServer, startNatsServer } from './start/nats.mjs';
import { prefixLines, supervise } from './start/supervise.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVICES = [
  { name: 'backtest', entry: 'services/backtest/dist/main.js', healthPort: 9101 },
  { name: 'reports', entry: 'services/reports/dist/main.js', healthPort: 9102 },
  { name: 'exports', entry: 'services/exports/dist/main.js', healthPort: 9103 },
];
const WIDTH = Math.max('nats-server'.length, ...SERVICES.map((s) => s.name.length));
const log = (message) => process.stdout.write(`${'[start]'.padEnd(WIDTH + 2)} ${message}\n`);

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
  });
  log(`${server.version} with JetStream at ${server.url}, data in .wadm/nats/`);
  return { ...server, monitorPort };
}

async function main() {
  const local = process.env.NATS_URL ? undefined : await startLocalNats();
  const natsUrl = process.env.NATS_URL ?? local.url;
  const nc = await connect({ servers: natsUrl.split(','), timeout: 10_000 }).catch((err) => {
    throw new Error(`cannot reach NATS at ${natsUrl}: ${err.message}`);
  });
  await provision(nc);
  await nc.close();
  log(`provisioned streams, consumers, buckets and object stores on ${natsUrl}`);

  const running = SERVICES.map((s) =>
    supervise({
      name: s.name,
      command: process.execPath,
      args: [join(ROOT, s.entry)],
      env: {
        NATS_URL: natsUrl,
        WADM_HEALTH_PORT: String(s.healthPort),
        WADM_INSTANCE: `dev-${s.name}`,
        WADM_PROVISION: '0',
        WADM_ALLOW_CRASH: process.env.WADM_ALLOW_CRASH ?? '1',
      },
      width: WIDTH,
      readyPattern: /service ready/,
    }),
  );
  await Promise.all(running.map((r) => r.ready));
  printWhatToTry(natsUrl, local);

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

function printWhatToTry(natsUrl, local) {
  const lines = [
    '',
    'WADM is running. Try (in another terminal):',
    `  export NATS_URL=${natsUrl}`,
    `  npm run wadm -- submit diagnostics.echo --params '{"payload":"hi","sleepMs":2000}' --wait`,
    '  npm run wadm -- list',
    '  npm run wadm -- dlq list',
    `  nats --server ${natsUrl} pub tasks.diagnostics.normal '{"type":"diagnostics.echo","params":{"payload":"raw"}}'`,
    `  nats --server ${natsUrl} kv ls TASK_STATE`,
    `  nats --server ${natsUrl} stream report`,
    `Health: ${SERVICES.map((s) => `http://127.0.0.1:${s.healthPort}/readyz`).join('  ')}`,
  ];
  if (local) lines.push(`NATS monitor: http://127.0.0.1:${local.monitorPort}/jsz`);
  lines.push('Ctrl-C stops everything.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err) => {
  log(`cannot start: ${err.message}`);
  process.exit(1);
});

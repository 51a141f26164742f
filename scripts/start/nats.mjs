// The local nats-server the start command runs when NATS_URL is unset: found or installed,
// started with JetStream and its data under .wadm/, stopped with the rest.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/** The nats-server binary, installing Debian's package when it is missing and we may. */
export function findOrInstallNatsServer(log) {
  const found = locate();
  if (found) return found;
  if (canApt()) {
    log('nats-server is missing: installing Debian package nats-server (apt-get)');
    const prefix = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
    const run = (...args) => {
      const [command, ...rest] = [...prefix, ...args];
      spawnSync(command, rest, { stdio: 'inherit' });
    };
    run('apt-get', 'update', '-qq');
    run('apt-get', 'install', '-y', '-qq', 'nats-server');
    const installed = locate();
    if (installed) return installed;
  }
  throw new Error(
    'nats-server is not installed and could not be installed here. Install it with ' +
      '`sudo apt-get install nats-server` (Debian/Ubuntu) or from https://nats.io/download/, ' +
      'or point NATS_URL at a running nats-server with JetStream enabled.',
  );
}

function locate() {
  const fromEnv = process.env.WADM_NATS_SERVER;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const onPath = spawnSync('sh', ['-c', 'command -v nats-server'], {
    encoding: 'utf8',
  }).stdout.trim();
  return onPath || CANDIDATES.find((p) => existsSync(p));
}

function canApt() {
  if (!existsSync('/usr/bin/apt-get')) return false;
  if (process.getuid?.() === 0) return true;
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/** The preferred port when it is free, else any free one: another nats-server may own 4222. */
export async function choosePort(preferred) {
  if (!(await inUse(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function inUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts nats-server with JetStream; resolves with its URL once it accepts clients. */
/** `extraConfig`: appended to the config, e.g. the `authorization {}` block of WADM_NATS_AUTH=1. */
export async function startNatsServer({ binary, port, monitorPort, dataDir, output, extraConfig }) {
  mkdirSync(dataDir, { recursive: true });
  const config = join(dataDir, 'nats-server.conf');
  writeFileSync(
    config,
    [
      'server_name: wadm-dev',
      `listen: 127.0.0.1:${port}`,
      `http: 127.0.0.1:${monitorPort}`,
      `jetstream { store_dir: "${join(dataDir, 'store')}" }`,
      extraConfig ?? '',
      '',
    ].join('\n'),
    // It may hold passwords (WADM_NATS_AUTH=1).
    { mode: 0o600 },
  );
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  // Detached like the services: on Ctrl-C it must outlive them, so they can finish cleanly.
  const child = spawn(binary, ['-c', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  process.on('exit', () => child.kill('SIGKILL'));
  child.stdout.pipe(output);
  child.stderr.pipe(output);
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}`);
    if (await inUse(port)) return { child, url: `nats://127.0.0.1:${port}`, version };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('nats-server did not accept connections within 10 s');
}

// Child processes, temp dirs and the scopes that clean them up; the private nats-server.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { log, withTimeout } from './util.mjs';

const liveScopes = new Set();

export class Scope {
  #cleanups = [];
  #closed = false;
  constructor(name) {
    this.name = name;
    liveScopes.add(this);
  }
  /** Registers fn to run on close (last registered runs first). */
  defer(fn) {
    if (this.#closed) throw new Error(`scope ${this.name} already closed`);
    this.#cleanups.push(fn);
  }
  /** Runs every cleanup once, each bounded to 15 s, errors logged not thrown. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    liveScopes.delete(this);
    while (this.#cleanups.length > 0) {
      const fn = this.#cleanups.pop();
      try {
        await withTimeout(Promise.resolve().then(fn), 15_000, `cleanup in ${this.name}`);
      } catch (err) {
        log(`cleanup error in ${this.name}: ${err?.message ?? err}`);
      }
    }
  }
}

export async function closeAllScopes() {
  for (const scope of [...liveScopes]) await scope.close();
}

// Last resort when the orchestrator exits without closing a scope: kill the process groups,
// then remove the temp dirs (a killed nats-server no longer writes to its store).
const liveGroups = new Set();
const liveDirs = new Set();
process.on('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp dir under the OS temp dir, removed on scope close. */
export function tempDir(scope, prefix) {
  const dir = mkdtempSync(join(tmpdir(), `wadm-bench-${prefix}-`));
  liveDirs.add(dir);
  scope.defer(() => {
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  });
  return dir;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `cmd args` in its own process group, stdin a pipe (Node workers exit when it closes),
 * stdout/stderr read line by line. The child is stopped on scope close: SIGTERM to the group,
 * SIGKILL after `killAfterMs`.
 */
export function spawnChild(scope, name, cmd, args, { env, cwd, killAfterMs = 10_000 } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid) liveGroups.add(child.pid);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      liveGroups.delete(child.pid);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      log(`${name}: ${err.message}`);
      // A child that never started emits no 'exit'.
      if (child.pid === undefined) resolve({ code: null, signal: err.code });
    });
  });
  const watchers = new Set();
  const tail = [];
  const onLine = (stream) => (line) => {
    tail.push(`${stream}: ${line}`);
    if (tail.length > 40) tail.shift();
    if (process.env.BENCH_VERBOSE) log(`${name} ${stream}: ${line}`);
    for (const w of watchers) w(line);
  };
  createInterface({ input: child.stdout }).on('line', onLine('stdout'));
  createInterface({ input: child.stderr }).on('line', onLine('stderr'));

  const handle = {
    name,
    pid: child.pid,
    child,
    exited,
    /** The last 40 lines of output, for error messages. */
    tail: () => tail.join('\n'),
    /** Calls fn with every later line of stdout or stderr. */
    onLine(fn) {
      watchers.add(fn);
    },
    /** Resolves with the first line (stdout or stderr, from now on) matching re. */
    waitForLine(re, ms) {
      let stop;
      const found = new Promise((resolve, reject) => {
        const w = (line) => {
          if (re.test(line)) resolve(line);
        };
        watchers.add(w);
        stop = () => watchers.delete(w);
        exited.then(({ code, signal }) =>
          reject(new Error(`${name} exited (${code ?? signal}) before ${re}:\n${handle.tail()}`)),
        );
      });
      return withTimeout(found, ms, `${name}: waiting for ${re}`).finally(stop);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      try {
        child.stdin.end();
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, killAfterMs);
      const result = await exited;
      clearTimeout(timer);
      // Anything left in the group (e.g. an orphaned pool process) goes too.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // nothing left
      }
      return result;
    },
  };
  child.stdin.on('error', () => {});
  scope.defer(() => handle.stop());
  return handle;
}

/** First line of a command's output, or null; for version strings. */
export function tryVersion(cmd, args) {
  try {
    const out = execFileSync(cmd, args, { timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return out.toString().trim().split('\n')[0];
  } catch {
    return null;
  }
}

export const NATS_SERVER = process.env.BENCH_NATS_SERVER ?? '/usr/sbin/nats-server';

/**
 * Starts a private nats-server with JetStream on a free 127.0.0.1 port and a temp store dir
 * (the system server on 4222 is left alone). Stopped and its dir removed on scope close.
 */
export async function startNatsServer(scope, name = 'nats') {
  if (!existsSync(NATS_SERVER))
    throw new Error(`${NATS_SERVER} not found (apt-get install nats-server)`);
  const dir = tempDir(scope, name);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = spawnChild(scope, name, NATS_SERVER, [
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      '-js',
      '-sd',
      dir,
    ]);
    try {
      await server.waitForLine(/Server is ready/, 15_000);
      return { url: `nats://127.0.0.1:${port}`, port, pid: server.pid, dir, process: server };
    } catch (err) {
      await server.stop();
      if (attempt >= 3) throw err;
    }
  }
}

import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidStateError, NatsServerNotFoundError, NatsServerStartError } from './errors.js';
import { freePort } from './free-port.js';
import { acceptsConnections, getMonitorJson } from './monitor.js';
import { renderNatsConfig } from './nats-config.js';
import { OutputBuffer } from './output-buffer.js';
import { pollUntil } from './poll.js';
import { trackStoppable, trackTempDir } from './registry.js';
import { TrackedChild, type ExitStatus } from './tracked-child.js';

/** Options for {@link NatsServer.start}. */
export interface NatsServerOptions {
  /**
   * Enable JetStream.
   * @defaultValue `true`
   */
  jetstream?: boolean;
  /**
   * JetStream store directory (nats-server adds a `jetstream/` folder inside it). A directory
   * you pass is never removed.
   * @defaultValue a fresh temp dir, removed by `stop()` unless `keepStore` is set
   */
  storeDir?: string;
  /**
   * Keep the default temp store dir on `stop()`, for inspecting it after a test.
   * @defaultValue `false`
   */
  keepStore?: boolean;
  /**
   * Client port on 127.0.0.1.
   * @defaultValue a free port from {@link freePort}
   */
  port?: number;
  /**
   * Serve the HTTP monitor (`/healthz`, `/jsz`, `/varz`) on a free 127.0.0.1 port.
   * @defaultValue `true`
   */
  monitor?: boolean;
  /** `server_name`; JetStream in a cluster needs one per server. */
  serverName?: string;
  /** Appended verbatim to the generated config file. */
  extraConfig?: string;
  /**
   * The nats-server binary.
   * @defaultValue `process.env.WADM_NATS_SERVER ?? '/usr/sbin/nats-server'`
   */
  binary?: string;
}

const DEFAULT_BINARY = '/usr/sbin/nats-server';
/** Generous: a cluster member is only healthy once the whole cluster has elected a leader. */
const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 50;
const STOP_GRACE_MS = 5_000;
/** Ports from freePort() are released before nats-server binds them; rarely, someone wins. */
const START_ATTEMPTS = 3;

interface Setup {
  binary: string;
  port: number;
  monitorPort: number | undefined;
  configFile: string;
  storeDir: string;
  /** What `stop()` removes: the whole temp dir, or only the config file when the store stays. */
  cleanupPath: string;
  untrackCleanupPath: () => void;
}

/**
 * A real nats-server child process on 127.0.0.1 for one test (or one test file), configured
 * through a generated config file in a temp dir.
 *
 * @example
 * ```ts
 * const server = await NatsServer.start();
 * const nc = await connect({ servers: server.url });
 * // …
 * await nc.close();
 * await server.stop();
 * ```
 */
export class NatsServer {
  /** Client URL, `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** Client port; the same across `restart()`. */
  readonly port: number;
  /** Monitor URL, `http://127.0.0.1:<port>`, unless the monitor is disabled. */
  readonly monitorUrl: string | undefined;
  /** JetStream store dir; the same across `restart()`. */
  readonly storeDir: string;
  /** Captured stdout and stderr of every run of this server, for failure messages. */
  readonly logs = (): string => this.output.toString();

  private readonly output = new OutputBuffer();
  private child: TrackedChild | undefined;
  private stopping: Promise<void> | undefined;
  private untrack: () => void = () => {};

  private constructor(private readonly setup: Setup) {
    this.port = setup.port;
    this.url = `nats://127.0.0.1:${setup.port}`;
    this.monitorUrl =
      setup.monitorPort === undefined ? undefined : `http://127.0.0.1:${setup.monitorPort}`;
    this.storeDir = setup.storeDir;
  }

  /**
   * Starts nats-server and resolves once clients can connect and, with the monitor on,
   * `/healthz` reports the server (and JetStream) healthy.
   *
   * @throws NatsServerNotFoundError when the binary is missing.
   * @throws NatsServerStartError, with the log tail, when it exits or is not ready in time.
   */
  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const binary = options.binary ?? process.env['WADM_NATS_SERVER'] ?? DEFAULT_BINARY;
    await access(binary, constants.X_OK).catch((error: unknown) => {
      throw new NatsServerNotFoundError(binary, { cause: error });
    });
    for (let attempt = 1; ; attempt++) {
      const server = new NatsServer(await prepare(binary, options));
      try {
        await server.launch();
      } catch (error) {
        await server.removeFiles();
        if (attempt < START_ATTEMPTS && isAddressInUse(error)) continue;
        throw error;
      }
      server.untrack = trackStoppable(server);
      return server;
    }
  }

  /** The running process id; `undefined` after `kill()` or `stop()`. */
  get pid(): number | undefined {
    return this.child?.status === undefined ? this.child?.pid : undefined;
  }

  /**
   * SIGTERM, wait for the exit (SIGKILL after 5 s), then remove the temp dir. Idempotent;
   * the server cannot be restarted afterwards.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.untrack();
      await this.child?.terminate(STOP_GRACE_MS);
      await this.removeFiles();
    })();
    return this.stopping;
  }

  /** SIGKILL and wait for the exit, keeping the store: a crash, for `restart()` to recover. */
  async kill(): Promise<void> {
    await this.child?.kill();
  }

  /**
   * Stops the server if it is running (gracefully) and starts it again on the same port,
   * monitor port and store dir; resolves when it is ready again.
   */
  async restart(): Promise<void> {
    if (this.stopping) throw new InvalidStateError('restart() after stop()');
    await this.child?.terminate(STOP_GRACE_MS);
    this.output.append('\n--- @wadm/testkit: restarting nats-server ---\n');
    await this.launch();
  }

  private async launch(): Promise<void> {
    const { binary, configFile } = this.setup;
    const child = await TrackedChild.spawn({
      command: binary,
      args: ['-c', configFile],
      group: false,
      output: this.output,
    }).catch((error: unknown) => {
      throw new NatsServerStartError(`could not spawn ${binary}`, this.output.tail(), {
        cause: error,
      });
    });
    this.child = child;
    const ready = await pollUntil(() => this.checkReady(), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: READY_POLL_MS,
      giveUpWhen: () => child.status !== undefined,
    });
    if (ready) return;
    const status = child.status ? await child.exited : undefined;
    if (status) {
      throw new NatsServerStartError(
        `nats-server exited while starting (${describeExit(status)})`,
        this.output.tail(),
      );
    }
    await child.kill();
    throw new NatsServerStartError(
      `nats-server was not ready within ${READY_TIMEOUT_MS} ms`,
      this.output.tail(),
    );
  }

  /**
   * The client port alone is not enough: the monitor and JetStream come up before it, and in
   * a cluster `/healthz` waits for the meta leader and for this server's streams to catch up.
   */
  private async checkReady(): Promise<true | undefined> {
    if (!(await acceptsConnections(this.port))) return undefined;
    if (this.monitorUrl === undefined) return true;
    const { status } = await getMonitorJson(`${this.monitorUrl}/healthz`);
    return status === 200 ? true : undefined;
  }

  private async removeFiles(): Promise<void> {
    await rm(this.setup.cleanupPath, { recursive: true, force: true });
    this.setup.untrackCleanupPath();
  }
}

async function prepare(binary: string, options: NatsServerOptions): Promise<Setup> {
  const workDir = await mkdtemp(join(tmpdir(), 'wadm-nats-'));
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? join(workDir, 'store');
  const configFile = join(workDir, 'nats-server.conf');
  const port = options.port ?? (await freePort());
  const monitorPort = (options.monitor ?? true) ? await freePort() : undefined;
  const config = renderNatsConfig({
    port,
    monitorPort,
    serverName: options.serverName,
    jetstream: options.jetstream ?? true,
    storeDir,
    extraConfig: options.extraConfig,
  });
  await writeFile(configFile, config);
  const cleanupPath = ownsStore && options.keepStore ? configFile : workDir;
  const untrackCleanupPath = trackTempDir(cleanupPath);
  return { binary, port, monitorPort, configFile, storeDir, cleanupPath, untrackCleanupPath };
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof NatsServerStartError && /address already in use/i.test(error.logTail);
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit code ${String(status.code)}`;
}

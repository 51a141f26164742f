import { randomBytes } from 'node:crypto';
import { NatsServerStartError, WaitTimeoutError } from './errors.js';
import { freePort } from './free-port.js';
import { getMonitorJson } from './monitor.js';
import { renderClusterConfig } from './nats-config.js';
import { NatsServer } from './nats-server.js';
import { pollUntil } from './poll.js';

/** Options for {@link NatsCluster.start}. */
export interface NatsClusterOptions {
  /**
   * Number of servers.
   * @defaultValue `3`
   */
  size?: number;
  /**
   * Cluster name; servers are named `<name>-1` … `<name>-<size>`.
   * @defaultValue a unique `wadm-test-<hex>`
   */
  name?: string;
}

/** Leader election on 2.9 takes a few seconds; a slow CI machine needs headroom. */
const META_LEADER_TIMEOUT_MS = 30_000;
const META_LEADER_POLL_MS = 100;
/** Cluster ports come from freePort() too, and a collision fails one member's start. */
const START_ATTEMPTS = 3;

/**
 * A routed cluster of nats-servers with JetStream on 127.0.0.1, for R3 streams and
 * failover tests. Every member lists every route, so any start order converges.
 */
export class NatsCluster {
  /** Client URLs of all members, for `connect({ servers: cluster.urls })`. */
  readonly urls: string[];

  /** @internal Use {@link NatsCluster.start}. */
  constructor(
    /** The members, in server-name order; `restart()` or `kill()` one to test failover. */
    readonly servers: NatsServer[],
  ) {
    this.urls = servers.map((s) => s.url);
  }

  /**
   * Starts all members in parallel and resolves once every member agrees on a JetStream meta
   * leader that sees all its peers, so an R`size` stream can be created at once.
   *
   * @throws NatsServerStartError when a member fails to start (the others are stopped).
   * @throws WaitTimeoutError when no meta leader with all peers appears in time.
   */
  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const size = options.size ?? 3;
    const name = options.name ?? `wadm-test-${randomBytes(4).toString('hex')}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOnce(size, name);
      } catch (error) {
        const retry = attempt < START_ATTEMPTS && error instanceof NatsServerStartError;
        if (retry && /address already in use/i.test(error.logTail)) continue;
        throw error;
      }
    }
  }

  /** Stops every member and removes their stores. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

async function startOnce(size: number, name: string): Promise<NatsCluster> {
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) routePorts.push(await freePort());
  const results = await Promise.allSettled(
    routePorts.map((port, i) =>
      NatsServer.start({
        serverName: `${name}-${i + 1}`,
        extraConfig: renderClusterConfig({ name, port, routePorts }),
      }),
    ),
  );
  const servers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  const cluster = new NatsCluster(servers);
  const leader = await pollUntil(() => agreedMetaLeader(servers, size), {
    timeoutMs: META_LEADER_TIMEOUT_MS,
    intervalMs: META_LEADER_POLL_MS,
  });
  if (leader === undefined) {
    const logs = servers.map((s) => `--- ${s.url} ---\n${tailOf(s.logs())}`).join('\n');
    await cluster.stop();
    throw new WaitTimeoutError(
      `cluster ${name} has no JetStream meta leader with ${size} peers after ${META_LEADER_TIMEOUT_MS} ms`,
      logs,
    );
  }
  return cluster;
}

/** The shape of the `/jsz` fields read here (2.9 and later). */
interface Jsz {
  meta_cluster?: {
    leader?: string;
    cluster_size?: number;
    replicas?: { name: string; current: boolean }[];
  };
}

/**
 * The meta leader's name once every member reports it, and the leader counts `size` peers
 * with all followers current: an R3 stream created earlier can fail with "insufficient
 * resources" while peers are still being registered.
 */
async function agreedMetaLeader(
  servers: readonly NatsServer[],
  size: number,
): Promise<string | undefined> {
  const views = await Promise.all(
    servers.map(async (s) => (await getMonitorJson(`${s.monitorUrl}/jsz`)).body as Jsz),
  );
  const leaders = new Set(views.map((v) => v.meta_cluster?.leader));
  const [leader] = leaders;
  if (leaders.size !== 1 || !leader) return undefined;
  const leaderView = views.find((v) => (v.meta_cluster?.replicas?.length ?? 0) > 0) ?? views[0];
  const meta = leaderView?.meta_cluster;
  const followers = meta?.replicas ?? [];
  const complete =
    meta?.cluster_size === size &&
    followers.length === size - 1 &&
    followers.every((f) => f.current);
  return complete || size === 1 ? leader : undefined;
}

function tailOf(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

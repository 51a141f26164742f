// The production NATS shape (deploy/k8s/overlays/prod, deploy/compose.yaml): three JetStream
// nodes, everything provisioned at R3. Under a steady load of submissions, a node killed
// outright and then a rolling restart of all three, one at a time, lose no accepted task: every
// submission the client saw acknowledged ends SUCCESS. Submissions refused while the cluster
// elects a leader are not accepted (the client sees the error and may retry); they are counted,
// not required to run.
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { freePort, ManagedProcess, NatsServer, pollUntil } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision, TaskClient } from '../src/index.js';

const WORKER = fileURLToPath(new URL('./fixtures/echo-worker.mjs', import.meta.url));
/** Concurrent submitters: enough to keep publishes in flight across every election. */
const SUBMITTERS = 8;

let servers: Member[];
let nc: NatsConnection;
let client: TaskClient;
let worker: ManagedProcess;

interface Member {
  name: string;
  server: NatsServer;
  monitorUrl: string;
}

/**
 * Three routed members, each with its monitor on a port of its own. Not testkit's NatsCluster:
 * its restart() waits for `/healthz`, which on 2.9.10 can report an idle R3 consumer "not
 * current" for longer than it waits after a restart; here a member is back once it takes
 * clients, and {@link caughtUp} says when every stream has all its replicas current again.
 */
async function startMembers(): Promise<Member[]> {
  const name = `wadm-rolling-${process.pid}`;
  const routes = [await freePort(), await freePort(), await freePort()];
  const monitors = [await freePort(), await freePort(), await freePort()];
  const routeList = routes.map((p) => `    "nats-route://127.0.0.1:${p}"`).join('\n');
  return Promise.all(
    routes.map(async (port, i) => ({
      name: `${name}-${i + 1}`,
      monitorUrl: `http://127.0.0.1:${monitors[i]}`,
      server: await NatsServer.start({
        serverName: `${name}-${i + 1}`,
        monitor: false,
        extraConfig: [
          `http: "127.0.0.1:${monitors[i]}"`,
          'cluster {',
          `  name: "${name}"`,
          `  listen: "127.0.0.1:${port}"`,
          `  routes: [\n${routeList}\n  ]`,
          '}',
        ].join('\n'),
      }),
    })),
  );
}

interface StreamView {
  name: string;
  cluster?: { leader?: string; replicas?: { name: string; current: boolean }[] };
}
interface JszView {
  meta_cluster?: { leader?: string };
  account_details?: { stream_detail?: StreamView[] }[];
}

/** True once every stream has a leader and, in its leader's view, two current followers. */
async function caughtUp(members: Member[]): Promise<true | undefined> {
  const views = await Promise.all(
    members.map(async (m) => ({
      name: m.name,
      jsz: await fetch(`${m.monitorUrl}/jsz?streams=true`)
        .then((r) => r.json() as Promise<JszView>)
        .catch(() => undefined),
    })),
  );
  const streams = views.flatMap(
    (v) =>
      v.jsz?.account_details?.flatMap((a) =>
        (a.stream_detail ?? []).map((s) => ({ ...s, seenBy: v.name })),
      ) ?? [],
  );
  // Only a leader knows whether its followers are current.
  const led = streams.filter(
    (s) => s.cluster?.leader === s.seenBy && (s.cluster?.replicas?.length ?? 0) === 2,
  );
  const names = new Set(streams.map((s) => s.name));
  const ok =
    names.size > 0 &&
    [...names].every((n) =>
      led.some((s) => s.name === n && s.cluster?.replicas?.every((r) => r.current)),
    );
  return ok ? true : undefined;
}

const waitCaughtUp = () =>
  pollUntil(() => caughtUp(servers), { timeoutMs: 60_000, intervalMs: 250 });

beforeAll(async () => {
  servers = await startMembers();
  const urls = servers.map((m) => m.server.url);
  nc = await connect({ servers: urls, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  // The meta leader is elected a few seconds after the members connect.
  await pollUntil(
    async () => {
      const jsz = await fetch(`${servers[0]?.monitorUrl}/jsz`).then(
        (r) => r.json() as Promise<JszView>,
      );
      return jsz.meta_cluster?.leader ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  await provision(nc, { replicas: 3, ackWaitMs: 2_000 });
  client = await TaskClient.open(nc);
  worker = await ManagedProcess.start({
    command: process.execPath,
    args: [WORKER],
    env: {
      NATS_URL: urls.join(','),
      WADM_HEALTH_PORT: '0',
      WADM_PROVISION: '0',
      WADM_CONCURRENCY: '16',
    },
    readyWhen: /testworker service ready/,
  });
}, 120_000);
afterAll(async () => {
  await worker?.kill();
  await nc?.close();
  await Promise.all((servers ?? []).map((m) => m.server.stop()));
});

interface LoadResult {
  accepted: { owner: string; id: string }[];
  refused: number;
}

/** Submits echo tasks from several loops until `disrupt` has finished, then one second more. */
async function underLoad(disrupt: () => Promise<void>): Promise<LoadResult> {
  const result: LoadResult = { accepted: [], refused: 0 };
  let running = true;
  const loops = Array.from({ length: SUBMITTERS }, async (_, loop) => {
    for (let n = 0; running; n++) {
      try {
        const { state } = await client.submit({
          type: 'diagnostics.echo',
          params: { payload: `${loop}-${n}` },
        });
        result.accepted.push({ owner: state.owner, id: state.id });
      } catch {
        result.refused++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  await disrupt();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  running = false;
  await Promise.all(loops);
  return result;
}

/** The accepted tasks not SUCCESS once every one has settled (or the wait ran out). */
async function notSucceeded(accepted: LoadResult['accepted']): Promise<string[]> {
  let left = accepted;
  await pollUntil(
    async () => {
      const states = await Promise.all(
        left.map((t) => client.get(t.owner, t.id).catch(() => null)),
      );
      left = left.filter((_, i) => states[i]?.status !== 'SUCCESS');
      return left.length === 0 ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  ).catch(() => undefined);
  return left.map((t) => t.id);
}

describe('a 3-node cluster with R3 resources under load', () => {
  it('cluster - a node killed outright loses no accepted task', { timeout: 180_000 }, async () => {
    await waitCaughtUp();
    const victim = servers[1]?.server;
    const load = await underLoad(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await victim?.kill();
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    });
    expect(load.accepted.length).toBeGreaterThan(50);
    expect(await notSucceeded(load.accepted)).toEqual([]);
    // Back for the next test: it catches up from its own store and the other two.
    await victim?.restart();
    expect(await waitCaughtUp()).toBe(true);
  });

  it(
    'cluster - restarting the three nodes one by one loses no accepted task',
    {
      timeout: 240_000,
    },
    async () => {
      const load = await underLoad(async () => {
        for (const { server } of servers) {
          // A graceful stop and start; the next member goes only once every stream is R3 again.
          await server.restart();
          await waitCaughtUp();
        }
      });
      expect(load.accepted.length).toBeGreaterThan(50);
      expect(await notSucceeded(load.accepted)).toEqual([]);
    },
  );
});

import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  consumerName,
  parseCancelSubject,
  PRIORITIES,
  STREAMS,
  subjects,
  typesOfQueue,
  type Queue,
} from '@wadm/contracts';
import { ArtifactStore } from '../artifacts.js';
import { RevokedError, ShutdownError } from '../errors.js';
import { EventPublisher } from '../events.js';
import type { AnyHandler, HandlerMap } from '../handlers.js';
import type { Logger } from '../logger.js';
import { TaskStore } from '../task-store.js';
import { millis } from '../time.js';
import { UsageLedger } from '../usage-ledger.js';
import type { ExecutionDeps, WorkerCounters } from './execution-deps.js';
import { Heartbeat } from './heartbeat.js';
import { QueueRunner } from './queue-runner.js';
import { runningKey } from './task-execution.js';

export interface WorkerStats extends WorkerCounters {
  slots: number;
  inFlight: number;
  buffered: number;
}

export interface WorkerOptions<Q extends Queue> {
  nc: NatsConnection;
  service: string;
  instance: string;
  queues: readonly Q[];
  handlers: HandlerMap<Q>;
  /** Concurrent tasks per queue: one number for all, or per queue. */
  slots: number | Partial<Record<Q, number>>;
  defaultSlots?: number;
  logger: Logger;
  /**
   * The consumers' ack_wait: `working()` is sent three times per period. Unset, it is read
   * from the consumers (the shortest of them).
   */
  ackWaitMs?: number;
  heartbeatMs?: number;
  pullExpiresMs?: number;
  inlineResultMaxBytes?: number;
  /** Artifact bytes (large results, files) one owner may keep; unset or 0: no quota. */
  storageQuotaBytes?: number;
  progressIntervalMs?: number;
}

/**
 * A worker instance: binds its queues' consumers, runs tasks in slots, keeps them alive,
 * listens for revokes, and reports a heartbeat.
 */
export class Worker<Q extends Queue> {
  readonly id: string;
  private runners: QueueRunner[] = [];
  private deps: ExecutionDeps | null = null;
  private stopped = false;
  private cancelSub: Subscription | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private heartbeat: Heartbeat | null = null;
  private readonly counters: WorkerCounters = { succeeded: 0, failed: 0, retried: 0, revoked: 0 };

  constructor(private readonly opts: WorkerOptions<Q>) {
    this.id = `${opts.service}.${opts.instance}`;
    const handlers = opts.handlers as Record<string, unknown>;
    for (const queue of opts.queues) {
      for (const type of typesOfQueue(queue)) {
        // The handler map's type already demands these; this guards plain-JS callers.
        if (typeof handlers[type] !== 'function') throw new Error(`no handler for ${type}`);
      }
    }
  }

  get running(): number {
    return this.runners.reduce((n, r) => n + r.running, 0);
  }

  stats(): WorkerStats {
    return {
      ...this.counters,
      slots: this.runners.reduce((n, r) => n + r.slots, 0),
      inFlight: this.running,
      buffered: this.runners.reduce((n, r) => n + r.buffered, 0),
    };
  }

  async start(): Promise<void> {
    const { nc, logger } = this.opts;
    const js = jetstream(nc);
    const deps: ExecutionDeps = {
      js,
      store: await TaskStore.open(nc),
      events: new EventPublisher(nc),
      artifacts: await ArtifactStore.open(nc),
      handlers: this.opts.handlers as unknown as Record<string, AnyHandler>,
      workerId: this.id,
      logger,
      inlineResultMaxBytes: this.opts.inlineResultMaxBytes ?? 64 * 1024,
      usage: this.opts.storageQuotaBytes
        ? { ledger: await UsageLedger.open(nc), quotaBytes: this.opts.storageQuotaBytes }
        : undefined,
      progressIntervalMs: this.opts.progressIntervalMs ?? 100,
      running: new Map(),
      counters: this.counters,
    };
    this.deps = deps;
    this.cancelSub = nc.subscribe(subjects.cancelAll, {
      callback: (err, msg) => {
        if (err) return;
        const task = parseCancelSubject(msg.subject);
        if (!task) return;
        deps.running
          .get(runningKey({ owner: task.owner, id: task.taskId }))
          ?.controller.abort(new RevokedError());
      },
    });
    this.runners = this.opts.queues.map(
      (queue) =>
        new QueueRunner(
          { queue, slots: this.slotsFor(queue), pullExpiresMs: this.opts.pullExpiresMs ?? 5_000 },
          deps,
        ),
    );
    for (const r of this.runners) r.start();
    const ackWaitMs = this.opts.ackWaitMs ?? (await consumersAckWaitMs(nc, this.opts.queues));
    const tickMs = Math.max(100, Math.floor(ackWaitMs / 3));
    this.ticker = setInterval(() => void this.keepAlive(), tickMs);
    this.heartbeat = await Heartbeat.start(nc, this.opts.heartbeatMs ?? 5_000, () => ({
      service: this.opts.service,
      instance: this.opts.instance,
      queues: [...this.opts.queues],
      ...this.stats(),
    }));
    logger.info(
      { worker: this.id, queues: this.opts.queues, slots: this.runners.map((r) => r.slots) },
      'worker started',
    );
  }

  /**
   * Graceful stop: no new pulls, unstarted messages handed back, running tasks given `graceMs`
   * to finish, then interrupted and handed back for another worker.
   */
  async stop(graceMs: number): Promise<void> {
    const deps = this.deps;
    if (!deps || this.stopped) return;
    this.stopped = true;
    await Promise.all(this.runners.map((r) => r.stopPulling()));
    const idle = Promise.all(this.runners.map((r) => r.idle()));
    const timedOut = await Promise.race([
      idle.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
    ]);
    if (timedOut) {
      this.opts.logger.warn({ running: deps.running.size }, 'grace period over; handing back');
      for (const task of deps.running.values()) task.controller.abort(new ShutdownError());
      await idle;
    }
    if (this.ticker) clearInterval(this.ticker);
    this.cancelSub?.unsubscribe();
    await this.heartbeat?.stop();
    this.opts.logger.info({ worker: this.id, ...this.counters }, 'worker stopped');
  }

  private slotsFor(queue: Q): number {
    const { slots } = this.opts;
    if (typeof slots === 'number') return slots;
    return slots[queue] ?? this.opts.defaultSlots ?? 1;
  }

  /**
   * Every third of ack_wait: `working()` for everything held, and a look at the state of
   * running tasks, so a revoke whose broadcast was missed (a reconnect) still lands.
   */
  private async keepAlive(): Promise<void> {
    const deps = this.deps;
    if (!deps) return;
    for (const r of this.runners) r.keepBufferedAlive();
    for (const task of deps.running.values()) {
      task.msg.working();
      try {
        const stored = await deps.store.get(task.owner, task.id);
        if (stored?.state.revokeRequested) task.controller.abort(new RevokedError());
      } catch {
        // NATS unreachable: the broadcast or the next tick will catch a revoke.
      }
    }
  }
}

/** The shortest `ack_wait` among the consumers of these queues, as the server has it. */
async function consumersAckWaitMs(nc: NatsConnection, queues: readonly Queue[]): Promise<number> {
  const jsm = await jetstreamManager(nc);
  let shortest = Infinity;
  for (const queue of queues) {
    for (const priority of PRIORITIES) {
      const info = await jsm.consumers.info(STREAMS.tasks, consumerName(queue, priority));
      shortest = Math.min(shortest, millis(info.config.ack_wait ?? 0));
    }
  }
  return shortest;
}

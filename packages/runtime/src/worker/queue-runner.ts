import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import {
  consumerName,
  PRIORITIES,
  PRIORITY_WEIGHTS,
  STREAMS,
  type Priority,
  type Queue,
} from '@wadm/contracts';
import { sleep } from '../time.js';
import type { ExecutionDeps } from './execution-deps.js';
import { executeTask, handBackUnstarted } from './task-execution.js';
import { WeightedPicker } from './weighted-picker.js';

export interface QueueRunnerOptions {
  queue: Queue;
  slots: number;
  /** How long one pull waits for messages before asking again. */
  pullExpiresMs: number;
}

/** Resolves waiters whenever capacity may have changed. */
class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Serves one queue: a pull loop per priority fills local buffers no larger than the free slots
 * (plus one waiting message per priority, so a freed slot can choose by priority), and a
 * weighted pick hands buffered messages to free slots: high first, never starving low.
 */
export class QueueRunner {
  private readonly buffers: Record<Priority, JsMsg[]> = { high: [], normal: [], low: [] };
  private readonly picker = new WeightedPicker(PRIORITY_WEIGHTS);
  private readonly capacity = new Signal();
  private readonly pulls = new Set<ConsumerMessages>();
  private readonly inFlight = new Set<Promise<void>>();
  private loops: Promise<void>[] = [];
  private stopping = false;

  constructor(
    private readonly opts: QueueRunnerOptions,
    private readonly deps: ExecutionDeps,
  ) {}

  get queue(): Queue {
    return this.opts.queue;
  }
  get slots(): number {
    return this.opts.slots;
  }
  get running(): number {
    return this.inFlight.size;
  }
  get buffered(): number {
    return this.buffers.high.length + this.buffers.normal.length + this.buffers.low.length;
  }

  start(): void {
    this.loops = PRIORITIES.map((p) => this.pullLoop(p));
  }

  /** Keeps buffered messages from timing out while they wait for a slot. */
  keepBufferedAlive(): void {
    for (const p of PRIORITIES) for (const m of this.buffers[p]) m.working();
  }

  /** Stops pulling and hands buffered messages back; running tasks carry on. */
  async stopPulling(): Promise<void> {
    this.stopping = true;
    for (const pull of this.pulls) pull.stop();
    this.capacity.notify();
    await Promise.allSettled(this.loops);
    const unstarted = PRIORITIES.flatMap((p) => this.buffers[p].splice(0));
    await Promise.allSettled(unstarted.map((m) => handBackUnstarted(m, this.deps)));
  }

  /** Resolves when every running task has settled. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private wanted(priority: Priority): number {
    const free = this.opts.slots - this.inFlight.size - this.buffered;
    return this.buffers[priority].length === 0 ? Math.max(1, free) : free;
  }

  private async pullLoop(priority: Priority): Promise<void> {
    const name = consumerName(this.opts.queue, priority);
    let consumer: Consumer | null = null;
    let failures = 0;
    while (!this.stopping) {
      const want = this.wanted(priority);
      if (want <= 0) {
        await this.capacity.wait();
        continue;
      }
      try {
        consumer ??= await this.deps.js.consumers.get(STREAMS.tasks, name);
        const pull = await consumer.fetch({
          max_messages: want,
          expires: this.opts.pullExpiresMs,
        });
        this.pulls.add(pull);
        try {
          for await (const m of pull) this.accept(priority, m);
        } finally {
          this.pulls.delete(pull);
        }
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        // Disconnected, server restarting, or missed heartbeats: back off and pull again.
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          this.deps.logger.warn({ err, consumer: name, failures }, 'pull failed; retrying');
        }
        if (failures > 3) consumer = null;
        await sleep(Math.min(2_000, 100 * failures));
      }
    }
  }

  private accept(priority: Priority, m: JsMsg): void {
    if (this.stopping) {
      void handBackUnstarted(m, this.deps);
      return;
    }
    this.buffers[priority].push(m);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.inFlight.size < this.opts.slots) {
      const waiting = PRIORITIES.filter((p) => this.buffers[p].length > 0);
      const priority = this.picker.pick(waiting);
      if (!priority) break;
      const msg = this.buffers[priority].shift() as JsMsg;
      const task: Promise<void> = executeTask(msg, this.deps)
        .catch((err: unknown) => {
          // State could not be written (NATS down?): leave the message to time out and come
          // back; the STARTED state already written keeps the attempt count honest.
          this.deps.logger.error({ err, subject: msg.subject, seq: msg.seq }, 'task not settled');
        })
        .finally(() => {
          this.inFlight.delete(task);
          this.dispatch();
        });
      this.inFlight.add(task);
    }
    this.capacity.notify();
  }
}

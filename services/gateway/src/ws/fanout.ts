import { setTimeout as sleep } from 'node:timers/promises';
import {
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseEventSubject, STREAMS, subjects } from '@wadm/contracts';
import type { Logger } from '@wadm/runtime';
import { toOutbound, type Outbound } from './protocol.js';

/** A socket's interest: the events of one owner, or of every owner (`owner: null`, admins). */
export interface EventSubscriber {
  readonly owner: string | null;
  deliver(item: Outbound): void;
}

const REOPEN_DELAY_MS = 1_000;
/** Messages per pull: enough to keep up with bursts, small enough to stay responsive. */
const PULL_BATCH = 512;

/**
 * The gateway instance's one reader of task events, fanned out in process to its sockets by
 * owner. Every instance has its own, so each delivers every event to its own clients.
 *
 * It is an ordered consumer on TASK_EVENTS (`events.tasks.>`, from the stream's end at start)
 * rather than a core subscription: every event then comes with its stream sequence, the
 * bookmark clients resume from, and live delivery sees exactly what a replay sees. Across a NATS
 * reconnect the consumer is recreated after the last sequence it delivered, so sockets get what
 * was published meanwhile instead of a gap.
 */
export class EventFanout {
  private readonly byOwner = new Map<string, Set<EventSubscriber>>();
  private readonly everyone = new Set<EventSubscriber>();
  private readonly js: JetStreamClient;
  private readonly nc: NatsConnection;
  private consumer: Consumer | undefined;
  private messages: ConsumerMessages | undefined;
  private readonly stopping = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private dispatched = 0;

  private constructor(
    nc: NatsConnection,
    private readonly logger: Logger,
    private last: number,
  ) {
    this.nc = nc;
    this.js = jetstream(nc);
  }

  /** Starts reading after the last event already in TASK_EVENTS. */
  static async start(nc: NatsConnection, logger: Logger): Promise<EventFanout> {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(STREAMS.events);
    const fanout = new EventFanout(nc, logger, info.state.last_seq);
    // The first consumer is opened here so that a missing stream fails the start.
    const messages = await fanout.open();
    fanout.loop = fanout.run(messages);
    return fanout;
  }

  /**
   * Stream sequence of the last event handed to subscribers. A subscriber added now receives
   * every event of its owner after it, and none before.
   */
  get position(): number {
    return this.last;
  }

  get stats(): { dispatched: number; position: number; subscribers: number } {
    let subscribers = this.everyone.size;
    for (const set of this.byOwner.values()) subscribers += set.size;
    return { dispatched: this.dispatched, position: this.last, subscribers };
  }

  add(sub: EventSubscriber): void {
    if (sub.owner === null) {
      this.everyone.add(sub);
      return;
    }
    let set = this.byOwner.get(sub.owner);
    if (!set) this.byOwner.set(sub.owner, (set = new Set()));
    set.add(sub);
  }

  remove(sub: EventSubscriber): void {
    if (sub.owner === null) {
      this.everyone.delete(sub);
      return;
    }
    const set = this.byOwner.get(sub.owner);
    if (set?.delete(sub) && set.size === 0) this.byOwner.delete(sub.owner);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
  }

  private async open(): Promise<ConsumerMessages> {
    const consumer = await this.js.consumers.get(STREAMS.events, {
      filter_subjects: subjects.eventsAll,
      opt_start_seq: this.last + 1,
    });
    const messages = await consumer.consume({
      max_messages: PULL_BATCH,
      callback: (msg) => this.dispatch(msg),
    });
    this.consumer = consumer;
    this.messages = messages;
    return messages;
  }

  /** Keeps a consumer open until stopped; the ordered consumer itself survives reconnects. */
  private async run(first: ConsumerMessages): Promise<void> {
    let messages: ConsumerMessages | undefined = first;
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        messages ??= await this.open();
        if (signal.aborted) break;
        const err = await messages.closed();
        if (signal.aborted) break;
        this.logger.warn({ err, after: this.last }, 'task event consumer ended; reopening');
      } catch (err) {
        if (signal.aborted) break;
        this.logger.error({ err, after: this.last }, 'cannot read TASK_EVENTS; retrying');
      }
      messages = undefined;
      if (this.nc.isClosed()) {
        this.logger.error('NATS connection closed: WebSocket clients get no more events');
        break;
      }
      await sleep(REOPEN_DELAY_MS, undefined, { signal }).catch(() => undefined);
    }
    await this.messages?.close().catch(() => undefined);
    // Ordered consumers are ephemeral; deleting saves the server from holding it until it expires.
    await this.consumer?.delete().catch(() => undefined);
  }

  private dispatch(msg: JsMsg): void {
    const seq = msg.seq;
    // A reopened consumer starts after `last`; this only guards against a replayed batch.
    if (seq <= this.last) return;
    this.last = seq;
    const owner = ownerOf(msg.subject);
    const mine = owner === undefined ? undefined : this.byOwner.get(owner);
    if (!mine && this.everyone.size === 0) return;
    const item = toOutbound(msg.data, seq);
    if (!item) {
      this.logger.debug(
        { subject: msg.subject, seq },
        'skipped a message that is not a task event',
      );
      return;
    }
    this.dispatched++;
    if (mine) for (const sub of mine) sub.deliver(item);
    for (const sub of this.everyone) sub.deliver(item);
  }
}

function ownerOf(subject: string): string | undefined {
  return parseEventSubject(subject)?.owner;
}

import { JetStreamApiError, type ApiError } from '@nats-io/jetstream';
import {
  createInbox,
  headers as natsHeaders,
  NoRespondersError,
  TimeoutError,
  type Msg,
  type NatsConnection,
} from '@nats-io/transport-node';
import { sleep } from './time.js';

/** What the stream answered: where the message is stored, and whether it was a duplicate. */
export interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

export interface WriteOptions {
  headers?: Readonly<Record<string, string>>;
  /**
   * Tries in all while no stream answers or the answer does not come (a leader election in a
   * cluster), as `js.publish`'s `retries`. Only for writes that are safe to repeat: a message
   * id dedupes a command, a compare-and-set refuses a second write.
   */
  retries?: number;
}

interface Pending {
  subject: string;
  resolve(msg: Msg): void;
  reject(err: Error): void;
  since: number;
}

/** The last message on a subject, as a direct get returns it. */
export interface LastMessage {
  seq: number;
  /** `KV-Operation`: absent for a put, `DEL` or `PURGE` for a KV delete marker. */
  operation: string | undefined;
  msg: Msg;
}

/** How long a write waits for the stream's answer, as the client's own default. */
const TIMEOUT_MS = 5_000;
const SWEEP_MS = 250;
/** Waits between tries while no stream answers: the client's own back-off policy. */
const RETRY_DELAYS_MS = [0, 250, 250, 500, 500, 3_000, 5_000];

const writers = new WeakMap<NatsConnection, JetStreamWriter>();

/**
 * Acknowledged JetStream publishes, as `js.publish` makes them — the same PubAck, the same
 * server-side checks (`Nats-Msg-Id` dedupe, `Nats-Expected-Last-Subject-Sequence` for a KV
 * compare-and-set) — without the client's per-request machinery: one reply subscription for
 * every write, a map from token to the waiting promise, one timer for time-outs. That
 * machinery (a timer, a subscription and an error with a stack per request) cost more CPU per
 * task than the stored writes themselves.
 */
export class JetStreamWriter {
  private readonly pending = new Map<string, Pending>();
  private readonly prefix: string;
  private next = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.prefix = createInbox();
    nc.subscribe(`${this.prefix}.*`, {
      callback: (err, msg) => {
        if (!err) this.answer(msg);
      },
    });
    const sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    sweeper.unref();
    void nc.closed().finally(() => {
      clearInterval(sweeper);
      this.failAll(new Error('connection closed'));
    });
  }

  /** One writer per connection: its reply subscription serves every caller. */
  static for(nc: NatsConnection, timeoutMs = TIMEOUT_MS): JetStreamWriter {
    let writer = writers.get(nc);
    if (!writer) {
      writer = new JetStreamWriter(nc, timeoutMs);
      writers.set(nc, writer);
    }
    return writer;
  }

  async publish(subject: string, data: string, opts: WriteOptions = {}): Promise<PubAck> {
    const tries = Math.max(1, opts.retries ?? 1);
    for (let attempt = 0; ; attempt++) {
      try {
        return toPubAck(await this.once(subject, data, opts.headers));
      } catch (err) {
        const transient = err instanceof NoRespondersError || err instanceof TimeoutError;
        if (!transient || attempt + 1 >= tries) throw err;
        const delays = RETRY_DELAYS_MS;
        await sleep(delays[Math.min(attempt, delays.length - 1)] ?? 0);
      }
    }
  }

  /**
   * The last message stored on `subject` in `stream` (a stream with `allow_direct`), as
   * `kv.get` reads a key; null when there is none.
   */
  async lastMessage(stream: string, subject: string): Promise<LastMessage | null> {
    const msg = await this.once(`$JS.API.DIRECT.GET.${stream}.${subject}`, '', undefined);
    const status = msg.headers?.code ?? 0;
    if (status === 404) return null;
    if (status !== 0) {
      throw new Error(`direct get of ${subject}: ${status} ${msg.headers?.description ?? ''}`);
    }
    return {
      seq: Number(msg.headers?.get('Nats-Sequence')),
      operation: msg.headers?.get('KV-Operation') || undefined,
      msg,
    };
  }

  private once(
    subject: string,
    data: string,
    headers: Readonly<Record<string, string>> | undefined,
  ): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const token = (this.next++).toString(36);
      this.pending.set(token, { subject, resolve, reject, since: Date.now() });
      try {
        const h = headers ? natsHeaders() : undefined;
        for (const [name, value] of Object.entries(headers ?? {})) h?.set(name, value);
        this.nc.publish(subject, data, {
          reply: `${this.prefix}.${token}`,
          ...(h ? { headers: h } : {}),
        });
      } catch (err) {
        this.pending.delete(token);
        reject(err as Error);
      }
    });
  }

  private answer(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length + 1);
    const waiting = this.pending.get(token);
    if (!waiting) return;
    this.pending.delete(token);
    if (msg.headers?.code === 503) waiting.reject(new NoRespondersError(waiting.subject));
    else waiting.resolve(msg);
  }

  private sweep(): void {
    if (this.pending.size === 0) return;
    const late = Date.now() - this.timeoutMs;
    for (const [token, waiting] of this.pending) {
      // Insertion order is the order of sending: the first one in time ends the sweep.
      if (waiting.since > late) break;
      this.pending.delete(token);
      waiting.reject(new TimeoutError());
    }
  }

  private failAll(err: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(err);
    this.pending.clear();
  }
}

function toPubAck(msg: Msg): PubAck {
  let reply: { stream?: string; seq?: number; duplicate?: boolean; error?: ApiError };
  try {
    reply = msg.json();
  } catch (err) {
    throw new Error('invalid JetStream publish acknowledgement', { cause: err });
  }
  if (reply.error) throw new JetStreamApiError(reply.error);
  if (!reply.stream) throw new Error('invalid JetStream publish acknowledgement');
  return { stream: reply.stream, seq: reply.seq ?? 0, duplicate: !!reply.duplicate };
}

import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { STREAMS, subjects } from '@wadm/contracts';
import { toOutbound, type Outbound } from './protocol.js';

export interface ReplayRequest {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Whose events; null for every owner's. */
  owner: string | null;
  /** The client's bookmark: replay starts after this stream sequence. */
  after: number;
  /** Where the socket's live delivery started: replay stops here, live takes over. */
  through: number;
  /** Stream messages replayed at most; the replay stops short of `through` past it. */
  limit: number;
  signal: AbortSignal;
  /**
   * One replayed stream message, in order. `item` is null for a message that is not a task
   * event; its sequence still counts as replayed through.
   */
  deliver(item: Outbound | null, streamSeq: number): void;
  /** Resolves once the client can take more. */
  waitForRoom(): Promise<void>;
}

export interface ReplayOutcome {
  replayed: number;
  /** TASK_EVENTS no longer holds everything after `after` (older events aged out). */
  truncated: boolean;
  /** More than `limit` messages were in `(after, through]`: the replay stopped at `lastSeq`. */
  limited: boolean;
  /** The client is complete through this stream sequence: `through`, or the last one replayed. */
  lastSeq: number;
}

const FETCH_BATCH = 256;
const FETCH_EXPIRES_MS = 2_000;

/**
 * Replays the owner's events in `(after, through]` from TASK_EVENTS through an ordered consumer
 * filtered to `events.tasks.<owner>.>`, paced by the client. Events after `through` reach the
 * socket live, so together they are complete, in stream order and without duplicates.
 *
 * At most `limit` messages are replayed (the oldest); the gateway reads at most one more, to
 * tell "exactly `limit`" from "more than `limit`".
 */
export async function replayEvents(req: ReplayRequest): Promise<ReplayOutcome> {
  const { js, jsm, after, through, limit, signal } = req;
  if (after >= through) return { replayed: 0, truncated: false, limited: false, lastSeq: through };
  const stream = await jsm.streams.info(STREAMS.events);
  const truncated = stream.state.first_seq > after + 1;
  const consumer = await js.consumers.get(STREAMS.events, {
    filter_subjects: req.owner === null ? subjects.eventsAll : subjects.eventsOf(req.owner),
    opt_start_seq: after + 1,
  });
  let replayed = 0;
  let read = 0;
  let limited = false;
  let lastRead = after;
  try {
    if ((await consumer.info(true)).num_pending === 0) {
      return { replayed, truncated, limited, lastSeq: through };
    }
    let done = false;
    while (!done && !signal.aborted) {
      // No more than the limit needs, plus the one that shows whether more remain.
      const max = Math.min(FETCH_BATCH, limit - read + 1);
      const batch = await consumer.fetch({ max_messages: max, expires: FETCH_EXPIRES_MS });
      let received = 0;
      for await (const msg of batch) {
        received++;
        if (msg.seq > through || signal.aborted) {
          done = true;
          break;
        }
        if (read === limit) {
          limited = done = true;
          break;
        }
        const item = toOutbound(msg.data, msg.seq);
        req.deliver(item, msg.seq);
        read++;
        lastRead = msg.seq;
        if (item) replayed++;
        if (msg.info.pending === 0) {
          done = true;
          break;
        }
        await req.waitForRoom();
      }
      // Nothing more arrived before the pull expired: what was pending has aged out.
      if (received === 0) done = true;
    }
    return { replayed, truncated, limited, lastSeq: limited ? lastRead : through };
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

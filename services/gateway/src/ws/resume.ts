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
}

const FETCH_BATCH = 256;
const FETCH_EXPIRES_MS = 2_000;

/**
 * Replays the owner's events in `(after, through]` from TASK_EVENTS through an ordered consumer
 * filtered to `events.tasks.<owner>.>`, paced by the client. Events after `through` reach the
 * socket live, so together they are complete, in stream order and without duplicates.
 */
export async function replayEvents(req: ReplayRequest): Promise<ReplayOutcome> {
  const { js, jsm, after, through, signal } = req;
  if (after >= through) return { replayed: 0, truncated: false };
  const stream = await jsm.streams.info(STREAMS.events);
  const truncated = stream.state.first_seq > after + 1;
  const consumer = await js.consumers.get(STREAMS.events, {
    filter_subjects: req.owner === null ? subjects.eventsAll : subjects.eventsOf(req.owner),
    opt_start_seq: after + 1,
  });
  let replayed = 0;
  try {
    if ((await consumer.info(true)).num_pending === 0) return { replayed, truncated };
    let done = false;
    while (!done && !signal.aborted) {
      const batch = await consumer.fetch({ max_messages: FETCH_BATCH, expires: FETCH_EXPIRES_MS });
      let received = 0;
      for await (const msg of batch) {
        received++;
        if (msg.seq > through || signal.aborted) {
          done = true;
          break;
        }
        const item = toOutbound(msg.data, msg.seq);
        req.deliver(item, msg.seq);
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
    return { replayed, truncated };
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { subjects, type TaskEvent } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWsHarness, TestSocket, wsUrl, type Received, type WsHarness } from './harness.js';

const LIMIT = 5;

let h: WsHarness;
let js: JetStreamClient;

// Events are published straight to TASK_EVENTS: exact counts, no worker timing.
beforeAll(async () => {
  h = await startWsHarness({ WADM_WS_MAX_RESUME_EVENTS: String(LIMIT) });
  js = jetstream(h.nc);
});
afterAll(() => h?.close());

/** Publishes one finished task's event; resolves with its stream sequence. */
async function publish(owner: string, taskId: string): Promise<number> {
  const event: TaskEvent = {
    task_id: taskId,
    type: 'diagnostics.echo',
    status: 'SUCCESS',
    progress: 1,
    result: null,
    error: null,
    seq: 1,
    ts: new Date().toISOString(),
  };
  const ack = await js.publish(subjects.event(owner, taskId), JSON.stringify(event));
  return ack.seq;
}

async function publishMany(owner: string, prefix: string, count: number): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) seqs.push(await publish(owner, `${prefix}-${i}`));
  return seqs;
}

/**
 * Waits until the bridge has read through `seq`: a socket opened after it replays everything up
 * to `seq` and gets nothing of it live, so the counts below are exact.
 */
async function readThrough(seq: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (h.bridge.stats().position < seq) {
    if (Date.now() > deadline) throw new Error(`the bridge did not reach ${seq}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function open(user: string, query = ''): Promise<TestSocket> {
  return TestSocket.open(wsUrl(h.bridge, `/ws/tasks/${user}${query}`), [
    'bearer',
    await h.token(user),
  ]);
}

const seqs = (events: Received[]): number[] => events.map((e) => e.stream_seq as number);

describe('ws resume limit', () => {
  it('resume limit - replays the oldest events up to the limit, then a final reply and 4413', async () => {
    const bookmark = await publish('rae', 'seen');
    const missed = await publishMany('rae', 'missed', LIMIT + 3);
    await readThrough(missed.at(-1) as number);

    const socket = await open('rae', `?resume_from=${bookmark}`);
    const closed = await socket.closed;
    const at = missed[LIMIT - 1] as number;
    expect(seqs(socket.events)).toEqual(missed.slice(0, LIMIT));
    expect(socket.messages.at(-1)).toEqual({
      control: 'resume_limit',
      resume_from: bookmark,
      replayed: LIMIT,
      stream_seq: at,
      limit: LIMIT,
      truncated: false,
      message: closed.reason,
    });
    expect(socket.messages.some((m) => m.control === 'resumed')).toBe(false);
    expect(closed).toEqual({
      code: 4413,
      reason: `more than ${LIMIT} events to replay: reconnect with resume_from=${at} or re-read state over REST`,
    });

    // Reconnecting from that bookmark picks up the rest, exactly once.
    const next = await open('rae', `?resume_from=${at}`);
    const reply = await next.waitFor((m) => m.control === 'resumed');
    expect(seqs(next.events)).toEqual(missed.slice(LIMIT));
    expect(reply).toMatchObject({ resume_from: at, replayed: 3 });
    await next.close();
  });

  it('resume limit - {"resume_from"} as a message meets the same limit', async () => {
    const bookmark = await publish('sol', 'seen');
    const missed = await publishMany('sol', 'missed', LIMIT + 1);
    await readThrough(missed.at(-1) as number);

    const socket = await open('sol');
    socket.send({ resume_from: bookmark });
    const closed = await socket.closed;
    expect(closed.code).toBe(4413);
    expect(seqs(socket.events)).toEqual(missed.slice(0, LIMIT));
    expect(socket.messages.at(-1)).toMatchObject({
      control: 'resume_limit',
      stream_seq: missed[LIMIT - 1],
    });
  });

  it('resume limit - exactly the limit replays as before, counting only the channel’s events', async () => {
    const bookmark = await publish('tia', 'seen');
    const missed: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      missed.push(await publish('tia', `missed-${i}`));
      // Another owner's events sit in the same range of the stream but are not replayed.
      await publishMany('uma', `noise-${i}`, 2);
    }
    await readThrough(await publish('uma', 'last'));

    const socket = await open('tia', `?resume_from=${bookmark}`);
    const reply = await socket.waitFor((m) => m.control === 'resumed');
    expect(seqs(socket.events)).toEqual(missed);
    expect(reply).toMatchObject({ resume_from: bookmark, replayed: LIMIT, truncated: false });

    const live = await publish('tia', 'live');
    await socket.waitFor((m) => m.stream_seq === live);
    expect(seqs(socket.events)).toEqual([...missed, live]);
    await socket.close();
  });
});

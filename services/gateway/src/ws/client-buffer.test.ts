import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientBuffer, type OverflowReason, type SocketSink } from './client-buffer.js';
import type { Outbound } from './protocol.js';

/** A socket whose buffered amount the test sets; what it "sent" is recorded. */
class FakeSocket implements SocketSink {
  buffered = 0;
  sent: string[] = [];
  /** Answers 2 (dropped over uWS's own limit), as uWS does. */
  dropping = false;
  corks = 0;

  getBufferedAmount(): number {
    return this.buffered;
  }

  send(text: string): number {
    if (this.dropping) return 2;
    this.sent.push(text);
    return this.buffered > 0 ? 0 : 1;
  }

  cork(cb: () => void): void {
    this.corks++;
    cb();
  }
}

const MAX = 1_000;

function ev(key: number, taskId: string, terminal = false, bytes = 100): Outbound {
  return { key, taskId, terminal, text: `${taskId}@${key}`, bytes };
}

function control(key: number): Outbound {
  return { key, taskId: undefined, terminal: true, text: `control@${key}`, bytes: 50 };
}

let sock: FakeSocket;
let buf: ClientBuffer;
let overflows: OverflowReason[];

beforeEach(() => {
  vi.useFakeTimers();
  sock = new FakeSocket();
  overflows = [];
  buf = new ClientBuffer(sock, {
    maxBufferBytes: MAX,
    maxQueuedBytes: 4 * MAX,
    slowTimeoutMs: 5_000,
    onOverflow: (reason) => overflows.push(reason),
  });
});
afterEach(() => {
  buf.close();
  vi.useRealTimers();
});

describe('ClientBuffer', () => {
  it('client buffer - writes every event at once while the client keeps up', () => {
    for (let k = 1; k <= 5; k++) buf.offer(ev(k, 'a'));
    expect(sock.sent).toEqual(['a@1', 'a@2', 'a@3', 'a@4', 'a@5']);
    expect(buf.stats).toMatchObject({ sent: 5, conflated: 0, queued: 0 });
  });

  it('client buffer - conflates progress per task while the socket is at its bound', () => {
    sock.buffered = MAX;
    buf.offer(ev(1, 'a'));
    buf.offer(ev(2, 'b'));
    buf.offer(ev(3, 'a'));
    buf.offer(ev(4, 'a'));
    buf.offer(ev(5, 'b'));
    expect(sock.sent).toEqual([]);
    expect(buf.stats).toMatchObject({ queued: 2, conflated: 3 });

    sock.buffered = 0;
    buf.drain();
    // The latest per task, still in stream order.
    expect(sock.sent).toEqual(['a@4', 'b@5']);
  });

  it('client buffer - never drops a terminal event, and it supersedes waiting progress', () => {
    sock.buffered = MAX;
    buf.offer(ev(1, 'a'));
    buf.offer(ev(2, 'b'));
    buf.offer(ev(3, 'a', true));
    buf.offer(ev(4, 'b'));
    buf.offer(ev(5, 'c', true));
    buf.offer(ev(6, 'b', true));
    sock.buffered = 0;
    buf.drain();
    expect(sock.sent).toEqual(['a@3', 'c@5', 'b@6']);
  });

  it('client buffer - keeps a task’s events after its terminal one (a replayed dead letter)', () => {
    sock.buffered = MAX;
    buf.offer(ev(1, 'a', true));
    buf.offer(ev(2, 'a'));
    buf.offer(ev(3, 'a'));
    sock.buffered = 0;
    buf.drain();
    expect(sock.sent).toEqual(['a@1', 'a@3']);
  });

  it('client buffer - stops writing again once the socket reaches its bound', () => {
    sock.buffered = MAX;
    for (const [k, t] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ] as const)
      buf.offer(ev(k, t));
    const send = sock.send.bind(sock);
    sock.send = (text) => {
      const r = send(text);
      sock.buffered = MAX;
      return r;
    };
    sock.buffered = 0;
    buf.drain();
    expect(sock.sent).toEqual(['a@1']);
    sock.buffered = 0;
    buf.drain();
    expect(sock.sent).toEqual(['a@1', 'b@2']);
  });

  it('client buffer - keeps an event uWS dropped and sends it on drain', () => {
    sock.dropping = true;
    buf.offer(ev(1, 'a', true));
    expect(sock.sent).toEqual([]);
    expect(buf.stats.queued).toBe(1);
    sock.dropping = false;
    buf.drain();
    expect(sock.sent).toEqual(['a@1']);
  });

  it('client buffer - gives up when terminal events pile up past maxQueuedBytes', () => {
    sock.buffered = MAX;
    for (let k = 1; k <= 45; k++) buf.offer(ev(k, `t${k}`, true));
    expect(overflows).toEqual(['bytes']);
    buf.offer(ev(46, 'x'));
    expect(buf.stats.queued).toBe(0);
  });

  it('client buffer - always lets one event wait, however large', () => {
    sock.buffered = MAX;
    buf.offer(ev(1, 'a', true, 10 * MAX));
    expect(overflows).toEqual([]);
    sock.buffered = 0;
    buf.drain();
    expect(sock.sent).toEqual(['a@1']);
  });

  it('client buffer - gives up on a client stalled at its bound for slowTimeoutMs', () => {
    sock.buffered = MAX;
    buf.offer(ev(1, 'a'));
    vi.advanceTimersByTime(4_999);
    buf.offer(ev(2, 'a'));
    expect(overflows).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(overflows).toEqual(['stalled']);
  });

  it('client buffer - forgives a client that catches up in time', () => {
    sock.buffered = MAX;
    buf.offer(ev(1, 'a'));
    vi.advanceTimersByTime(4_000);
    sock.buffered = 0;
    buf.drain();
    vi.advanceTimersByTime(10_000);
    expect(overflows).toEqual([]);
    sock.buffered = MAX;
    buf.offer(ev(2, 'a'));
    vi.advanceTimersByTime(4_000);
    expect(overflows).toEqual([]);
  });

  it('client buffer - holds events above the watermark and orders older ones before them', () => {
    buf.holdAbove(10);
    buf.offer(ev(12, 'live'));
    buf.offer(ev(13, 'live', true));
    expect(sock.sent).toEqual([]);
    buf.holdAbove(5);
    buf.offer(ev(5, 'old'));
    buf.holdAbove(8);
    buf.offer(ev(8, 'old', true));
    buf.offer(control(10));
    expect(sock.sent).toEqual(['old@5', 'old@8']);
    buf.release();
    expect(sock.sent).toEqual(['old@5', 'old@8', 'control@10', 'live@13']);
    expect(buf.stats.conflated).toBe(1);
  });

  it('client buffer - holdAll keeps every held event until released', () => {
    buf.holdAll();
    for (let k = 5; k <= 9; k++) buf.offer(ev(k, 'a'));
    expect(sock.sent).toEqual([]);
    buf.release();
    expect(sock.sent).toEqual(['a@5', 'a@6', 'a@7', 'a@8', 'a@9']);
    expect(buf.stats).toMatchObject({ conflated: 0, queued: 0 });
  });

  it('client buffer - holdAll conflates only past maxQueuedBytes, then a replay conflates', () => {
    buf.holdAll();
    for (let k = 1; k <= 45; k++) buf.offer(ev(k, 'a'));
    expect(overflows).toEqual([]);
    expect(buf.stats).toMatchObject({ queued: 40, conflated: 5 });
    buf.holdAbove(0);
    buf.offer(ev(46, 'a'));
    buf.release();
    expect(sock.sent.at(-1)).toBe('a@46');
    expect(sock.sent).toHaveLength(40);
  });

  it('client buffer - drops an older replayed progress event when a newer one of its task waits', () => {
    buf.holdAbove(0);
    buf.offer(ev(20, 'a'));
    buf.offer(ev(7, 'a'));
    buf.offer(ev(8, 'a', true));
    buf.release();
    expect(sock.sent).toEqual(['a@8', 'a@20']);
  });

  it('client buffer - discards what waits up to a key', () => {
    buf.holdAbove(0);
    buf.offer(ev(3, 'a', true));
    buf.offer(ev(6, 'b', true));
    buf.discardThrough(4);
    buf.release();
    expect(sock.sent).toEqual(['b@6']);
  });

  it('client buffer - paces a replay: room once the socket drains', async () => {
    sock.buffered = MAX;
    let room = false;
    const waiting = buf.waitForRoom().then(() => (room = true));
    await Promise.resolve();
    expect(room).toBe(false);
    sock.buffered = 0;
    buf.drain();
    await waiting;
    expect(room).toBe(true);
    await expect(buf.waitForRoom()).resolves.toBeUndefined();
  });

  it('client buffer - a replay waiting on a socket that never drains counts as stalled', async () => {
    sock.buffered = MAX;
    const waiting = buf.waitForRoom();
    vi.advanceTimersByTime(5_000);
    expect(overflows).toEqual(['stalled']);
    await expect(waiting).resolves.toBeUndefined();
  });

  it('client buffer - corks the socket when it writes what waited', () => {
    sock.buffered = MAX;
    buf.offer(ev(1, 'a'));
    buf.offer(ev(2, 'b'));
    const before = sock.corks;
    sock.buffered = 0;
    buf.drain();
    expect(sock.corks).toBe(before + 1);
    expect(sock.sent).toEqual(['a@1', 'b@2']);
  });
});

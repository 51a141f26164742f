import type { Outbound } from './protocol.js';

/** The part of a uWS WebSocket the buffer drives. */
export interface SocketSink {
  /** Bytes uWS holds for this socket, not yet taken by the kernel. */
  getBufferedAmount(): number;
  /** uWS semantics: 1 sent, 0 sent but backpressure built up, 2 dropped (over `maxBackpressure`). */
  send(text: string): number;
  /** Runs `cb` with writes batched into one syscall. */
  cork(cb: () => void): void;
}

const SEND_DROPPED = 2;

export type OverflowReason = 'bytes' | 'stalled';

export interface ClientBufferOptions {
  /** Writing to the socket stops once uWS holds this many bytes for it; events then wait here. */
  maxBufferBytes: number;
  /** What may wait here (after conflation) before the client is given up; one event always may. */
  maxQueuedBytes: number;
  /** How long a client may stay at the bound without catching up before it is given up. */
  slowTimeoutMs: number;
  /** Called once, when the buffer gives up; the caller closes the socket. */
  onOverflow(reason: OverflowReason): void;
}

export interface ClientBufferStats {
  sent: number;
  /** Progress events replaced by a newer event of the same task while the client lagged. */
  conflated: number;
  queued: number;
  queuedBytes: number;
}

/**
 * One socket's outgoing events. While the client keeps up, every event is written at once. When
 * uWS holds `maxBufferBytes` for it, events wait here in stream order and a task's waiting
 * progress is replaced by its newer event (the latest per task is kept); terminal events and
 * control replies are never replaced. Waiting is bounded: over `maxQueuedBytes` waiting here, or
 * lagging for `slowTimeoutMs`, the buffer gives up and the caller closes the socket (the client
 * resumes from its last `stream_seq`, so nothing it needs is lost).
 *
 * A watermark holds back events with a higher key (live events while older ones are replayed);
 * held events wait and are conflated like any others. {@link holdAll} holds everything without
 * conflating: the client is not behind, only not admitted yet.
 */
export class ClientBuffer {
  /** Sorted by key; equal keys keep their arrival order. */
  private readonly queue: Outbound[] = [];
  /** The newest waiting event of each task. */
  private readonly latest = new Map<string, Outbound>();
  private bytes = 0;
  private watermark = Infinity;
  /** Set by {@link holdAll}: what waits is kept whole while it fits in `maxQueuedBytes`. */
  private keepAll = false;
  private slowTimer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private closed = false;
  private sent = 0;
  private conflated = 0;

  constructor(
    private readonly sink: SocketSink,
    private readonly opts: ClientBufferOptions,
  ) {}

  /** Sends or queues one message. */
  offer(item: Outbound): void {
    if (this.closed) return;
    if (
      this.queue.length === 0 &&
      item.key <= this.watermark &&
      this.sink.getBufferedAmount() < this.opts.maxBufferBytes &&
      this.sink.send(item.text) !== SEND_DROPPED
    ) {
      this.sent++;
      return;
    }
    this.enqueue(item);
    this.flush();
  }

  /** uWS drained some of the socket's buffer: write what waits. */
  drain(): void {
    if (!this.closed) this.flush();
  }

  /** Holds back messages with a key above `key` until {@link release} (or a higher watermark). */
  holdAbove(key: number): void {
    this.watermark = key;
    this.keepAll = false;
    this.flush();
  }

  /**
   * Holds back every message until {@link holdAbove} or {@link release}, conflating none of them
   * while they fit in `maxQueuedBytes`: a socket waiting for its token check has fallen behind on
   * nothing, so the events published right after it opened must all reach it.
   */
  holdAll(): void {
    this.watermark = -Infinity;
    this.keepAll = true;
  }

  release(): void {
    this.holdAbove(Infinity);
  }

  /** Forgets waiting messages with a key up to `key` (the client already has them). */
  discardThrough(key: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const item = this.queue[i] as Outbound;
      if (item.key <= key) this.removeAt(i, item);
    }
    this.flush();
  }

  /** Resolves when the socket can take more (or the buffer gave up): paces a replay. */
  waitForRoom(): Promise<void> {
    if (this.closed || this.hasRoom()) return Promise.resolve();
    const room = new Promise<void>((resolve) => this.waiters.push(resolve));
    // A replay waiting on a socket that never drains counts as lagging too.
    this.checkBounds();
    return room;
  }

  /** Stops everything; waiting messages are dropped (the socket is going away). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    this.queue.length = 0;
    this.latest.clear();
    this.bytes = 0;
    this.wake();
  }

  get stats(): ClientBufferStats {
    return {
      sent: this.sent,
      conflated: this.conflated,
      queued: this.queue.length,
      queuedBytes: this.bytes,
    };
  }

  private enqueue(item: Outbound): void {
    const { taskId } = item;
    if (this.keepAll && this.bytes + item.bytes <= this.opts.maxQueuedBytes) {
      if (taskId !== undefined) this.latest.set(taskId, item);
      this.insert(item);
      return;
    }
    if (taskId !== undefined) {
      const last = this.latest.get(taskId);
      if (last && last.key > item.key) {
        // A newer event of this task already waits (a replayed event met a held live one).
        if (!item.terminal) {
          this.conflated++;
          return;
        }
        this.insert(item);
        return;
      }
      if (last && !last.terminal) {
        this.removeAt(this.queue.lastIndexOf(last), last);
        this.conflated++;
      }
      this.latest.set(taskId, item);
    }
    this.insert(item);
  }

  private insert(item: Outbound): void {
    const q = this.queue;
    this.bytes += item.bytes;
    if (q.length === 0 || (q[q.length - 1] as Outbound).key <= item.key) {
      q.push(item);
      return;
    }
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((q[mid] as Outbound).key <= item.key) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, item);
  }

  private removeAt(index: number, item: Outbound): void {
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.bytes -= item.bytes;
    if (item.taskId !== undefined && this.latest.get(item.taskId) === item) {
      this.latest.delete(item.taskId);
    }
  }

  private flush(): void {
    if (this.flushable()) this.sink.cork(() => this.writeWaiting());
    this.checkBounds();
  }

  private writeWaiting(): void {
    const max = this.opts.maxBufferBytes;
    while (this.flushable() && this.sink.getBufferedAmount() < max) {
      const head = this.queue[0] as Outbound;
      if (this.sink.send(head.text) === SEND_DROPPED) return;
      this.removeAt(0, head);
      this.sent++;
    }
  }

  /** Something waits that the watermark lets through: only the socket holds it back. */
  private flushable(): boolean {
    const head = this.queue[0];
    return head !== undefined && head.key <= this.watermark;
  }

  private hasRoom(): boolean {
    return !this.flushable() && this.sink.getBufferedAmount() < this.opts.maxBufferBytes;
  }

  private checkBounds(): void {
    if (this.closed) return;
    if (this.bytes > this.opts.maxQueuedBytes && this.queue.length > 1) {
      this.giveUp('bytes');
      return;
    }
    const lagging = this.flushable() || (this.waiters.length > 0 && !this.hasRoom());
    if (lagging && !this.slowTimer) {
      this.slowTimer = setTimeout(() => this.giveUp('stalled'), this.opts.slowTimeoutMs);
    } else if (!lagging && this.slowTimer) {
      clearTimeout(this.slowTimer);
      this.slowTimer = undefined;
    }
    if (this.hasRoom()) this.wake();
  }

  private giveUp(reason: OverflowReason): void {
    if (this.closed) return;
    this.close();
    this.opts.onOverflow(reason);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

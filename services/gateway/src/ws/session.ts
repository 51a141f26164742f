import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { TokenVerifier } from '@wadm/auth';
import type { Logger } from '@wadm/runtime';
import type { WebSocket } from 'uWebSockets.js';
import { ClientBuffer, type ClientBufferStats, type OverflowReason } from './client-buffer.js';
import type { ConnectionLimit, ReleaseSlot } from './connection-limit.js';
import type { EventFanout, EventSubscriber } from './fanout.js';
import {
  ClientErrorCode,
  CloseCode,
  closeReason,
  controlMessage,
  errorReply,
  parseClientMessage,
  type ClientMessage,
  type Outbound,
  type ResumedReply,
  type ResumeLimitReply,
} from './protocol.js';
import { replayEvents, type ReplayOutcome } from './resume.js';
import { verifyAdmission, type Claimed } from './upgrade-auth.js';

/** What uWS keeps for each socket, set at upgrade; the session is made on open. */
export interface SocketData {
  claimed: Claimed;
  /** `?resume_from=` of the URL, when given. */
  resumeFrom: number | null;
  session?: WsSession;
}

export interface SessionDeps {
  fanout: EventFanout;
  js: JetStreamClient;
  jsm: JetStreamManager;
  verify: TokenVerifier;
  logger: Logger;
  maxBufferBytes: number;
  maxQueuedBytes: number;
  slowClientTimeoutMs: number;
  /** Sockets per user on this instance. */
  connections: ConnectionLimit;
  /** Stream messages one resume replays at most. */
  maxResumeEvents: number;
  onClosed(session: WsSession, stats: ClientBufferStats): void;
}

/** A client that keeps sending what the server cannot use is closed after this many. */
const MAX_INVALID_MESSAGES = 10;
/** Node timers hold at most ~24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One open socket. Live delivery starts after the fanout's position at open (`liveStart`) and
 * is held back, whole, until the token is verified. A resume replays `(resume_from, liveStart]` from
 * TASK_EVENTS while live events stay held, so the client sees one ordered sequence without gaps
 * or duplicates.
 */
export class WsSession implements EventSubscriber {
  readonly owner: string | null;
  readonly user: string;
  private readonly buffer: ClientBuffer;
  private readonly liveStart: number;
  /** The last live stream sequence offered; anything at or below it is not offered again. */
  private liveAfter: number;
  /** Resolves true once the token is verified, false when the socket was refused or closed. */
  private readonly admitted: Promise<boolean>;
  private resumeRequested = false;
  private readonly closing = new AbortController();
  private invalidMessages = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Set once admitted: this socket counts against its user's connection limit until closed. */
  private releaseSlot: ReleaseSlot | undefined;

  constructor(
    private readonly ws: WebSocket<SocketData>,
    private readonly deps: SessionDeps,
  ) {
    const { claimed, resumeFrom } = ws.getUserData();
    this.owner = claimed.owner;
    this.user = claimed.user;
    this.buffer = new ClientBuffer(
      {
        getBufferedAmount: () => ws.getBufferedAmount(),
        send: (text) => ws.send(text, false, false),
        cork: (cb) => void ws.cork(cb),
      },
      {
        maxBufferBytes: deps.maxBufferBytes,
        maxQueuedBytes: deps.maxQueuedBytes,
        slowTimeoutMs: deps.slowClientTimeoutMs,
        onOverflow: (reason) => this.overflowed(reason),
      },
    );
    this.liveStart = this.liveAfter = deps.fanout.position;
    // Not holdAbove: that conflates what waits, and a client whose token check outlasts a few
    // events would lose the progress published right after its socket opened.
    this.buffer.holdAll();
    deps.fanout.add(this);
    this.admitted = this.admit(claimed, resumeFrom);
  }

  get stats(): ClientBufferStats {
    return this.buffer.stats;
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  deliver(item: Outbound): void {
    if (item.key <= this.liveAfter) return;
    this.liveAfter = item.key;
    this.buffer.offer(item);
  }

  onMessage(data: ArrayBuffer, isBinary: boolean): void {
    // Parsed now: uWS reclaims `data` when this returns.
    const msg = parseClientMessage(data, isBinary);
    void this.admitted.then((ok) => {
      if (ok && !this.closed) this.handle(msg);
    });
  }

  onDrain(): void {
    this.buffer.drain();
  }

  /** uWS closed the socket (any reason): it must not be touched again. */
  onClose(): void {
    if (this.closed) return;
    this.closing.abort();
    clearTimeout(this.expiryTimer);
    this.releaseSlot?.();
    this.deps.fanout.remove(this);
    const stats = this.buffer.stats;
    this.buffer.close();
    this.deps.onClosed(this, stats);
  }

  /** Closes with a code and a reason the client can act on. */
  end(code: CloseCode, reason: string): void {
    if (!this.closed) this.ws.end(code, closeReason(reason));
  }

  private async admit(claimed: Claimed, resumeFrom: number | null): Promise<boolean> {
    let outcome: Awaited<ReturnType<typeof verifyAdmission>>;
    try {
      outcome = await verifyAdmission(claimed, this.deps.verify);
    } catch (err) {
      this.deps.logger.error({ err, user: this.user }, 'WebSocket token check failed');
      this.end(CloseCode.INTERNAL_ERROR, 'token check failed: reconnect');
      return false;
    }
    if (this.closed) return false;
    if (!outcome.ok) {
      this.deps.logger.debug({ user: this.user, detail: outcome.detail }, 'WebSocket refused');
      this.end(
        outcome.status === 403 ? CloseCode.FORBIDDEN : CloseCode.UNAUTHORIZED,
        outcome.detail,
      );
      return false;
    }
    // Counted only once the signature is verified: a forged token naming someone else must not
    // take their slots, even for the moment its check lasts.
    const { user } = outcome.principal;
    const slot = this.deps.connections.acquire(user);
    if (!slot) {
      const max = this.deps.connections.max;
      this.deps.logger.info({ user, max }, 'WebSocket refused: too many connections');
      this.end(
        CloseCode.TOO_MANY_CONNECTIONS,
        `too many connections for ${user}: the limit is ${max}`,
      );
      return false;
    }
    this.releaseSlot = slot;
    this.armExpiry(outcome.expiresAtMs);
    if (resumeFrom === null) this.buffer.release();
    else void this.resume(resumeFrom);
    return true;
  }

  private handle(msg: ClientMessage): void {
    if (msg.kind === 'resume') void this.resume(msg.from);
    else this.reject(msg.code, msg.message);
  }

  private armExpiry(expiresAtMs: number | undefined): void {
    if (expiresAtMs === undefined) return;
    const ms = expiresAtMs - Date.now();
    if (ms >= MAX_TIMER_MS) return;
    this.expiryTimer = setTimeout(
      () =>
        this.end(
          CloseCode.UNAUTHORIZED,
          'token expired: reconnect with a new token and resume_from',
        ),
      Math.max(0, ms),
    );
  }

  private async resume(from: number): Promise<void> {
    if (this.resumeRequested) {
      this.reject(
        ClientErrorCode.RESUME_ALREADY_REQUESTED,
        'a connection resumes once; reconnect to resume again',
      );
      return;
    }
    this.resumeRequested = true;
    const through = this.liveStart;
    if (from >= through) {
      // The client is ahead of this socket's start (it saw a busier instance): skip what it has.
      this.liveAfter = Math.max(this.liveAfter, from);
      this.buffer.discardThrough(from);
      this.buffer.offer(resumed(from, from, 0, false));
      this.buffer.release();
      return;
    }
    this.buffer.holdAbove(from);
    try {
      const outcome = await replayEvents({
        js: this.deps.js,
        jsm: this.deps.jsm,
        owner: this.owner,
        after: from,
        through,
        limit: this.deps.maxResumeEvents,
        signal: this.closing.signal,
        deliver: (item, seq) => {
          this.buffer.holdAbove(seq);
          if (item) this.buffer.offer(item);
        },
        waitForRoom: () => this.buffer.waitForRoom(),
      });
      if (this.closed) return;
      if (outcome.limited) {
        await this.endAtResumeLimit(from, outcome);
        return;
      }
      this.buffer.offer(resumed(from, through, outcome.replayed, outcome.truncated));
      this.buffer.release();
    } catch (err) {
      if (this.closed) return;
      this.deps.logger.warn({ err, user: this.user, owner: this.owner, from }, 'resume failed');
      // Live events were held back: carrying on would leave a gap the client cannot see.
      this.end(CloseCode.INTERNAL_ERROR, 'resume failed: reconnect and resume again');
    }
  }

  /**
   * The client is complete only up to `outcome.lastSeq`, so the held live events (after
   * `liveStart`) would leave a gap: it gets a final reply instead, and the socket closes once that
   * reply is handed to uWS (which sends it before the close frame).
   */
  private async endAtResumeLimit(from: number, outcome: ReplayOutcome): Promise<void> {
    const limit = this.deps.maxResumeEvents;
    const at = outcome.lastSeq;
    const message = `more than ${limit} events to replay: reconnect with resume_from=${at} or re-read state over REST`;
    this.deps.logger.info(
      { user: this.user, owner: this.owner, from, limit, at },
      'resume over the replay limit',
    );
    const body: ResumeLimitReply = {
      control: 'resume_limit',
      resume_from: from,
      replayed: outcome.replayed,
      stream_seq: at,
      limit,
      truncated: outcome.truncated,
      message,
    };
    this.buffer.offer(controlMessage(at, { ...body }));
    await this.buffer.waitForRoom();
    this.end(CloseCode.RESUME_TOO_LARGE, message);
  }

  private reject(code: ClientErrorCode, message: string): void {
    if (this.closed) return;
    if (++this.invalidMessages > MAX_INVALID_MESSAGES) {
      this.end(CloseCode.POLICY_VIOLATION, 'too many invalid messages');
      return;
    }
    this.ws.send(errorReply(code, message), false, false);
  }

  private overflowed(reason: OverflowReason): void {
    this.deps.logger.warn(
      { user: this.user, owner: this.owner, reason, maxBufferBytes: this.deps.maxBufferBytes },
      'closing a slow WebSocket client',
    );
    this.end(
      CloseCode.SLOW_CONSUMER,
      reason === 'bytes'
        ? 'slow consumer: buffer bound exceeded; reconnect with resume_from'
        : 'slow consumer: stalled at the buffer bound; reconnect with resume_from',
    );
  }
}

/** The reply to a resume, ordered after the replay and before the held live events. */
function resumed(from: number, through: number, replayed: number, truncated: boolean): Outbound {
  const body: ResumedReply = {
    control: 'resumed',
    resume_from: from,
    replayed,
    stream_seq: through,
    truncated,
  };
  return controlMessage(through, { ...body });
}

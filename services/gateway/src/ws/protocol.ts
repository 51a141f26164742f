import { isTerminal, isValidId, TASK_STATUSES, type TaskEvent } from '@wadm/contracts';

/**
 * What travels on `/ws/tasks/{user_id}`.
 *
 * Server → client: every task event as published on `events.tasks.<owner>.<taskId>`
 * (`{"task_id","type","status","progress","result","error","seq","ts",…}`) with one field added,
 * `stream_seq`: the event's sequence in the TASK_EVENTS stream. It grows across all tasks, so it is
 * the client's bookmark: a client that reconnects sends `{"resume_from": <highest stream_seq it
 * received>}` (or `?resume_from=` in the URL) and gets every event of its channel after it, then
 * the live ones, without gaps or duplicates. (The per-task `seq` orders one task's events; it can
 * not say "everything since" across tasks.) Replies to client messages carry a `control` field and
 * no `task_id`, so an event reader can tell them apart.
 *
 * `?resume_from=` is applied before any event goes out, so the client sees stream order. The
 * message form is the same when it arrives before the first live event; a later one still gets
 * each missed event once, but after the live events already sent. A connection resumes once.
 *
 * A resume replays at most `WADM_WS_MAX_RESUME_EVENTS` stream messages, so one reconnect cannot
 * make the gateway read an unbounded backlog. When more were missed, the client gets the oldest
 * ones (in order, once), then a final `{"control":"resume_limit"}` reply ({@link ResumeLimitReply})
 * naming the `stream_seq` it is complete up to, then close code 4413 (no live event follows: it
 * would leave a gap). It can reconnect with that `resume_from` for the next batch, or re-read task
 * state over REST and reconnect without one.
 *
 * One user may hold `WADM_WS_MAX_CONNECTIONS_PER_USER` sockets on one gateway instance (admins
 * too, whatever channel they open); one more is closed with 4429 once its token is verified.
 */
export const CloseCode = {
  /** The gateway is shutting down: reconnect (to any instance) with `resume_from`. */
  GOING_AWAY: 1001,
  /** Too many messages the server could not understand. */
  POLICY_VIOLATION: 1008,
  /** A resume (or the token check) could not be completed: reconnect (and resume) again. */
  INTERNAL_ERROR: 1011,
  /** The client read too slowly: its buffer stayed over the bound. Reconnect with `resume_from`. */
  SLOW_CONSUMER: 4008,
  /** The token's signature or claims failed verification, or it expired while connected. */
  UNAUTHORIZED: 4401,
  /** The verified token does not allow this channel. */
  FORBIDDEN: 4403,
  /** More missed events than one resume replays: see {@link ResumeLimitReply}. */
  RESUME_TOO_LARGE: 4413,
  /** The token's user already holds the most sockets one instance allows: close one first. */
  TOO_MANY_CONNECTIONS: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Codes of `{"control":"error"}` replies. */
export const ClientErrorCode = {
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  INVALID_RESUME: 'INVALID_RESUME',
  RESUME_ALREADY_REQUESTED: 'RESUME_ALREADY_REQUESTED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/**
 * One message ready for any number of sockets: serialized once, shared by reference.
 * `key` orders it (the stream sequence); `taskId` is set on task events, which may be conflated.
 */
export interface Outbound {
  readonly key: number;
  readonly taskId: string | undefined;
  /** Terminal events and control replies are never conflated away. */
  readonly terminal: boolean;
  readonly text: string;
  /** UTF-8 size of `text`. */
  readonly bytes: number;
}

const STATUSES: ReadonlySet<string> = new Set(TASK_STATUSES);
const decoder = new TextDecoder();

/**
 * The outbound form of an event stored at `streamSeq`; null for a payload that is not a task
 * event (someone's stray `nats pub`), which is skipped rather than sent to browsers.
 */
export function toOutbound(data: Uint8Array, streamSeq: number): Outbound | null {
  let event: TaskEvent;
  try {
    event = JSON.parse(decoder.decode(data)) as TaskEvent;
  } catch {
    return null;
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return null;
  if (!isValidId(event.task_id) || !STATUSES.has(event.status)) return null;
  const text = JSON.stringify({ ...event, stream_seq: streamSeq });
  return {
    key: streamSeq,
    taskId: event.task_id,
    terminal: isTerminal(event.status),
    text,
    bytes: Buffer.byteLength(text),
  };
}

/** A control reply that must follow everything up to `key` and precede what comes after it. */
export function controlMessage(key: number, body: Record<string, unknown>): Outbound {
  const text = JSON.stringify(body);
  return { key, taskId: undefined, terminal: true, text, bytes: Buffer.byteLength(text) };
}

export interface ResumedReply {
  control: 'resumed';
  resume_from: number;
  /** Events replayed from TASK_EVENTS. */
  replayed: number;
  /** The client is complete up to here: its new bookmark if no event follows. */
  stream_seq: number;
  /** Events after `resume_from` had already aged out of TASK_EVENTS; some may be missing. */
  truncated: boolean;
}

/**
 * The last message of a resume that met the replay limit; the socket closes with 4413 after it.
 * Everything after `resume_from` up to `stream_seq` was replayed; later events were not.
 */
export interface ResumeLimitReply {
  control: 'resume_limit';
  resume_from: number;
  /** Events replayed from TASK_EVENTS. */
  replayed: number;
  /** The client is complete up to here: `resume_from` for its next connection. */
  stream_seq: number;
  /** Stream messages one resume replays (`WADM_WS_MAX_RESUME_EVENTS`). */
  limit: number;
  /** As in {@link ResumedReply}. */
  truncated: boolean;
  message: string;
}

export function errorReply(code: ClientErrorCode, message: string): string {
  return JSON.stringify({ control: 'error', code, message });
}

export type ClientMessage =
  { kind: 'resume'; from: number } | { kind: 'invalid'; code: ClientErrorCode; message: string };

/** Parses what a client sent. The only request is `{"resume_from": <stream_seq>}`. */
export function parseClientMessage(data: ArrayBuffer, isBinary: boolean): ClientMessage {
  if (isBinary) {
    return invalid(ClientErrorCode.INVALID_MESSAGE, 'send text frames with JSON');
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return invalid(ClientErrorCode.INVALID_MESSAGE, 'not JSON: send {"resume_from": <stream_seq>}');
  }
  if (typeof body !== 'object' || body === null || !('resume_from' in body)) {
    return invalid(
      ClientErrorCode.INVALID_MESSAGE,
      'unknown message: send {"resume_from": <stream_seq>}',
    );
  }
  const from = parseResumeFrom(body.resume_from);
  if (from === null) {
    return invalid(
      ClientErrorCode.INVALID_RESUME,
      'resume_from must be a stream_seq (an integer ≥ 0)',
    );
  }
  return { kind: 'resume', from };
}

/** A `resume_from` value from JSON or the query string; null when it is not an integer ≥ 0. */
export function parseResumeFrom(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function invalid(code: ClientErrorCode, message: string): ClientMessage {
  return { kind: 'invalid', code, message };
}

/** A close reason fits in a control frame: at most 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text);
  return bytes.length <= 123
    ? text
    : bytes
        .subarray(0, 120)
        .toString()
        .replace(/\uFFFD$/, '') + '…';
}

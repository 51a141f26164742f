import { Type, type Static } from '@sinclair/typebox';
import { IsoTime } from './common.js';
import { ID_PATTERN, OWNER_PATTERN } from './ids.js';
import { PRIORITIES } from './queues.js';

/**
 * A task command, the body published on `tasks.<queue>.<priority>`. Only `type` and `params`
 * are required, so `nats pub` works by hand. Version 1; later fields must be optional, and a
 * worker must accept commands that lack them (older messages may still be in flight).
 */
export const TaskCommand = Type.Object({
  v: Type.Optional(Type.Literal(1)),
  id: Type.Optional(Type.String({ pattern: ID_PATTERN.source })),
  type: Type.String({ minLength: 1, maxLength: 100 }),
  params: Type.Record(Type.String(), Type.Unknown()),
  owner: Type.Optional(Type.String({ pattern: OWNER_PATTERN.source })),
  priority: Type.Optional(Type.Union(PRIORITIES.map((p) => Type.Literal(p)))),
  /** ETA: do not start before this time (Celery's `eta`). */
  notBefore: Type.Optional(IsoTime),
  /** Tighter limits than the type's, never looser. */
  softTimeLimitMs: Type.Optional(Type.Integer({ minimum: 1 })),
  timeLimitMs: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Tighter than the type's retry policy, never looser. */
  maxAttempts: Type.Optional(Type.Integer({ minimum: 1 })),
  submittedAt: Type.Optional(IsoTime),
});
export type TaskCommand = Static<typeof TaskCommand>;

/** Headers a submitter sets on the command message. */
export const HEADERS = {
  msgId: 'Nats-Msg-Id',
  traceparent: 'traceparent',
} as const;

import { Type, type Static } from '@sinclair/typebox';
import { IsoTime } from './common.js';
import { TaskErrorData } from './errors.js';
import { PRIORITIES, QUEUES } from './queues.js';
import { TASK_STATUSES } from './status.js';

export const ArtifactRef = Type.Object({
  store: Type.String(),
  name: Type.String(),
  size: Type.Integer(),
  contentType: Type.String(),
  fileName: Type.Optional(Type.String()),
});
export type ArtifactRef = Static<typeof ArtifactRef>;

/**
 * A task's state, the value under `<owner>.<taskId>` in TASK_STATE. Every change is a
 * compare-and-set on the entry's revision.
 */
export const TaskState = Type.Object({
  v: Type.Literal(1),
  id: Type.String(),
  type: Type.String(),
  owner: Type.String(),
  queue: Type.Union(QUEUES.map((q) => Type.Literal(q))),
  priority: Type.Union(PRIORITIES.map((p) => Type.Literal(p))),
  status: Type.Union(TASK_STATUSES.map((s) => Type.Literal(s))),
  /** 0 … 1. */
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  progressMessage: Type.Optional(Type.String()),
  /** Attempts started so far, counting ones whose worker died. */
  attempts: Type.Integer({ minimum: 0 }),
  maxAttempts: Type.Integer({ minimum: 1 }),
  /** Deliveries that were not attempts (ETA waits, hand-backs on shutdown), for operators. */
  deferrals: Type.Integer({ minimum: 0 }),
  params: Type.Unknown(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  startedAt: Type.Optional(IsoTime),
  finishedAt: Type.Optional(IsoTime),
  notBefore: Type.Optional(IsoTime),
  nextRetryAt: Type.Optional(IsoTime),
  result: Type.Optional(Type.Unknown()),
  resultRef: Type.Optional(ArtifactRef),
  error: Type.Optional(TaskErrorData),
  worker: Type.Optional(Type.String()),
  revokeRequested: Type.Optional(Type.Boolean()),
  idempotencyKey: Type.Optional(Type.String()),
  retryOf: Type.Optional(Type.String()),
  /** Last event sequence number used for this task. */
  seq: Type.Integer({ minimum: 0 }),
});
export type TaskState = Static<typeof TaskState>;

import { Type, type Static } from '@sinclair/typebox';
import { TASK_STATUSES } from './status.js';

/**
 * A task event, on `events.tasks.<owner>.<taskId>` and on the WebSocket, in the shape WADM's
 * clients already read. `seq` grows per task; `error` is the message, `error_code` its code.
 */
export const TaskEvent = Type.Object({
  task_id: Type.String(),
  type: Type.String(),
  status: Type.Union(TASK_STATUSES.map((s) => Type.Literal(s))),
  progress: Type.Number(),
  result: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  error_code: Type.Optional(Type.String()),
  attempts: Type.Optional(Type.Integer()),
  message: Type.Optional(Type.String()),
  seq: Type.Integer(),
  ts: Type.String(),
});
export type TaskEvent = Static<typeof TaskEvent>;

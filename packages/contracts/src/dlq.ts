import { Type, type Static } from '@sinclair/typebox';
import { TaskErrorData } from './errors.js';

/** A dead letter on `dlq.tasks.<queue>`: the original command and why it died. */
export const DeadLetter = Type.Object({
  v: Type.Literal(1),
  taskId: Type.String(),
  owner: Type.String(),
  type: Type.String(),
  subject: Type.String(),
  /** The command as it was published: JSON text, kept even when it did not parse. */
  command: Type.String(),
  error: TaskErrorData,
  attempts: Type.Integer(),
  failedAt: Type.String(),
  worker: Type.String(),
});
export type DeadLetter = Static<typeof DeadLetter>;

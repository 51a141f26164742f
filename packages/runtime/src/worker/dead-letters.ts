import type { JsMsg } from '@nats-io/jetstream';
import { subjects, type DeadLetter, type TaskErrorData } from '@wadm/contracts';
import { DURABLE_PUBLISH_RETRIES, isoNow } from '../time.js';
import type { ParsedCommand, RejectedCommand } from './command-parser.js';
import type { ExecutionDeps } from './execution-deps.js';

/**
 * Copies a failed command to TASKS_DLQ. The message id (command message and delivery) makes a
 * repeated publish of this copy a no-op, while a replayed command, a new message, dies anew.
 */
export async function publishDeadLetter(
  deps: ExecutionDeps,
  msg: JsMsg,
  parsed: ParsedCommand | RejectedCommand,
  attempts: number,
  error: TaskErrorData,
): Promise<void> {
  const letter: DeadLetter = {
    v: 1,
    taskId: parsed.id,
    owner: parsed.owner,
    type: parsed.type,
    subject: msg.subject,
    command: parsed.raw,
    error,
    attempts,
    failedAt: isoNow(),
    worker: deps.workerId,
  };
  await deps.js.publish(subjects.dlq(parsed.queue), JSON.stringify(letter), {
    retries: DURABLE_PUBLISH_RETRIES,
    msgID: `dlq.${parsed.owner}.${parsed.id}.${msg.seq}.${msg.info.deliveryCount}`,
  });
}

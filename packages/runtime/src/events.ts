import type { NatsConnection } from '@nats-io/transport-node';
import { isTerminal, subjects, type TaskEvent, type TaskState } from '@wadm/contracts';
import { JetStreamWriter } from './jetstream-writer.js';
import { DURABLE_PUBLISH_RETRIES, isoNow } from './time.js';

export function toEvent(state: TaskState, message?: string): TaskEvent {
  const event: TaskEvent = {
    task_id: state.id,
    type: state.type,
    status: state.status,
    progress: state.progress,
    result:
      state.status === 'SUCCESS'
        ? (state.result ?? (state.resultRef ? { artifact: state.resultRef } : null))
        : null,
    error: state.error?.message ?? null,
    seq: state.seq,
    ts: isoNow(),
    attempts: state.attempts,
  };
  if (state.error) event.error_code = state.error.code;
  const text = message ?? state.progressMessage;
  if (text) event.message = text;
  return event;
}

/**
 * Publishes task events. Progress goes out as plain publishes (TASK_EVENTS still captures
 * them); terminal events are JetStream publishes awaited for the stream's ack, so they are
 * never lost to a dropped connection.
 */
export class EventPublisher {
  private readonly writer: JetStreamWriter;

  constructor(private readonly nc: NatsConnection) {
    this.writer = JetStreamWriter.for(nc);
  }

  async publish(state: TaskState, message?: string): Promise<void> {
    const subject = subjects.event(state.owner, state.id);
    const body = JSON.stringify(toEvent(state, message));
    if (isTerminal(state.status)) {
      await this.writer.publish(subject, body, { retries: DURABLE_PUBLISH_RETRIES });
    } else {
      this.nc.publish(subject, body);
    }
  }
}

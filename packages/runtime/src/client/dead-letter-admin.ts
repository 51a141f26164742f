import {
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ErrorCode,
  parseTaskSubject,
  STREAMS,
  type DeadLetter,
  type TaskState,
} from '@wadm/contracts';
import { TaskRequestError } from '../errors.js';
import { TaskStore } from '../task-store.js';
import { DURABLE_PUBLISH_RETRIES, isoNow } from '../time.js';

/** A dead letter and its sequence in TASKS_DLQ, the handle `replay` and `delete` take. */
export interface StoredDeadLetter {
  seq: number;
  letter: DeadLetter;
}

/** Commands refused before they ran: replaying them would only fail the same way. */
const UNREPLAYABLE: ReadonlySet<string> = new Set([
  ErrorCode.MALFORMED_COMMAND,
  ErrorCode.UNKNOWN_TASK_TYPE,
  ErrorCode.VALIDATION_FAILED,
]);

/** Lists, replays and purges TASKS_DLQ: the operator's side of failed tasks. */
export class DeadLetterAdmin {
  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly store: TaskStore,
  ) {}

  static async open(nc: NatsConnection): Promise<DeadLetterAdmin> {
    return new DeadLetterAdmin(await jetstreamManager(nc), jetstream(nc), await TaskStore.open(nc));
  }

  /** The oldest `limit` dead letters, in the order they died. */
  async list(limit = 100): Promise<StoredDeadLetter[]> {
    const info = await this.jsm.streams.info(STREAMS.dlq);
    const letters: StoredDeadLetter[] = [];
    const { first_seq: first, last_seq: last, messages } = info.state;
    // An empty stream reports first_seq past last_seq, or 0, which getMessage refuses.
    if (messages === 0) return letters;
    for (let seq = first; seq <= last && letters.length < limit; seq++) {
      const letter = await this.get(seq);
      if (letter) letters.push(letter);
    }
    return letters;
  }

  async get(seq: number): Promise<StoredDeadLetter | null> {
    try {
      const msg = await this.jsm.streams.getMessage(STREAMS.dlq, { seq });
      return msg ? { seq, letter: msg.json<DeadLetter>() } : null;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * Puts a dead task back to work: its state returns to PENDING with its attempts reset, its
   * command is published again, and the dead letter is removed.
   */
  async replay(seq: number): Promise<TaskState> {
    const stored = await this.get(seq);
    if (!stored) throw new TaskRequestError(ErrorCode.TASK_NOT_FOUND, `no dead letter #${seq}`);
    const { letter } = stored;
    if (UNREPLAYABLE.has(letter.error.code)) {
      throw new TaskRequestError(
        letter.error.code,
        `dead letter #${seq} was refused before it ran (${letter.error.message}); submit a corrected task instead`,
      );
    }
    const route = parseTaskSubject(letter.subject);
    if (!route) {
      throw new TaskRequestError(ErrorCode.MALFORMED_COMMAND, `bad subject ${letter.subject}`);
    }
    const revived = await this.store.mutate(letter.owner, letter.taskId, (cur) => {
      if (!cur || cur.status !== 'FAILURE') return null;
      const next: TaskState = {
        ...cur,
        status: 'PENDING',
        attempts: 0,
        deferrals: 0,
        progress: 0,
        updatedAt: isoNow(),
        seq: cur.seq + 1,
      };
      for (const key of ['error', 'finishedAt', 'startedAt', 'nextRetryAt', 'worker'] as const) {
        delete next[key];
      }
      return next;
    });
    if (revived?.state.status !== 'PENDING') {
      const status = revived?.state.status ?? 'gone';
      throw new TaskRequestError(
        ErrorCode.TASK_ALREADY_TERMINAL,
        `task ${letter.taskId} is ${status}, not FAILURE: nothing to replay`,
      );
    }
    // A fresh message id: the original id is still inside the stream's duplicate window.
    await this.js.publish(letter.subject, letter.command, {
      msgID: `${letter.taskId}.replay.${Date.now()}`,
      retries: DURABLE_PUBLISH_RETRIES,
    });
    await this.jsm.streams.deleteMessage(STREAMS.dlq, seq, false);
    return revived.state;
  }

  /** Removes every dead letter; returns how many there were. */
  async purge(): Promise<number> {
    const { purged } = await this.jsm.streams.purge(STREAMS.dlq);
    return purged;
  }
}

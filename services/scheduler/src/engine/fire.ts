import {
  FireOutcome,
  fireIdempotencyKey,
  isTerminal,
  type Schedule,
  type ScheduleFire,
} from '@wadm/contracts';
import {
  idempotentId,
  TaskRequestError,
  type Logger,
  type ScheduleStore,
  type StoredSchedule,
  type TaskClient,
} from '@wadm/runtime';

export interface FireDeps {
  client: TaskClient;
  store: ScheduleStore;
  logger: Logger;
  /**
   * A fire's task found PENDING is submitted again (same message id) while its fire is younger
   * than this; half the TASKS duplicate window, so the stream drops a repeat.
   */
  republishWithinMs: number;
}

/** A fire that submitted a task. */
export interface SubmittedFire {
  taskId: string;
  at: number;
}

/**
 * The latest fire before `before` that submitted a task: from the stored history (another
 * replica's fires included) or from this replica's own, which may not be stored yet.
 */
export function previousFire(
  schedule: Schedule,
  before: Date,
  local: SubmittedFire | undefined,
): SubmittedFire | undefined {
  let found = local && local.at < before.getTime() ? local : undefined;
  for (const fire of schedule.history) {
    const at = Date.parse(fire.scheduledAt);
    if (fire.outcome !== FireOutcome.SUBMITTED || !fire.taskId || at >= before.getTime()) continue;
    if (!found || at > found.at) found = { taskId: fire.taskId, at };
  }
  return found;
}

/**
 * One fire of one schedule: submits its task unless `overlap: skip` finds the previous task
 * unfinished, and records the outcome in the schedule's history. The task id derives from the
 * schedule and the fire time, so replicas firing the same time make one task: a replica that
 * finds it in TASK_STATE publishes nothing, and two that race publish one message (the TASKS
 * duplicate window drops the second).
 *
 * @param stored the schedule, and its revision as last seen (its history write skips a read).
 * @param previous the task of the previous fire known to this replica (it may not be in the
 * stored history yet).
 * @returns the fire's task id when one exists.
 */
export async function fireOnce(
  deps: FireDeps,
  stored: StoredSchedule,
  at: Date,
  previous: string | undefined,
): Promise<string | undefined> {
  const { client, store, logger } = deps;
  const { schedule } = stored;
  const { owner, id } = schedule;
  const key = fireIdempotencyKey(id, at);
  const taskId = idempotentId(owner, key);
  const scheduledAt = at.toISOString();
  const record = (fire: Omit<ScheduleFire, 'scheduledAt'>): Promise<void> =>
    store.recordFire(owner, id, { scheduledAt, ...fire }, stored).catch((err: unknown) => {
      logger.warn({ err, schedule: id, owner }, 'could not record a fire in the history');
    });

  const young = Date.now() - at.getTime() < deps.republishWithinMs;
  const mayOverlap = schedule.overlap === 'skip' && previous !== undefined && previous !== taskId;
  // A young fire with no overlap to check goes straight to the submit, one read fewer: its
  // create finds a peer's task, and the client republishes that one while it is PENDING.
  const existing = young && !mayOverlap ? undefined : await client.get(owner, taskId);
  // Still PENDING and young: its first submitter may have died between writing the state and
  // publishing. Submitting again publishes with the same message id, which the stream drops
  // if the first publish happened (it cannot be older than the fire, inside the window).
  const republish = existing?.status === 'PENDING' && young;
  if (existing && !republish) {
    await record({ outcome: FireOutcome.SUBMITTED, taskId });
    return taskId;
  }
  if (!existing && mayOverlap) {
    const prev = await client.get(owner, previous);
    if (prev && !isTerminal(prev.status)) {
      logger.info({ schedule: id, owner, scheduledAt, running: previous }, 'fire skipped: overlap');
      await record({ outcome: FireOutcome.SKIPPED_OVERLAP });
      return undefined;
    }
  }
  try {
    const { state } = await client.submit({
      type: schedule.task.type,
      params: schedule.task.params,
      priority: schedule.task.priority,
      owner,
      idempotencyKey: key,
    });
    // Debug: the history records every fire; at thousands a minute a line each would cost CPU.
    logger.debug({ schedule: id, owner, scheduledAt, task: state.id }, 'fired');
    await record({ outcome: FireOutcome.SUBMITTED, taskId: state.id });
    return state.id;
  } catch (err) {
    // Not read before (the fast path): a refusal may be of a peer's task, e.g. params edited.
    const found =
      existing === undefined && err instanceof TaskRequestError
        ? await client.get(owner, taskId).catch(() => null)
        : existing;
    if (found) {
      // The task exists whatever the republish met (e.g. params edited since): it is the fire's.
      await record({ outcome: FireOutcome.SUBMITTED, taskId });
      return taskId;
    }
    const message = err instanceof Error ? err.message : String(err);
    logger.warn({ err, schedule: id, owner, scheduledAt }, 'fire failed');
    // A refused request is final; a NATS failure is left unrecorded so a peer may still fire it.
    if (err instanceof TaskRequestError)
      await record({ outcome: FireOutcome.FAILED, error: message });
    return undefined;
  }
}

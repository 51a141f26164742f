import {
  ErrorCode,
  type TaskHistoryExportParams,
  type TaskState,
  type TaskStatus,
} from '@wadm/contracts';
import { NonRetryableError, type TaskStore } from '@wadm/runtime';
import { ROWS_PER_BATCH, type Row, type RowBatches, type TableColumn } from './table.js';

export const TASK_COLUMNS: readonly TableColumn[] = [
  { header: 'id', kind: 'text', width: 38 },
  { header: 'owner', kind: 'text', width: 16 },
  { header: 'type', kind: 'text', width: 26 },
  { header: 'status', kind: 'text', width: 10 },
  { header: 'priority', kind: 'text', width: 9 },
  { header: 'created', kind: 'time', width: 24 },
  { header: 'started', kind: 'time', width: 24 },
  { header: 'finished', kind: 'time', width: 24 },
  { header: 'attempts', kind: 'number', width: 9 },
  { header: 'progress', kind: 'number', width: 9 },
  { header: 'error code', kind: 'text', width: 24 },
  { header: 'error', kind: 'text', width: 60 },
  { header: 'retry of', kind: 'text', width: 38 },
];

/** A task that matched, by what orders the history: newest first, then by id. */
interface Match {
  owner: string;
  id: string;
  createdAt: string;
}

const newestFirst = (a: Match, b: Match): number =>
  b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);

/**
 * The tasks of `owner` (`*`: everyone's) the filters keep, newest first, cut at `limit`: what
 * `GET /api/v1/tasks` pages through. Only the keys are held, not the states, so the list of a
 * long history stays small; none matching is a failure that says which filters were applied.
 */
export async function matchingTasks(
  tasks: TaskStore,
  owner: string,
  params: TaskHistoryExportParams,
): Promise<Match[]> {
  const statuses = params.status ? new Set<TaskStatus>(params.status) : null;
  const since = params.since === undefined ? undefined : new Date(params.since).toISOString();
  const matches: Match[] = [];
  for await (const task of tasks.list(owner)) {
    if (statuses && !statuses.has(task.status)) continue;
    if (params.type !== undefined && task.type !== params.type) continue;
    if (since !== undefined && task.createdAt < since) continue;
    matches.push({ owner: task.owner, id: task.id, createdAt: task.createdAt });
  }
  if (matches.length === 0) throw noTasks(owner, params);
  matches.sort(newestFirst);
  return params.limit === undefined ? matches : matches.slice(0, params.limit);
}

/** The matches' states as rows, read again a batch at a time; one gone since is left out. */
export async function* taskRows(tasks: TaskStore, matches: readonly Match[]): RowBatches {
  for (let i = 0; i < matches.length; i += ROWS_PER_BATCH) {
    const batch = matches.slice(i, i + ROWS_PER_BATCH);
    const states = await Promise.all(batch.map((m) => tasks.get(m.owner, m.id)));
    const rows: Row[] = [];
    for (const stored of states) if (stored) rows.push(taskRow(stored.state));
    yield rows;
  }
}

const time = (iso: string | undefined): Date | null => (iso === undefined ? null : new Date(iso));

function taskRow(task: TaskState): Row {
  return [
    task.id,
    task.owner,
    task.type,
    task.status,
    task.priority,
    new Date(task.createdAt),
    time(task.startedAt),
    time(task.finishedAt),
    task.attempts,
    task.progress,
    task.error?.code ?? null,
    task.error?.message ?? null,
    task.retryOf ?? null,
  ];
}

function noTasks(owner: string, params: TaskHistoryExportParams): NonRetryableError {
  const filters = [
    params.status && `status ${params.status.join(' or ')}`,
    params.type && `type ${params.type}`,
    params.since && `created since ${params.since}`,
  ].filter((f): f is string => typeof f === 'string');
  const whose =
    owner === '*'
      ? 'no task'
      : params.owner === undefined
        ? 'you have no task'
        : `${owner} has no task`;
  const message = filters.length > 0 ? `${whose} with ${filters.join(', ')}` : `${whose} yet`;
  return new NonRetryableError(`nothing to export: ${message}`, {
    code: ErrorCode.VALIDATION_FAILED,
    fields:
      filters.length > 0 ? [{ path: '/params', message: 'no task matches these filters' }] : [],
  });
}

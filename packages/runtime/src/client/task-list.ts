import type { TaskState, TaskStatus } from '@wadm/contracts';
import type { TaskStore } from '../task-store.js';

export interface ListFilters {
  status?: TaskStatus | readonly TaskStatus[];
  type?: string;
  /** Only tasks created at or after this ISO time. */
  since?: string;
  /** Page size. @defaultValue 50 */
  limit?: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
}

export interface TaskPage {
  tasks: TaskState[];
  nextCursor: string | null;
}

/** Newest first, then by id: a stable order for cursors. */
function compare(a: TaskState, b: TaskState): number {
  return b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);
}

export function encodeCursor(task: TaskState): string {
  return Buffer.from(JSON.stringify([task.createdAt, task.id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string];
    }
  } catch {
    // fall through: not a cursor we wrote
  }
  return null;
}

/**
 * Reads every key of the owner and pages in memory: fine for thousands of tasks per owner, and
 * slow for an admin's list of everyone's tasks in a large bucket.
 */
export async function listTasks(
  store: TaskStore,
  owner: string,
  filters: ListFilters,
): Promise<TaskPage> {
  const statuses = filters.status === undefined ? null : new Set([filters.status].flat());
  const after = filters.cursor ? decodeCursor(filters.cursor) : null;
  const limit = Math.max(1, Math.min(1000, filters.limit ?? 50));
  const matches: TaskState[] = [];
  for await (const task of store.list(owner)) {
    if (statuses && !statuses.has(task.status)) continue;
    if (filters.type && task.type !== filters.type) continue;
    if (filters.since && task.createdAt < filters.since) continue;
    if (after && compare(task, { createdAt: after[0], id: after[1] } as TaskState) <= 0) continue;
    matches.push(task);
  }
  matches.sort(compare);
  const tasks = matches.slice(0, limit);
  const last = tasks.at(-1);
  return { tasks, nextCursor: matches.length > limit && last ? encodeCursor(last) : null };
}

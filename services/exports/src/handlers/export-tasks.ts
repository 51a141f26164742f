import type { TaskHistoryExportResult } from '@wadm/contracts';
import type { TaskHandler, TaskStore } from '@wadm/runtime';
import { storeExport } from '../export/store-export.js';
import { matchingTasks, TASK_COLUMNS, taskRows } from '../export/task-history.js';

/**
 * `exports.tasks`: a task history, filtered and ordered as `GET /api/v1/tasks` lists it, one
 * row per task. An operator may name another owner, or `*` for everyone.
 */
export function createTaskHistoryExportHandler(tasks: TaskStore): TaskHandler<'exports.tasks'> {
  return async (ctx) => {
    const { params } = ctx;
    const owner = params.owner ?? ctx.owner;
    const matches = await matchingTasks(tasks, owner, params);
    ctx.signal.throwIfAborted();
    const who = owner === '*' ? 'all' : owner;
    const stored = await storeExport(ctx, {
      format: params.format,
      tables: [{ name: 'tasks', columns: TASK_COLUMNS, rows: taskRows(tasks, matches) }],
      fileName: `tasks-${who}-${new Date().toISOString().slice(0, 10)}.${params.format}`,
      expectedRows: matches.length,
    });
    const { artifact, format, rows, bytes, sha256 } = stored;
    const result: TaskHistoryExportResult = { artifact, format, rows, bytes, sha256 };
    return result;
  };
}

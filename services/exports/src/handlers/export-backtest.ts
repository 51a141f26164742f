import type { BacktestExportResult } from '@wadm/contracts';
import type { ArtifactStore, TaskHandler, TaskStore } from '@wadm/runtime';
import { loadBacktest, partsToWrite } from '../export/backtest-source.js';
import { backtestTables } from '../export/backtest-tables.js';
import { storeExport } from '../export/store-export.js';

/**
 * `exports.backtest`: a finished backtest's trades, equity curve and metrics (a sweep's ranked
 * table), read through the task store and its result file, into one ARTIFACTS object.
 */
export function createBacktestExportHandler(
  tasks: TaskStore,
  artifacts: ArtifactStore,
): TaskHandler<'exports.backtest'> {
  return async (ctx) => {
    const { params } = ctx;
    const owner = params.owner ?? ctx.owner;
    const backtest = await loadBacktest(tasks, artifacts, owner, params);
    const parts = partsToWrite(backtest.type, params);
    const { tables, expectedRows } = backtestTables(backtest, parts);
    const { state } = backtest;
    const what = parts.length === 1 ? `-${parts[0]}` : '';
    const stored = await storeExport(ctx, {
      format: params.format,
      tables,
      fileName: `${state.type.replace('.', '-')}-${state.id}${what}.${params.format}`,
      expectedRows,
    });
    const result: BacktestExportResult = {
      ...stored,
      source: { taskId: state.id, owner: state.owner, type: state.type },
    };
    return result;
  };
}

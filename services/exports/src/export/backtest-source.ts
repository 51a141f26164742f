import {
  ErrorCode,
  TASK_CATALOG,
  validate,
  type BacktestExportParams,
  type BacktestExportPart,
  type BacktestRunResult,
  type BacktestSweepResult,
  type TaskState,
} from '@wadm/contracts';
import { NonRetryableError, type ArtifactStore, type TaskStore } from '@wadm/runtime';

/** The task types whose results `exports.backtest` reads, and the parts each one has. */
export const BACKTEST_PARTS = {
  'backtest.run': ['trades', 'equity', 'metrics'],
  'backtest.sweep': ['ranking'],
} as const satisfies Record<string, readonly BacktestExportPart[]>;
type BacktestType = keyof typeof BACKTEST_PARTS;

/** A finished backtest, read through the task store and the result file if it has one. */
export type FinishedBacktest =
  | { type: 'backtest.run'; state: TaskState; result: BacktestRunResult }
  | { type: 'backtest.sweep'; state: TaskState; result: BacktestSweepResult };

const taskIdField = (message: string) => [{ path: '/params/taskId', message }];

/**
 * The backtest `params.taskId` names, of `owner` (the export's owner unless an operator named
 * another). Every reason it cannot be exported is a NonRetryableError a user can act on; a
 * task of someone else is looked up under the caller's own name, so it is "no task" exactly as
 * an id that was never used.
 */
export async function loadBacktest(
  tasks: TaskStore,
  artifacts: ArtifactStore,
  owner: string,
  params: Pick<BacktestExportParams, 'taskId' | 'owner'>,
): Promise<FinishedBacktest> {
  const { taskId } = params;
  const whose = params.owner === undefined ? 'you have' : `${owner} has`;
  const stored = await tasks.get(owner, taskId);
  if (!stored) {
    throw new NonRetryableError(`${whose} no task ${taskId}`, {
      code: ErrorCode.TASK_NOT_FOUND,
      fields: taskIdField('names no such task'),
    });
  }
  const { state } = stored;
  if (!isBacktestType(state.type)) {
    throw new NonRetryableError(
      `task ${taskId} is of type ${state.type}; only a backtest.run or a backtest.sweep can be exported this way`,
      { code: ErrorCode.VALIDATION_FAILED, fields: taskIdField('is not a backtest') },
    );
  }
  if (state.status !== 'SUCCESS') {
    const why =
      state.status === 'FAILURE' || state.status === 'REVOKED'
        ? `ended ${state.status} and has no result to export`
        : `is ${state.status}; export it once it has finished`;
    throw new NonRetryableError(`backtest ${taskId} ${why}`, {
      code: ErrorCode.VALIDATION_FAILED,
      fields: taskIdField('is not a finished backtest'),
    });
  }
  const result = await readResult(artifacts, state);
  const errors = validate(TASK_CATALOG[state.type].result, result);
  if (errors.length > 0) {
    throw new NonRetryableError(
      `the result of backtest ${taskId} is not one this version reads: ${errors[0]?.path} ${errors[0]?.message}`,
      { code: ErrorCode.VALIDATION_FAILED, fields: taskIdField('has an unreadable result') },
    );
  }
  return state.type === 'backtest.run'
    ? { type: state.type, state, result: result as BacktestRunResult }
    : { type: state.type, state, result: result as BacktestSweepResult };
}

function isBacktestType(type: string): type is BacktestType {
  return Object.hasOwn(BACKTEST_PARTS, type);
}

/**
 * The result, inline or from its file in ARTIFACTS. A backtest's result was built whole in the
 * backtest worker's memory and is capped there, so reading it whole here is bounded the same.
 */
async function readResult(artifacts: ArtifactStore, state: TaskState): Promise<unknown> {
  if (!state.resultRef) return state.result;
  const bytes = await artifacts.get(state.resultRef.name);
  if (!bytes) {
    throw new NonRetryableError(
      `the result of backtest ${state.id} is no longer stored (results expire, and cleanup removes old tasks' files); run the backtest again`,
      { code: ErrorCode.TASK_NOT_FOUND, fields: taskIdField('has no stored result any more') },
    );
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}

/**
 * The parts to write: the one asked for, or every part for XLSX and the first for CSV (a CSV
 * file holds one table).
 */
export function partsToWrite(
  type: BacktestType,
  params: Pick<BacktestExportParams, 'part' | 'format'>,
): readonly BacktestExportPart[] {
  const has: readonly BacktestExportPart[] = BACKTEST_PARTS[type];
  if (params.part === undefined) return params.format === 'csv' ? has.slice(0, 1) : has;
  if (!has.includes(params.part)) {
    throw new NonRetryableError(`a ${type} has the parts ${has.join(', ')}, not ${params.part}`, {
      code: ErrorCode.VALIDATION_FAILED,
      fields: [{ path: '/params/part', message: `must be one of ${has.join(', ')} for a ${type}` }],
    });
  }
  return [params.part];
}

import type { Static, TSchema } from '@sinclair/typebox';
import {
  EVERYONE,
  onlyOwnAddresses,
  OPERATORS,
  SYSTEM_ONLY,
  type RestrictedParam,
  type SubmitterRole,
} from '../access.js';
import type { Queue } from '../queues.js';
import type { RetryPolicy } from '../retry.js';
import {
  AnalysisHistoryParams,
  BacktestRunParams,
  BacktestRunResult,
  BacktestSweepParams,
  BacktestSweepResult,
} from './backtest.js';
import { AlertsEvaluateParams, AlertsEvaluateResult } from './alerts.js';
import { AnalysisHistoryResult } from './analysis.js';
import { EchoParams, EchoResult } from './diagnostics.js';
import {
  BacktestExportParams,
  BacktestExportResult,
  CandleExportParams,
  CandleExportResult,
  TaskHistoryExportParams,
  TaskHistoryExportResult,
  CleanupParams,
  CleanupResult,
  ExchangeHealthParams,
  ExchangeHealthResult,
} from './exports.js';
import {
  DailyReportParams,
  DailyReportResult,
  EmailParams,
  EmailResult,
  WebhookParams,
  WebhookResult,
} from './reports.js';

/** Soft limit: the handler's AbortSignal fires. Hard limit: the attempt is abandoned. */
export interface TimeLimits {
  softTimeLimitMs: number;
  timeLimitMs: number;
}

export interface TaskDefinition<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  queue: Queue;
  description: string;
  params: P;
  result: R;
  limits: TimeLimits;
  retry: RetryPolicy;
  /** Who may submit it (the gateway enforces this; see `submitRefusal`). */
  roles: readonly SubmitterRole[];
  /** Params that only some of those roles may use. */
  restrictedParams?: readonly RestrictedParam<Static<P>>[];
}

const minutes = (m: number): TimeLimits => ({
  softTimeLimitMs: m * 60_000,
  timeLimitMs: m * 60_000 + 30_000,
});
const STANDARD_RETRY: RetryPolicy = {
  maxAttempts: 3,
  backoffMs: 5_000,
  maxBackoffMs: 300_000,
  jitter: 0.2,
};

/** Keeps each entry's queue as a literal type: handler maps are typed by queue from it. */
function define<Q extends Queue, P extends TSchema, R extends TSchema>(
  d: TaskDefinition<P, R> & { queue: Q },
): TaskDefinition<P, R> & { queue: Q } {
  return d;
}

const OWN_ADDRESS_ONLY =
  "a user may email only their own address, the token's email claim; operators may mail others";

/** Above these, a probe stops being a probe and occupies workers: chaos drills only. */
const ECHO_MAX_SLEEP_MS = 60_000;
const ECHO_MAX_RESULT_BYTES = 1_048_576;

/**
 * Every task type, with its queue, schemas, limits and retry policy. A service's handler map is
 * typed from this, so a missing handler does not compile.
 */
export const TASK_CATALOG = {
  'diagnostics.echo': define({
    queue: 'diagnostics',
    description: 'Echoes its payload; can sleep, fail, crash and report progress on demand.',
    params: EchoParams,
    result: EchoResult,
    limits: minutes(10),
    retry: { maxAttempts: 3, backoffMs: 200, maxBackoffMs: 5_000, jitter: 0.2 },
    roles: OPERATORS,
    restrictedParams: [
      {
        path: '/crash',
        roles: SYSTEM_ONLY,
        reason: 'it kills worker processes: chaos drills go through the CLI or NATS',
        used: (p) => p.crash === true,
      },
      {
        path: '/sleepMs',
        roles: SYSTEM_ONLY,
        reason: `over ${ECHO_MAX_SLEEP_MS} ms it holds a worker slot that other tasks need`,
        used: (p) => (p.sleepMs ?? 0) > ECHO_MAX_SLEEP_MS,
      },
      {
        path: '/resultBytes',
        roles: SYSTEM_ONLY,
        reason: `over ${ECHO_MAX_RESULT_BYTES} bytes it fills the artifact store`,
        used: (p) => (p.resultBytes ?? 0) > ECHO_MAX_RESULT_BYTES,
      },
    ],
  }),
  'backtest.run': define({
    queue: 'backtest',
    description: 'Backtests one strategy over one candle series.',
    params: BacktestRunParams,
    result: BacktestRunResult,
    limits: minutes(10),
    retry: STANDARD_RETRY,
    roles: EVERYONE,
  }),
  'backtest.sweep': define({
    queue: 'backtest',
    description: 'Backtests a grid of strategy parameters on worker threads.',
    params: BacktestSweepParams,
    result: BacktestSweepResult,
    limits: minutes(60),
    retry: STANDARD_RETRY,
    roles: EVERYONE,
  }),
  'analysis.history': define({
    queue: 'analysis',
    description: 'Historical analysis: returns, volatility, drawdowns, market structure.',
    params: AnalysisHistoryParams,
    result: AnalysisHistoryResult,
    limits: minutes(10),
    retry: STANDARD_RETRY,
    roles: EVERYONE,
  }),
  'reports.daily': define({
    queue: 'reports',
    description: 'Daily market report as PDF, optionally mailed.',
    params: DailyReportParams,
    result: DailyReportResult,
    limits: minutes(10),
    retry: STANDARD_RETRY,
    roles: EVERYONE,
    restrictedParams: [
      {
        path: '/emailTo',
        roles: OPERATORS,
        reason: OWN_ADDRESS_ONLY,
        used: (p, caller) => !onlyOwnAddresses(p.emailTo ?? [], caller),
      },
    ],
  }),
  'notify.email': define({
    queue: 'notify',
    description: 'Sends an email over SMTP.',
    params: EmailParams,
    result: EmailResult,
    limits: minutes(2),
    retry: { maxAttempts: 5, backoffMs: 10_000, maxBackoffMs: 600_000, jitter: 0.2 },
    roles: EVERYONE,
    restrictedParams: [
      {
        path: '/to',
        roles: OPERATORS,
        reason: OWN_ADDRESS_ONLY,
        used: (p, caller) => !onlyOwnAddresses(p.to, caller),
      },
    ],
  }),
  'notify.webhook': define({
    queue: 'notify',
    description: 'POSTs a JSON body to a URL.',
    params: WebhookParams,
    result: WebhookResult,
    limits: minutes(1),
    retry: { maxAttempts: 5, backoffMs: 5_000, maxBackoffMs: 600_000, jitter: 0.2 },
    roles: EVERYONE,
    restrictedParams: [
      {
        path: '/url',
        roles: OPERATORS,
        reason:
          'a user posts only to a destination they registered (POST /api/v1/webhooks): give its id as `webhook`',
        used: (p) => p.url !== undefined,
      },
    ],
  }),
  'alerts.evaluate': define({
    queue: 'reports',
    description:
      'Checks every enabled alert rule against the latest candles; notifies on a crossing.',
    params: AlertsEvaluateParams,
    result: AlertsEvaluateResult,
    limits: minutes(2),
    // A run is superseded by the next one a minute later: retry quickly, not for long.
    retry: { maxAttempts: 3, backoffMs: 2_000, maxBackoffMs: 20_000, jitter: 0.2 },
    roles: OPERATORS,
  }),
  'exports.candles': define({
    queue: 'exports',
    description: 'Exports a candle series as CSV or XLSX.',
    params: CandleExportParams,
    result: CandleExportResult,
    limits: minutes(30),
    retry: STANDARD_RETRY,
    roles: EVERYONE,
  }),
  'exports.backtest': define({
    queue: 'exports',
    description: "Exports a finished backtest's trades, equity and metrics, or a sweep's ranking.",
    params: BacktestExportParams,
    result: BacktestExportResult,
    limits: minutes(30),
    retry: STANDARD_RETRY,
    roles: EVERYONE,
    restrictedParams: [
      {
        path: '/owner',
        roles: OPERATORS,
        reason: 'a user exports their own backtests: leave owner out',
        used: (p) => p.owner !== undefined,
      },
    ],
  }),
  'exports.tasks': define({
    queue: 'exports',
    description: 'Exports a task history, filtered as the task list is, as CSV or XLSX.',
    params: TaskHistoryExportParams,
    result: TaskHistoryExportResult,
    limits: minutes(30),
    retry: STANDARD_RETRY,
    roles: EVERYONE,
    restrictedParams: [
      {
        path: '/owner',
        roles: OPERATORS,
        reason: 'a user exports their own history: leave owner out',
        used: (p) => p.owner !== undefined,
      },
    ],
  }),
  'maintenance.cleanup': define({
    queue: 'maintenance',
    description:
      'Removes old terminal task states with their artifacts, old dead letters and silent workers.',
    params: CleanupParams,
    result: CleanupResult,
    limits: minutes(30),
    retry: STANDARD_RETRY,
    roles: OPERATORS,
  }),
  'maintenance.exchange_health': define({
    queue: 'maintenance',
    description: 'Checks connectivity to the configured exchanges.',
    params: ExchangeHealthParams,
    result: ExchangeHealthResult,
    limits: minutes(1),
    retry: { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0, jitter: 0 },
    roles: OPERATORS,
  }),
} as const;

export type TaskCatalog = typeof TASK_CATALOG;
export type TaskType = keyof TaskCatalog;
export const TASK_TYPES = Object.keys(TASK_CATALOG) as TaskType[];

export type TaskParams<T extends TaskType> = Static<TaskCatalog[T]['params']>;
export type TaskResult<T extends TaskType> = Static<TaskCatalog[T]['result']>;
/** The task types served by one queue, e.g. `TypesOf<'backtest'>`. */
export type TypesOf<Q extends Queue> = {
  [T in TaskType]: TaskCatalog[T]['queue'] extends Q ? T : never;
}[TaskType];

export function isTaskType(value: unknown): value is TaskType {
  return typeof value === 'string' && Object.hasOwn(TASK_CATALOG, value);
}

export function typesOfQueue(queue: Queue): TaskType[] {
  return TASK_TYPES.filter((t) => TASK_CATALOG[t].queue === queue);
}

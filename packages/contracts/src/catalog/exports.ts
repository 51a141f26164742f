import { Type, type Static } from '@sinclair/typebox';
import { ExportFormat, IsoTime, MarketSymbol, Timeframe } from '../common.js';
import { ArtifactRef } from '../state.js';
import { TASK_STATUSES } from '../status.js';

const TaskIdParam = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$', description: 'A task id' });
const OwnerParam = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: "Whose task it is (admins and the system only); the export's own owner by default",
});

/** `exports.candles`: a series as CSV or XLSX in ARTIFACTS. */
export const CandleExportParams = Type.Object(
  {
    symbol: MarketSymbol,
    timeframe: Timeframe,
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    format: ExportFormat,
  },
  { additionalProperties: false },
);
export type CandleExportParams = Static<typeof CandleExportParams>;

/** The tables of a backtest: a run has trades, equity and metrics; a sweep has its ranking. */
export const BACKTEST_EXPORT_PARTS = ['trades', 'equity', 'metrics', 'ranking'] as const;
export const BacktestExportPart = Type.Union(BACKTEST_EXPORT_PARTS.map((p) => Type.Literal(p)));
export type BacktestExportPart = Static<typeof BacktestExportPart>;

/**
 * `exports.backtest`: a finished `backtest.run` (trades, equity curve, metrics) or
 * `backtest.sweep` (its ranked table). XLSX holds one sheet per part, CSV one table: `part`
 * picks it (by default `trades` of a run, `ranking` of a sweep); with XLSX, `part` narrows the
 * workbook to that sheet.
 */
export const BacktestExportParams = Type.Object(
  {
    taskId: TaskIdParam,
    owner: Type.Optional(OwnerParam),
    format: ExportFormat,
    part: Type.Optional(BacktestExportPart),
  },
  { additionalProperties: false },
);
export type BacktestExportParams = Static<typeof BacktestExportParams>;

/** `exports.tasks`: a user's task history, filtered as `GET /api/v1/tasks` filters it. */
export const TaskHistoryExportParams = Type.Object(
  {
    /** A user, or `*` for everyone (admins and the system only). */
    owner: Type.Optional(
      Type.String({
        pattern: '^(\\*|[A-Za-z0-9_-]{1,64})$',
        description: 'Whose tasks (admins and the system only): a user, or * for everyone',
      }),
    ),
    status: Type.Optional(
      Type.Array(Type.Union(TASK_STATUSES.map((s) => Type.Literal(s))), {
        minItems: 1,
        uniqueItems: true,
      }),
    ),
    type: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}\\.[a-z_]{1,32}$' })),
    /** Only tasks created at or after this time. */
    since: Type.Optional(IsoTime),
    /** The newest this many, at most. */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    format: ExportFormat,
  },
  { additionalProperties: false },
);
export type TaskHistoryExportParams = Static<typeof TaskHistoryExportParams>;

/** `maintenance.cleanup`: removes expired artifacts, archived states and DLQ entries. */
export const CleanupParams = Type.Object(
  {
    olderThanDays: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
    dryRun: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export type CleanupParams = Static<typeof CleanupParams>;

/**
 * `maintenance.exchange_health`: probes exchange connectivity (every 30 s in the seed plan):
 * the exchanges named, or every one the service is configured with (WADM_EXCHANGES).
 */
export const ExchangeHealthParams = Type.Object(
  {
    exchanges: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }), { minItems: 1, maxItems: 20 }),
    ),
  },
  { additionalProperties: false },
);
export type ExchangeHealthParams = Static<typeof ExchangeHealthParams>;

/** The result of `exports.candles`: the file in ARTIFACTS and what it holds. */
export const CandleExportResult = Type.Object({
  /** `exports/<owner>/<taskId>.<csv|xlsx>` in ARTIFACTS; the task's result route streams it. */
  artifact: ArtifactRef,
  format: ExportFormat,
  /** Data rows, the header row not counted. */
  rows: Type.Integer({ minimum: 0 }),
  bytes: Type.Integer({ minimum: 0 }),
  /** SHA-256 of the file, lower-case hex; the download's ETag. */
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});
export type CandleExportResult = Static<typeof CandleExportResult>;

/** One table of an export: its sheet name in XLSX (and the part it is) and its data rows. */
export const ExportedPart = Type.Object({
  name: Type.String(),
  rows: Type.Integer({ minimum: 0 }),
});
export type ExportedPart = Static<typeof ExportedPart>;

/** The result of `exports.backtest`: the file, and what it holds of which task. */
export const BacktestExportResult = Type.Object({
  artifact: ArtifactRef,
  format: ExportFormat,
  /** Data rows of every part together. */
  rows: Type.Integer({ minimum: 0 }),
  bytes: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  /** The backtest exported: `backtest.run` or `backtest.sweep`. */
  source: Type.Object({ taskId: Type.String(), owner: Type.String(), type: Type.String() }),
  parts: Type.Array(ExportedPart),
});
export type BacktestExportResult = Static<typeof BacktestExportResult>;

/** The result of `exports.tasks`: one row per task, newest first. */
export const TaskHistoryExportResult = CandleExportResult;
export type TaskHistoryExportResult = Static<typeof TaskHistoryExportResult>;

/** What one kind of data a cleanup removed, or with `dryRun` would remove. */
export const CleanupCount = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  bytes: Type.Integer({ minimum: 0 }),
});
export type CleanupCount = Static<typeof CleanupCount>;

/** The result of `maintenance.cleanup`. */
export const CleanupResult = Type.Object({
  dryRun: Type.Boolean(),
  /** Terminal states finished (or last updated) before this were removed. */
  cutoff: IsoTime,
  /** Terminal task states in TASK_STATE. */
  taskStates: CleanupCount,
  /** ARTIFACTS objects those tasks' results lived in. */
  artifacts: CleanupCount,
  /** TASKS_DLQ messages stored before the cutoff. */
  deadLetters: CleanupCount,
  /** WORKERS heartbeats that stopped beating. */
  workers: CleanupCount,
  /** Every kind's bytes together. */
  bytesFreed: Type.Integer({ minimum: 0 }),
  /**
   * With `dryRun`, what would go (state keys `<owner>.<taskId>`, artifact names, dead-letter
   * sequences, worker keys), each list cut at 1000 entries; absent otherwise.
   */
  wouldRemove: Type.Optional(
    Type.Object({
      taskStates: Type.Array(Type.String()),
      artifacts: Type.Array(Type.String()),
      deadLetters: Type.Array(Type.Integer()),
      workers: Type.Array(Type.String()),
    }),
  ),
});
export type CleanupResult = Static<typeof CleanupResult>;

export const ExchangeStatus = Type.Union([
  Type.Literal('up'),
  Type.Literal('degraded'),
  Type.Literal('down'),
]);
export type ExchangeStatus = Static<typeof ExchangeStatus>;

/** The result of `maintenance.exchange_health`: one probe per exchange asked for. */
export const ExchangeHealthResult = Type.Object({
  checkedAt: IsoTime,
  exchanges: Type.Array(
    Type.Object({
      name: Type.String(),
      /** `up`: 2xx in time; `degraded`: slow, or an HTTP error status; `down`: no answer. */
      status: ExchangeStatus,
      latencyMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
      httpStatus: Type.Union([Type.Integer(), Type.Null()]),
      /** Why it is not `up`. */
      error: Type.Optional(Type.String()),
    }),
  ),
});
export type ExchangeHealthResult = Static<typeof ExchangeHealthResult>;

import { Type, type Static } from '@sinclair/typebox';
import { ExportFormat, IsoTime, MarketSymbol, Timeframe } from '../common.js';
import { ArtifactRef } from '../state.js';

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

/** `maintenance.cleanup`: removes expired artifacts, archived states and DLQ entries. */
export const CleanupParams = Type.Object(
  {
    olderThanDays: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
    dryRun: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export type CleanupParams = Static<typeof CleanupParams>;

/** `maintenance.exchange_health`: probes exchange connectivity (every 30 s in the seed plan). */
export const ExchangeHealthParams = Type.Object(
  {
    exchanges: Type.Array(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }), {
      minItems: 1,
      maxItems: 20,
      default: ['binance'],
    }),
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

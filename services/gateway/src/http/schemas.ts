import { Type, type Static } from '@sinclair/typebox';
import {
  FieldError,
  IsoTime,
  MarketSymbol,
  PRIORITIES,
  QUEUES,
  TASK_STATUSES,
  TaskErrorData,
  Timeframe,
} from '@wadm/contracts';

/**
 * The REST API's own shapes. Requests are validated against them and the OpenAPI document is
 * built from them, so the docs cannot drift from what the gateway accepts and answers.
 */

export const BULK_MAX_ITEMS = 1_000;

export const Priority = Type.Union(
  PRIORITIES.map((p) => Type.Literal(p)),
  { description: 'Queue priority; workers drain high first but never starve low' },
);
export type Priority = Static<typeof Priority>;

export const TaskStatus = Type.Union(TASK_STATUSES.map((s) => Type.Literal(s)));

const submitFields = {
  type: Type.String({
    minLength: 1,
    maxLength: 128,
    description: 'A task type, e.g. backtest.run',
  }),
  params: Type.Optional(
    Type.Unknown({ description: "The type's params; see the schema named after the type" }),
  ),
  priority: Type.Optional(Priority),
  notBefore: Type.Optional(
    Type.String({ format: 'date-time', description: 'ETA: the task does not start before this' }),
  ),
};

export const SubmitBody = Type.Object(submitFields, { additionalProperties: false });
export type SubmitBody = Static<typeof SubmitBody>;

export const BulkSubmitItem = Type.Object(
  {
    ...submitFields,
    idempotencyKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Per-item Idempotency-Key' }),
    ),
  },
  { additionalProperties: false },
);
export type BulkSubmitItem = Static<typeof BulkSubmitItem>;

/** Documented shape of a bulk submission; items are validated one by one. */
export const BulkSubmitBody = Type.Object(
  { tasks: Type.Array(BulkSubmitItem, { minItems: 1, maxItems: BULK_MAX_ITEMS }) },
  { additionalProperties: false },
);
/** What is checked before the items: one bad item must not refuse the others. */
export const BulkSubmitEnvelope = Type.Object(
  { tasks: Type.Array(Type.Unknown(), { minItems: 1, maxItems: BULK_MAX_ITEMS }) },
  { additionalProperties: false },
);

export const BulkCancelBody = Type.Object(
  { task_ids: Type.Array(Type.String(), { minItems: 1, maxItems: BULK_MAX_ITEMS }) },
  { additionalProperties: false },
);
export type BulkCancelBody = Static<typeof BulkCancelBody>;

/** RFC 9457 problem details with WADM's stable `code` and the failing fields. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI reference of the problem type (the docs explain it)' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable SCREAMING_SNAKE code' }),
    errors: Type.Optional(Type.Array(FieldError)),
    known_types: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);
export type Problem = Static<typeof Problem>;

export const TaskLinks = Type.Object({
  self: Type.String(),
  result: Type.String(),
  cancel: Type.String(),
  retry: Type.String(),
});
export type TaskLinks = Static<typeof TaskLinks>;

export const TaskAccepted = Type.Object({
  task_id: Type.String(),
  status: TaskStatus,
  /** True when the Idempotency-Key matched a task submitted before. */
  duplicate: Type.Boolean({ description: 'The Idempotency-Key matched an earlier task' }),
  links: TaskLinks,
});
export type TaskAccepted = Static<typeof TaskAccepted>;

export const ArtifactInfo = Type.Object({
  content_type: Type.String(),
  size: Type.Integer(),
  file_name: Type.Optional(Type.String()),
});

export const TaskView = Type.Object({
  task_id: Type.String(),
  type: Type.String(),
  owner: Type.String(),
  status: TaskStatus,
  queue: Type.Union(QUEUES.map((q) => Type.Literal(q))),
  priority: Priority,
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  progress_message: Type.Optional(Type.String()),
  attempts: Type.Integer(),
  max_attempts: Type.Integer(),
  params: Type.Unknown(),
  created_at: IsoTime,
  updated_at: IsoTime,
  started_at: Type.Optional(IsoTime),
  finished_at: Type.Optional(IsoTime),
  not_before: Type.Optional(IsoTime),
  next_retry_at: Type.Optional(IsoTime),
  error: Type.Optional(TaskErrorData),
  result: Type.Optional(
    Type.Unknown({ description: 'Inline result; large ones are an artifact instead' }),
  ),
  artifact: Type.Optional(ArtifactInfo),
  revoke_requested: Type.Optional(Type.Boolean()),
  retry_of: Type.Optional(Type.String()),
  idempotency_key: Type.Optional(Type.String()),
  links: TaskLinks,
});
export type TaskView = Static<typeof TaskView>;

export const TaskPage = Type.Object({
  tasks: Type.Array(TaskView, { description: 'Newest first; results are left out of lists' }),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});
export type TaskPage = Static<typeof TaskPage>;

export const CancelOutcome = Type.Union([
  Type.Literal('revoked'),
  Type.Literal('revoke-requested'),
]);

export const CancelResult = Type.Object({
  task_id: Type.String(),
  status: TaskStatus,
  outcome: CancelOutcome,
});
export type CancelResult = Static<typeof CancelResult>;

export const BulkSubmitItemResult = Type.Object({
  index: Type.Integer(),
  status: Type.Integer({ description: 'HTTP status this item alone would have had' }),
  task_id: Type.Optional(Type.String()),
  task_status: Type.Optional(TaskStatus),
  duplicate: Type.Optional(Type.Boolean()),
  error: Type.Optional(Problem),
});
export type BulkSubmitItemResult = Static<typeof BulkSubmitItemResult>;

export const BulkSubmitResult = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(BulkSubmitItemResult),
});
export type BulkSubmitResult = Static<typeof BulkSubmitResult>;

export const BulkCancelItemResult = Type.Object({
  index: Type.Integer(),
  task_id: Type.String(),
  status: Type.Integer({ description: 'HTTP status this item alone would have had' }),
  outcome: Type.Optional(CancelOutcome),
  task_status: Type.Optional(TaskStatus),
  error: Type.Optional(Problem),
});
export type BulkCancelItemResult = Static<typeof BulkCancelItemResult>;

export const BulkCancelResult = Type.Object({
  cancelled: Type.Integer(),
  rejected: Type.Integer(),
  results: Type.Array(BulkCancelItemResult),
});
export type BulkCancelResult = Static<typeof BulkCancelResult>;

export const DeadLetterView = Type.Object({
  seq: Type.Integer({ description: 'Sequence in TASKS_DLQ; the handle for replay' }),
  task_id: Type.String(),
  owner: Type.String(),
  type: Type.String(),
  subject: Type.String(),
  error: TaskErrorData,
  attempts: Type.Integer(),
  failed_at: Type.String(),
  worker: Type.String(),
  command: Type.String({ description: 'The command as published, JSON text' }),
});
export type DeadLetterView = Static<typeof DeadLetterView>;

export const DeadLetterList = Type.Object({ dead_letters: Type.Array(DeadLetterView) });
export type DeadLetterList = Static<typeof DeadLetterList>;

export const Health = Type.Object({ status: Type.String() });

/** One stored candle series and the range it covers. */
export const SeriesView = Type.Object({
  symbol: MarketSymbol,
  timeframe: Timeframe,
  from: Type.String({ format: 'date-time', description: 'Open time of the first bar' }),
  to: Type.String({ format: 'date-time', description: 'Open time of the last bar' }),
  count: Type.Integer({ minimum: 0, description: 'Bars stored' }),
});
export type SeriesView = Static<typeof SeriesView>;

export const SeriesList = Type.Object({ series: Type.Array(SeriesView) });
export type SeriesList = Static<typeof SeriesList>;

/** Bars missing between two bars of an imported file. */
export const CandleGapView = Type.Object({
  after: Type.String({ format: 'date-time', description: 'Open time of the bar before the gap' }),
  before: Type.String({ format: 'date-time', description: 'Open time of the bar after the gap' }),
  missing: Type.Integer({ minimum: 1 }),
});

/** What a CSV import stored; gaps are warnings (the bars around them were stored). */
export const CandleImportResult = Type.Object({
  symbol: MarketSymbol,
  timeframe: Timeframe,
  format: Type.Union([Type.Literal('binance'), Type.Literal('ohlcv')], {
    description:
      'The CSV layout recognised: Binance klines or timestamp,open,high,low,close,volume',
  }),
  rows: Type.Integer({ minimum: 1, description: 'Data rows in the file, all stored' }),
  from: Type.String({ format: 'date-time', description: "Open time of the file's first bar" }),
  to: Type.String({ format: 'date-time', description: "Open time of the file's last bar" }),
  inserted: Type.Integer({ minimum: 0, description: 'Bars added' }),
  updated: Type.Integer({ minimum: 0, description: 'Bars whose time was stored: replaced' }),
  total: Type.Integer({ minimum: 0, description: 'Bars in the series now' }),
  gaps: Type.Array(CandleGapView, { description: 'The first gaps; gap_count has them all' }),
  gap_count: Type.Integer({ minimum: 0 }),
  missing_bars: Type.Integer({ minimum: 0 }),
  warnings: Type.Array(Type.String(), { description: 'Gaps in words' }),
});
export type CandleImportResult = Static<typeof CandleImportResult>;

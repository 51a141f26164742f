import { Type, type Static } from '@sinclair/typebox';
import { Email, IsoDate, MarketSymbol, Timeframe } from '../common.js';
import { ArtifactRef } from '../state.js';

/**
 * `reports.daily`: the daily market PDF, stored in ARTIFACTS and optionally mailed. `date`
 * defaults to yesterday (UTC), `symbols` to the service's watchlist (WADM_REPORT_SYMBOLS),
 * `timeframe` (the bars of each symbol's chart and of the day's market structure) to `1h`.
 */
export const DailyReportParams = Type.Object(
  {
    date: Type.Optional(IsoDate),
    symbols: Type.Optional(Type.Array(MarketSymbol, { minItems: 1, maxItems: 50 })),
    timeframe: Type.Optional(Timeframe),
    emailTo: Type.Optional(Type.Array(Email, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type DailyReportParams = Static<typeof DailyReportParams>;

export const EmailParams = Type.Object(
  {
    to: Type.Array(Email, { minItems: 1, maxItems: 50 }),
    subject: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.String({ maxLength: 100_000 }),
    html: Type.Optional(Type.String({ maxLength: 500_000 })),
  },
  { additionalProperties: false },
);
export type EmailParams = Static<typeof EmailParams>;

/**
 * `notify.webhook`: a signed JSON POST. Exactly one of `webhook` (a destination the task's owner
 * registered, signed with its own secret) or `url` (operators only, signed with
 * WADM_WEBHOOK_SECRET). `webhook` is new in this version: older messages carry `url`.
 */
export const WebhookParams = Type.Object(
  {
    url: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://' })),
    webhook: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    body: Type.Unknown(),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type WebhookParams = Static<typeof WebhookParams>;

/**
 * `notify.email`'s result. `alreadySent`: a redelivery found the mail sent by an earlier attempt
 * and sent nothing (the other fields are that attempt's).
 */
export const EmailResult = Type.Object({
  /** The Message-ID header, derived from the task: the same for every attempt. */
  messageId: Type.String(),
  accepted: Type.Array(Type.String()),
  rejected: Type.Array(Type.String()),
  /** The SMTP server's last reply, e.g. `250 OK: queued as …`. */
  response: Type.String(),
  sentAt: Type.String(),
  alreadySent: Type.Boolean(),
});
export type EmailResult = Static<typeof EmailResult>;

/** `notify.webhook`'s result; `alreadySent` as for email. */
export const WebhookResult = Type.Object({
  /** The receiver's HTTP status (2xx). */
  status: Type.Integer(),
  /** The address the request went to, checked before connecting. */
  address: Type.String(),
  durationMs: Type.Number(),
  sentAt: Type.String(),
  alreadySent: Type.Boolean(),
});
export type WebhookResult = Static<typeof WebhookResult>;

/** `reports.daily`'s result: the PDF in ARTIFACTS and what it holds. */
export const DailyReportResult = Type.Object({
  /**
   * `reports/daily/<date>.pdf` in ARTIFACTS for the watchlist at the default timeframe, else
   * `reports/daily/<date>-<digest of symbols and timeframe>.pdf`: the same inputs, the same
   * name. The result route streams it.
   */
  artifact: ArtifactRef,
  date: IsoDate,
  symbols: Type.Array(MarketSymbol),
  timeframe: Timeframe,
  /** Symbols without a bar on that day: listed in the report, without a page. */
  missing: Type.Array(MarketSymbol),
  pages: Type.Integer({ minimum: 1 }),
  bytes: Type.Integer({ minimum: 0 }),
  /** SHA-256 of the file, lower-case hex: the same params and candles give the same bytes. */
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  /** Set when `emailTo` was given: the mail that carried the PDF. */
  emailed: Type.Optional(
    Type.Object({ messageId: Type.String(), accepted: Type.Array(Type.String()) }),
  ),
});
export type DailyReportResult = Static<typeof DailyReportResult>;

import { Type, type Static } from '@sinclair/typebox';
import { Email, IsoDate, MarketSymbol } from '../common.js';

/** `reports.daily`: the daily market PDF, stored in ARTIFACTS and optionally mailed. */
export const DailyReportParams = Type.Object(
  {
    date: Type.Optional(IsoDate),
    symbols: Type.Array(MarketSymbol, { minItems: 1, maxItems: 50 }),
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

export const WebhookParams = Type.Object(
  {
    url: Type.String({ format: 'uri', pattern: '^https?://' }),
    body: Type.Unknown(),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type WebhookParams = Static<typeof WebhookParams>;

import { Type, type Static } from '@sinclair/typebox';
import { ExportFormat, IsoTime, MarketSymbol, Timeframe } from '../common.js';

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

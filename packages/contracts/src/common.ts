import { Type, type Static } from '@sinclair/typebox';

export const MarketSymbol = Type.String({
  pattern: '^[A-Z0-9]{2,20}$',
  description: 'Market symbol, e.g. BTCUSDT',
});
export type MarketSymbol = Static<typeof MarketSymbol>;
export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export const Timeframe = Type.Union(
  TIMEFRAMES.map((t) => Type.Literal(t)),
  { description: 'Candle timeframe' },
);
export type Timeframe = Static<typeof Timeframe>;

const MINUTE_MS = 60_000;

/** The length of one bar of each timeframe. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': 1440 * MINUTE_MS,
};
export const IsoTime = Type.String({ format: 'date-time', description: 'ISO-8601 time, UTC' });
export const IsoDate = Type.String({ format: 'date', description: 'Calendar day, YYYY-MM-DD' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const ExportFormat = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]);
export type ExportFormat = Static<typeof ExportFormat>;

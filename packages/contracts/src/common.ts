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
export const IsoTime = Type.String({ format: 'date-time', description: 'ISO-8601 time, UTC' });
export const IsoDate = Type.String({ format: 'date', description: 'Calendar day, YYYY-MM-DD' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const ExportFormat = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]);

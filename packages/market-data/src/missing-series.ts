import type { FieldError, Timeframe } from '@wadm/contracts';
import type { SeriesInfo } from './candle-store.js';

/**
 * Why a task asking for `symbol` `timeframe` found no candles, in words a user acts on: what
 * is stored, and the param to change (the timeframe when the symbol exists in another one).
 */
export function describeMissingSeries(
  params: { symbol: string; timeframe: Timeframe },
  stored: readonly SeriesInfo[],
): { message: string; field: FieldError } {
  const { symbol, timeframe } = params;
  const names = stored.map((s) => `${s.symbol} ${s.timeframe}`);
  const available =
    names.length > 0 ? `stored series: ${names.join(', ')}` : 'no series are stored: import some';
  const field: FieldError = stored.some((s) => s.symbol === symbol)
    ? { path: '/params/timeframe', message: `${symbol} has no ${timeframe} candles` }
    : { path: '/params/symbol', message: `no candles for ${symbol}` };
  return { message: `no candles for ${symbol} ${timeframe}; ${available}`, field };
}

import { MarketSymbol, TIMEFRAMES } from '@wadm/contracts';
import type { SeriesInfo } from './candle-store.js';
import { InvalidSeriesError } from './errors.js';
import { isTimeframe, type Timeframe } from './timeframe.js';

const SYMBOL_PATTERN = new RegExp(MarketSymbol.pattern as string);

/** Refuses what cannot name a series before any storage sees it (keys, object names, queries). */
export function assertSeries(symbol: string, timeframe: string): asserts timeframe is Timeframe {
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new InvalidSeriesError(
      `invalid symbol ${JSON.stringify(symbol)}: use 2 to 20 of A-Z and 0-9, e.g. BTCUSDT`,
    );
  }
  if (!isTimeframe(timeframe)) {
    throw new InvalidSeriesError(
      `invalid timeframe ${JSON.stringify(timeframe)}: use one of ${TIMEFRAMES.join(', ')}`,
    );
  }
}

/** `BTCUSDT 1h`, as messages name a series. */
export function seriesLabel(symbol: string, timeframe: string): string {
  return `${symbol} ${timeframe}`;
}

/** The order `listSeries` promises: by symbol, then by timeframe from short to long. */
export function compareSeries(a: SeriesInfo, b: SeriesInfo): number {
  if (a.symbol !== b.symbol) return a.symbol < b.symbol ? -1 : 1;
  return TIMEFRAMES.indexOf(a.timeframe) - TIMEFRAMES.indexOf(b.timeframe);
}

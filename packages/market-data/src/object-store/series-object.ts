import type { ObjectInfo, ObjectStoreMeta } from '@nats-io/obj';
import type { SeriesInfo } from '../candle-store.js';
import type { Candles } from '../candles.js';
import { isTimeframe, type Timeframe } from '../timeframe.js';
import { CANDLE_FILE_VERSION } from './candle-file.js';

/** Every series object's name starts so; other objects in the bucket are not series. */
const PREFIX = 'candles/';

/** `candles/BTCUSDT/1h`: what `nats obj ls MARKET_DATA` shows operators. */
export function seriesObjectName(symbol: string, timeframe: Timeframe): string {
  return `${PREFIX}${symbol}/${timeframe}`;
}

/**
 * The object's meta: the series index lives in `metadata` (strings, as the object store keeps
 * them), written in the same message that makes the data live, so index and data never disagree.
 */
export function seriesObjectMeta(
  symbol: string,
  timeframe: Timeframe,
  candles: Candles,
): ObjectStoreMeta {
  const count = candles.time.length;
  const from = candles.time[0] ?? 0;
  const to = candles.time[count - 1] ?? 0;
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    name: seriesObjectName(symbol, timeframe),
    description: `${symbol} ${timeframe}: ${count} candles, ${iso(from)} to ${iso(to)}`,
    metadata: {
      symbol,
      timeframe,
      from: String(from),
      to: String(to),
      count: String(count),
      layout: `WCDL/${CANDLE_FILE_VERSION}`,
    },
    // The largest chunk the server takes (the client clamps it to max_payload): fewer messages.
    options: { max_chunk_size: 8 * 1024 * 1024 },
  };
}

/** The index entry of a series object, or undefined for objects that are not series. */
export function seriesFromObject(info: ObjectInfo): SeriesInfo | undefined {
  const meta = info.metadata ?? {};
  const { symbol, timeframe } = meta;
  if (!info.name.startsWith(PREFIX) || !symbol || !timeframe || !isTimeframe(timeframe)) {
    return undefined;
  }
  const from = Number(meta['from']);
  const to = Number(meta['to']);
  const count = Number(meta['count']);
  if (![from, to, count].every(Number.isFinite)) return undefined;
  return { symbol, timeframe, from, to, count };
}

import {
  allocateCandles,
  CANDLE_COLUMNS,
  type CandleStore,
  type Candles,
  type Timeframe,
} from '@wadm/market-data';

/**
 * The bars with `from <= time <= to`, read as ranged chunks: the object store reads only the
 * tail of a series that may hold years of minutes, where `getCandles` would read it whole.
 */
export async function readLatest(
  store: CandleStore,
  symbol: string,
  timeframe: Timeframe,
  from: number,
  to: number,
  bars: number,
): Promise<Candles> {
  const chunks: Candles[] = [];
  for await (const chunk of store.readCandles(symbol, timeframe, { from, to, chunkBars: bars })) {
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0] as Candles;
  const out = allocateCandles(chunks.reduce((n, c) => n + c.time.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    for (const column of CANDLE_COLUMNS) out[column].set(chunk[column], at);
    at += chunk.time.length;
  }
  return out;
}

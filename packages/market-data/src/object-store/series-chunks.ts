import { CANDLE_COLUMNS, type Candles } from '../candles.js';
import { CorruptSeriesError } from '../errors.js';
import { decodeCandleHeader, HEADER_BYTES } from './candle-file.js';
import type { RangedObject } from './ranged-object.js';

const BAR_BYTES = Float64Array.BYTES_PER_ELEMENT;

/**
 * The bars of a stored series with `from <= time <= to`, `chunkBars` at a time, read as byte
 * ranges of its object: per chunk, the six column slices it needs (the layout stores each
 * column whole), and for the range's ends a binary search over the time column. Memory holds
 * one chunk of bars and a few object chunks, whatever the series' length.
 */
export async function* readSeriesChunks(
  object: RangedObject,
  label: string,
  range: { from?: number | undefined; to?: number | undefined; chunkBars: number },
): AsyncGenerator<Candles> {
  const decoded = decodeCandleHeader(await object.read(0, HEADER_BYTES), object.info.size);
  if (typeof decoded === 'string') throw new CorruptSeriesError(label, decoded);
  const n = decoded;
  const column = async (c: number, start: number, end: number): Promise<Float64Array> => {
    const bytes = await object.read(
      HEADER_BYTES + (c * n + start) * BAR_BYTES,
      (end - start) * BAR_BYTES,
    );
    return new Float64Array(bytes.buffer, bytes.byteOffset, end - start);
  };
  const timeAt = async (i: number): Promise<number> => (await column(0, i, i + 1))[0] as number;
  /** The first index whose time is `>= time` (`strict`: `> time`). */
  const search = async (time: number, strict: boolean): Promise<number> => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = await timeAt(mid);
      if (t < time || (strict && t === time)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const start = range.from === undefined ? 0 : await search(range.from, false);
  const end = range.to === undefined ? n : await search(range.to, true);
  const step = Math.max(1, Math.floor(range.chunkBars));
  for (let s = start; s < end; s += step) {
    const e = Math.min(end, s + step);
    const [time, open, high, low, close, volume] = await Promise.all(
      CANDLE_COLUMNS.map((_, c) => column(c, s, e)),
    );
    yield {
      time: time as Float64Array,
      open: open as Float64Array,
      high: high as Float64Array,
      low: low as Float64Array,
      close: close as Float64Array,
      volume: volume as Float64Array,
    };
  }
}

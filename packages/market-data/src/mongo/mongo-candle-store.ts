import type { AnyBulkWriteOperation, Collection, Db, Filter } from 'mongodb';
import type { CandleChunks, CandleStore, PutResult, SeriesInfo } from '../candle-store.js';
import { CandleBuilder } from '../candle-builder.js';
import type { Candles } from '../candles.js';
import { SeriesNotFoundError } from '../errors.js';
import { prepareCandles } from '../merge.js';
import { assertSeries, compareSeries } from '../series.js';
import type { Timeframe } from '../timeframe.js';

/** One bar per document; `time` is a BSON date so `mongosh` queries read naturally. */
export interface CandleDocument {
  symbol: string;
  timeframe: Timeframe;
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Options of {@link MongoCandleStore.open}. */
export interface MongoCandleStoreOptions {
  /** @defaultValue `candles` */
  collection?: string;
  /**
   * Upserts sent per `bulkWrite` round trip.
   * @defaultValue 5000
   */
  batchSize?: number;
}

const PROJECTION = { _id: 0, time: 1, open: 1, high: 1, low: 1, close: 1, volume: 1 } as const;

/**
 * Candles in MongoDB (`MONGODB_URL`): one document per bar in `candles`, unique on
 * symbol + timeframe + time. A put is unordered bulk upserts keyed on that index, so writers of
 * the same series never lose each other's bars, and an import cut short by a failure leaves only
 * bars that were valid and is completed by running it again.
 */
export class MongoCandleStore implements CandleStore {
  private constructor(
    private readonly candles: Collection<CandleDocument>,
    private readonly batchSize: number,
  ) {}

  /** Opens the collection and creates its unique index (a no-op when it exists). */
  static async open(db: Db, options: MongoCandleStoreOptions = {}): Promise<MongoCandleStore> {
    const candles = db.collection<CandleDocument>(options.collection ?? 'candles');
    await candles.createIndex(
      { symbol: 1, timeframe: 1, time: 1 },
      { unique: true, name: 'symbol_timeframe_time' },
    );
    return new MongoCandleStore(candles, options.batchSize ?? 5000);
  }

  async getCandles(
    symbol: string,
    timeframe: Timeframe,
    from?: number,
    to?: number,
  ): Promise<Candles> {
    assertSeries(symbol, timeframe);
    const filter = rangeFilter(symbol, timeframe, from, to);
    const bars = new CandleBuilder();
    const cursor = this.candles.find(filter, {
      projection: PROJECTION,
      sort: { time: 1 },
      batchSize: 10_000,
    });
    for await (const bar of cursor) {
      bars.push(bar.time.getTime(), bar.open, bar.high, bar.low, bar.close, bar.volume);
    }
    if (bars.length === 0 && !(await this.exists(symbol, timeframe))) {
      throw new SeriesNotFoundError(symbol, timeframe);
    }
    return bars.build();
  }

  /** One query; its cursor is read a chunk at a time, as the chunks are asked for. */
  async *readCandles(
    symbol: string,
    timeframe: Timeframe,
    range: CandleChunks,
  ): AsyncGenerator<Candles> {
    assertSeries(symbol, timeframe);
    const cursor = this.candles.find(rangeFilter(symbol, timeframe, range.from, range.to), {
      projection: PROJECTION,
      sort: { time: 1 },
      batchSize: 10_000,
    });
    const chunkBars = Math.max(1, Math.floor(range.chunkBars));
    let bars = new CandleBuilder();
    let any = false;
    for await (const bar of cursor) {
      bars.push(bar.time.getTime(), bar.open, bar.high, bar.low, bar.close, bar.volume);
      if (bars.length >= chunkBars) {
        any = true;
        yield bars.build();
        bars = new CandleBuilder();
      }
    }
    if (bars.length > 0) yield bars.build();
    else if (!any && !(await this.exists(symbol, timeframe))) {
      throw new SeriesNotFoundError(symbol, timeframe);
    }
  }

  async putCandles(symbol: string, timeframe: Timeframe, candles: Candles): Promise<PutResult> {
    assertSeries(symbol, timeframe);
    const { time, open, high, low, close, volume } = prepareCandles(candles);
    let inserted = 0;
    let updated = 0;
    for (let start = 0; start < time.length; start += this.batchSize) {
      const end = Math.min(time.length, start + this.batchSize);
      const upserts: AnyBulkWriteOperation<CandleDocument>[] = [];
      for (let i = start; i < end; i++) {
        upserts.push({
          updateOne: {
            filter: { symbol, timeframe, time: new Date(time[i] as number) },
            update: {
              $set: {
                open: open[i] as number,
                high: high[i] as number,
                low: low[i] as number,
                close: close[i] as number,
                volume: volume[i] as number,
              },
            },
            upsert: true,
          },
        });
      }
      const result = await this.candles.bulkWrite(upserts, { ordered: false });
      inserted += result.upsertedCount;
      updated += result.matchedCount;
    }
    const total = await this.candles.countDocuments({ symbol, timeframe });
    return { inserted, updated, total };
  }

  async listSeries(): Promise<SeriesInfo[]> {
    const groups = this.candles.aggregate<{
      _id: { symbol: string; timeframe: Timeframe };
      from: Date;
      to: Date;
      count: number;
    }>([
      {
        $group: {
          _id: { symbol: '$symbol', timeframe: '$timeframe' },
          from: { $min: '$time' },
          to: { $max: '$time' },
          count: { $sum: 1 },
        },
      },
    ]);
    const series: SeriesInfo[] = [];
    for await (const group of groups) {
      series.push({
        symbol: group._id.symbol,
        timeframe: group._id.timeframe,
        from: group.from.getTime(),
        to: group.to.getTime(),
        count: group.count,
      });
    }
    return series.sort(compareSeries);
  }

  private async exists(symbol: string, timeframe: Timeframe): Promise<boolean> {
    return (await this.candles.findOne({ symbol, timeframe }, { projection: { _id: 1 } })) !== null;
  }
}

/** The documents of a series with `from <= time <= to`. */
function rangeFilter(
  symbol: string,
  timeframe: Timeframe,
  from?: number,
  to?: number,
): Filter<CandleDocument> {
  const filter: Filter<CandleDocument> = { symbol, timeframe };
  if (from !== undefined || to !== undefined) {
    // Bar times are whole ms: a fractional bound rounds inwards.
    filter.time = {
      ...(from !== undefined ? { $gte: new Date(Math.ceil(from)) } : {}),
      ...(to !== undefined ? { $lte: new Date(Math.floor(to)) } : {}),
    };
  }
  return filter;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Objm, setSha256Backend, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { OBJECT_STORES } from '@wadm/contracts';
import type { CandleChunks, CandleStore, PutResult, SeriesInfo } from '../candle-store.js';
import { candlesInRange, emptyCandles, type Candles } from '../candles.js';
import {
  CorruptSeriesError,
  SeriesNotFoundError,
  StoreNotProvisionedError,
  WriteConflictError,
} from '../errors.js';
import { mergeCandles, prepareCandles } from '../merge.js';
import { assertSeries, compareSeries, seriesLabel } from '../series.js';
import type { Timeframe } from '../timeframe.js';
import { decodeCandleFile, encodeCandleFile } from './candle-file.js';
import { RangedObject } from './ranged-object.js';
import { readObject } from './read-object.js';
import { readSeriesChunks } from './series-chunks.js';
import { seriesFromObject, seriesObjectMeta, seriesObjectName } from './series-object.js';

/** Options of {@link ObjectCandleStore.open}. */
export interface ObjectCandleStoreOptions {
  /**
   * The object store bucket; `provision()` creates it.
   * @defaultValue `MARKET_DATA`
   */
  bucket?: string;
  /**
   * How often a put re-reads and re-merges after losing a race with another writer of the same
   * series before it gives up with WriteConflictError.
   * @defaultValue 20
   */
  maxWriteAttempts?: number;
}

/** A series as read, with the revision a write must still find to replace it. */
interface Snapshot {
  candles: Candles;
  /** Stream sequence of the object's meta message; 0 when the object never existed. */
  revision: number;
}

/**
 * The embedded candle store: one object per series in the MARKET_DATA object store, in the
 * layout of `candle-file.ts`; the series index (range, count) rides in each object's metadata,
 * so `listSeries` reads no candle data.
 *
 * Concurrent writers: a put is read → merge → write-if-unchanged. The write carries the object's
 * revision as `Nats-Expected-Last-Subject-Sequence` on its meta message, so the server refuses
 * it when another writer got in between; the loser purges its chunks (the client does), re-reads
 * and merges again. No lock, no lost bars, whichever process the writers run in.
 */
export class ObjectCandleStore implements CandleStore {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly bucket: string,
    private readonly os: ObjectStore,
    private readonly maxWriteAttempts: number,
  ) {}

  static async open(
    nc: NatsConnection,
    options: ObjectCandleStoreOptions = {},
  ): Promise<ObjectCandleStore> {
    // The client's default pure-JS SHA-256 hashes ~30 MB/s, most of a large read's time; the
    // choice is process-wide and only swaps in Node's native hash for the same digest.
    setSha256Backend('native');
    const bucket = options.bucket ?? OBJECT_STORES.marketData;
    const os = await new Objm(nc).open(bucket).catch((err: unknown) => {
      // The client's only sign of a missing bucket is this message.
      if (err instanceof Error && err.message === 'object store not found') {
        throw new StoreNotProvisionedError(bucket, { cause: err });
      }
      throw err;
    });
    return new ObjectCandleStore(nc, bucket, os, options.maxWriteAttempts ?? 20);
  }

  async getCandles(
    symbol: string,
    timeframe: Timeframe,
    from?: number,
    to?: number,
  ): Promise<Candles> {
    assertSeries(symbol, timeframe);
    const read = await readObject(this.os, seriesObjectName(symbol, timeframe));
    if (!read) throw new SeriesNotFoundError(symbol, timeframe);
    return candlesInRange(decode(read.bytes, seriesLabel(symbol, timeframe)), from, to);
  }

  async *readCandles(
    symbol: string,
    timeframe: Timeframe,
    range: CandleChunks,
  ): AsyncGenerator<Candles> {
    assertSeries(symbol, timeframe);
    const info = await this.os.info(seriesObjectName(symbol, timeframe));
    if (!info || info.deleted) throw new SeriesNotFoundError(symbol, timeframe);
    const object = await RangedObject.open(this.nc, this.bucket, info);
    yield* readSeriesChunks(object, seriesLabel(symbol, timeframe), range);
  }

  async putCandles(symbol: string, timeframe: Timeframe, candles: Candles): Promise<PutResult> {
    assertSeries(symbol, timeframe);
    const incoming = prepareCandles(candles);
    const name = seriesObjectName(symbol, timeframe);
    const label = seriesLabel(symbol, timeframe);
    if (incoming.time.length === 0) {
      const info = await this.os.info(name);
      const total = info && !info.deleted ? (seriesFromObject(info)?.count ?? 0) : 0;
      return { inserted: 0, updated: 0, total };
    }
    for (let attempt = 1; ; attempt++) {
      const base = await this.snapshot(name, label);
      const { candles: merged, inserted, updated } = mergeCandles(base.candles, incoming);
      try {
        await this.os.putBlob(
          seriesObjectMeta(symbol, timeframe, merged),
          encodeCandleFile(merged),
          { previousRevision: base.revision },
        );
        return { inserted, updated, total: merged.time.length };
      } catch (err) {
        if (!isStaleRevision(err)) throw err;
        if (attempt >= this.maxWriteAttempts) {
          throw new WriteConflictError(label, attempt, { cause: err });
        }
        // Jittered and growing, so writers that collided do not collide again in lockstep.
        await sleep(Math.random() * Math.min(500, 10 * 2 ** attempt));
      }
    }
  }

  async listSeries(): Promise<SeriesInfo[]> {
    const objects = await this.os.list();
    return objects
      .map((info) => (info.deleted ? undefined : seriesFromObject(info)))
      .filter((series): series is SeriesInfo => series !== undefined)
      .sort(compareSeries);
  }

  /** The series and its revision, read consistently: the bytes belong to that revision. */
  private async snapshot(name: string, label: string): Promise<Snapshot> {
    for (;;) {
      const read = await readObject(this.os, name);
      if (read) return { candles: decode(read.bytes, label), revision: read.info.revision };
      // Absent or deleted: the write must find the subject as it is now (0 = never written).
      const info: ObjectInfo | null = await this.os.info(name);
      if (!info) return { candles: emptyCandles(), revision: 0 };
      if (info.deleted) return { candles: emptyCandles(), revision: info.revision };
      // Written between the two reads: read it again.
    }
  }
}

function decode(bytes: Uint8Array, label: string): Candles {
  const decoded = decodeCandleFile(bytes);
  if (typeof decoded === 'string') throw new CorruptSeriesError(label, decoded);
  return decoded;
}

/** The server refused a write because the object changed since it was read. */
function isStaleRevision(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;
}

import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { ObjectInfo } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Chunks kept after they were fetched: a chunked read of a columnar file walks six columns at
 * once, so one chunk per column plus the time column's binary search. @defaultValue 8
 */
const CACHED_CHUNKS = 8;

/** The object was replaced (and its chunks purged) while it was being read. */
export class ObjectReplacedError extends Error {
  override readonly name = 'ObjectReplacedError';
  constructor(objectName: string, options?: ErrorOptions) {
    super(`${objectName} was replaced while it was being read; read it again`, options);
  }
}

/**
 * Byte ranges of one version of an object-store object, fetched chunk by chunk: the object
 * store writes an object as equal chunks (`max_chunk_size`, the last one shorter) on one
 * subject, so a byte offset names its chunk. The chunks' stream sequences are listed once by a
 * headers-only consumer (no data crosses the wire), then each chunk a range needs is read by
 * sequence. Digests cover whole objects, so a ranged read does not check one.
 */
export class RangedObject {
  /** Fetched (or being fetched) chunks, least recently used first. */
  private readonly cache = new Map<number, Promise<Uint8Array>>();

  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    /** Direct gets carry the bytes as they are, not base64 in JSON. */
    private readonly direct: boolean,
    readonly info: ObjectInfo,
    private readonly chunkSize: number,
    private readonly seqs: readonly number[],
  ) {}

  /** The version `info` describes, in object store `bucket`. */
  static async open(nc: NatsConnection, bucket: string, info: ObjectInfo): Promise<RangedObject> {
    const stream = `OBJ_${bucket}`;
    const chunkSize = info.options?.max_chunk_size ?? 0;
    const seqs: number[] = [];
    if (info.chunks > 0) {
      const consumer = await jetstream(nc).consumers.get(stream, {
        filter_subjects: `$O.${bucket}.C.${info.nuid}`,
        headers_only: true,
      });
      const messages = await consumer.fetch({ max_messages: info.chunks, expires: 5_000 });
      for await (const msg of messages) {
        seqs.push(msg.seq);
        if (seqs.length === info.chunks) break;
      }
    }
    if (seqs.length !== info.chunks || (info.chunks > 1 && chunkSize <= 0)) {
      throw new ObjectReplacedError(info.name);
    }
    const jsm = await jetstreamManager(nc);
    const { config } = await jsm.streams.info(stream);
    return new RangedObject(jsm, stream, config.allow_direct === true, info, chunkSize, seqs);
  }

  /** `length` bytes from `offset`, in a fresh (8-byte aligned) buffer. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    if (length === 0) return out;
    if (offset < 0 || offset + length > this.info.size) {
      throw new RangeError(`bytes ${offset}+${length} are outside ${this.info.size}`);
    }
    const span = this.chunkSize > 0 ? this.chunkSize : this.info.size;
    let written = 0;
    while (written < length) {
      const at = offset + written;
      const index = Math.floor(at / span);
      const chunk = await this.chunk(index);
      const from = at - index * span;
      const take = Math.min(length - written, chunk.byteLength - from);
      out.set(chunk.subarray(from, from + take), written);
      written += take;
    }
    return out;
  }

  private chunk(index: number): Promise<Uint8Array> {
    const cached = this.cache.get(index);
    if (cached) {
      // Most recently used last: a Map keeps insertion order.
      this.cache.delete(index);
      this.cache.set(index, cached);
      return cached;
    }
    const fetching = this.fetch(index);
    // Column reads run side by side: the second asking for a chunk waits for the first fetch.
    this.cache.set(index, fetching);
    fetching.catch(() => this.cache.delete(index));
    if (this.cache.size > CACHED_CHUNKS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return fetching;
  }

  private async fetch(index: number): Promise<Uint8Array> {
    const seq = this.seqs[index];
    if (seq === undefined) throw new RangeError(`chunk ${index} of ${this.seqs.length}`);
    const msg = this.direct
      ? await this.jsm.direct.getMessage(this.stream, { seq })
      : await this.jsm.streams.getMessage(this.stream, { seq });
    // Purged: a writer replaced the object and removed this version's chunks.
    if (!msg) throw new ObjectReplacedError(this.info.name);
    return msg.data;
  }
}

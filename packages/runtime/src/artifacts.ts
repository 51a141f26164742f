import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { OBJECT_STORES, type ArtifactRef } from '@wadm/contracts';

/** Asked before each write with its size; throws to refuse it (the storage quota). */
export type ChargeBytes = (bytes: number) => Promise<void>;
/** Gives back bytes charged at `chargedAt` (ms) that are no longer stored. */
export type RefundBytes = (bytes: number, chargedAt: number) => Promise<void>;

/**
 * Chunks of a streamed write (the client clamps it to the server's max_payload): a 100 MB
 * export is a hundred acknowledged publishes rather than eight hundred of the default 128 KiB.
 */
const STREAM_CHUNK_BYTES = 1024 * 1024;

/**
 * A streamed write charges its owner per this many bytes, before they go on to the store: one
 * USAGE update per block rather than per chunk.
 */
const CHARGE_BLOCK_BYTES = 256 * 1024;

/** What a streamed write stored. */
export interface StreamedArtifact {
  ref: ArtifactRef;
  /** SHA-256 of the stored bytes, lower-case hex (the object store's digest). */
  sha256: string;
}

/** Files and large results in the ARTIFACTS object store. */
export class ArtifactStore {
  private constructor(
    readonly os: ObjectStore,
    private readonly charge?: ChargeBytes,
    private readonly refund?: RefundBytes,
  ) {}

  static async open(nc: NatsConnection): Promise<ArtifactStore> {
    return new ArtifactStore(await new Objm(nc).open(OBJECT_STORES.artifacts));
  }

  /**
   * The same store, each write charged first, and with `refund` each delete (and a streamed
   * write that failed) refunded: what a task's handler gets.
   */
  chargedTo(charge: ChargeBytes, refund?: RefundBytes): ArtifactStore {
    return new ArtifactStore(this.os, charge, refund);
  }

  async put(
    name: string,
    data: Uint8Array,
    contentType: string,
    fileName?: string,
  ): Promise<ArtifactRef> {
    await this.charge?.(data.byteLength);
    await this.os.putBlob({ name, description: contentType }, data);
    const ref: ArtifactRef = {
      store: OBJECT_STORES.artifacts,
      name,
      size: data.byteLength,
      contentType,
    };
    if (fileName) ref.fileName = fileName;
    return ref;
  }

  async get(name: string): Promise<Uint8Array | null> {
    return this.os.getBlob(name);
  }

  /**
   * Stores what `source` yields, as it arrives, never whole in memory. Bytes are charged to the
   * owner's quota as they flow, ahead of the store; a refusal, or an error of `source` (an
   * aborted export), fails the write and the object store purges the chunks already sent, so
   * no partial object is left. Bytes charged before a failure are refunded when the store
   * has a refund, and otherwise stay charged (the ledger errs towards refusing).
   */
  async putStream(
    name: string,
    source: ReadableStream<Uint8Array>,
    contentType: string,
    fileName?: string,
  ): Promise<StreamedArtifact> {
    const startedAt = Date.now();
    let charged = 0;
    const charge = this.charge;
    const data = charge
      ? chargedStream(source, async (bytes) => {
          await charge(bytes);
          charged += bytes;
        })
      : source;
    let info;
    try {
      info = await this.os.put(
        { name, description: contentType, options: { max_chunk_size: STREAM_CHUNK_BYTES } },
        data,
      );
    } catch (err) {
      await this.refund?.(charged, startedAt);
      throw err;
    }
    const ref: ArtifactRef = {
      store: OBJECT_STORES.artifacts,
      name,
      size: info.size,
      contentType,
    };
    if (fileName) ref.fileName = fileName;
    return { ref, sha256: digestHex(info.digest) };
  }

  /** Removes an object, refunding its bytes when the store has a refund; false when there was none. */
  async delete(name: string): Promise<boolean> {
    const info = await this.os.info(name);
    if (!info || info.deleted) return false;
    await this.os.delete(name);
    await this.refund?.(info.size, Date.parse(info.mtime));
    return true;
  }
}

/** `SHA-256=<base64url>`, the object store's digest, as lower-case hex. */
export function digestHex(digest: string): string {
  const b64 = digest.replace(/^SHA-256=/i, '');
  return Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('hex');
}

/** `source`, each block of bytes charged before it is passed on. */
function chargedStream(
  source: ReadableStream<Uint8Array>,
  charge: ChargeBytes,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const release = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (heldBytes > 0) await charge(heldBytes);
    for (const chunk of held) controller.enqueue(chunk);
    held = [];
    heldBytes = 0;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            await release(controller);
            controller.close();
            return;
          }
          held.push(value);
          heldBytes += value.byteLength;
          if (heldBytes >= CHARGE_BLOCK_BYTES) {
            await release(controller);
            return;
          }
        }
      } catch (err) {
        // Refused by the quota, or the source failed: stop the source too.
        await reader.cancel(err).catch(() => undefined);
        controller.error(err);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

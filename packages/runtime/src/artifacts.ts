import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { OBJECT_STORES, type ArtifactRef } from '@wadm/contracts';

/** Asked before each write with its size; throws to refuse it (the storage quota). */
export type ChargeBytes = (bytes: number) => Promise<void>;

/** Files and large results in the ARTIFACTS object store. */
export class ArtifactStore {
  private constructor(
    readonly os: ObjectStore,
    private readonly charge?: ChargeBytes,
  ) {}

  static async open(nc: NatsConnection): Promise<ArtifactStore> {
    return new ArtifactStore(await new Objm(nc).open(OBJECT_STORES.artifacts));
  }

  /** The same store, each write charged first: what a task's handler gets. */
  chargedTo(charge: ChargeBytes): ArtifactStore {
    return new ArtifactStore(this.os, charge);
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
}

import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { OBJECT_STORES, type ArtifactRef } from '@wadm/contracts';

/** Files and large results in the ARTIFACTS object store. */
export class ArtifactStore {
  private constructor(readonly os: ObjectStore) {}

  static async open(nc: NatsConnection): Promise<ArtifactStore> {
    return new ArtifactStore(await new Objm(nc).open(OBJECT_STORES.artifacts));
  }

  async put(
    name: string,
    data: Uint8Array,
    contentType: string,
    fileName?: string,
  ): Promise<ArtifactRef> {
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

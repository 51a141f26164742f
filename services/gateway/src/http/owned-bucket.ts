import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { isValidId, isValidOwner } from '@wadm/contracts';

/** A record as stored, with the revision a compare-and-set needs. */
export interface Owned<T> {
  owner: string;
  id: string;
  value: T;
  revision: number;
}

/**
 * A KV bucket of records keyed `<owner>.<id>` (WEBHOOKS, ALERTS): what the gateway's CRUD
 * routes share. An id that is not a valid key token simply is not found.
 */
export class OwnedBucket<T> {
  private constructor(private readonly kv: KV) {}

  static async open<T>(nc: NatsConnection, bucket: string): Promise<OwnedBucket<T>> {
    return new OwnedBucket<T>(await new Kvm(nc).open(bucket));
  }

  async get(owner: string, id: string): Promise<Owned<T> | undefined> {
    if (!isValidOwner(owner) || !isValidId(id)) return undefined;
    const e = await this.kv.get(`${owner}.${id}`);
    if (!e || e.operation !== 'PUT') return undefined;
    return { owner, id, value: e.json<T>(), revision: e.revision };
  }

  /** The record `id` of whoever owns it: for admins, who see every user's. */
  async find(id: string): Promise<Owned<T> | undefined> {
    if (!isValidId(id)) return undefined;
    for (const key of await this.keys(`*.${id}`)) {
      const found = await this.get(key.slice(0, key.indexOf('.')), id);
      if (found) return found;
    }
    return undefined;
  }

  /** `owner`'s records, or everyone's with `*`, oldest key first. */
  async list(owner: string): Promise<Owned<T>[]> {
    const keys = (await this.keys(owner === '*' ? '>' : `${owner}.>`)).sort();
    const found = await Promise.all(
      keys.map((key) => this.get(key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1))),
    );
    return found.filter((r): r is Owned<T> => r !== undefined);
  }

  async count(owner: string): Promise<number> {
    return (await this.keys(`${owner}.>`)).length;
  }

  async create(owner: string, id: string, value: T): Promise<void> {
    await this.kv.create(`${owner}.${id}`, JSON.stringify(value));
  }

  /** Compare-and-set over `revision`: throws on a conflict (a concurrent change). */
  async update(owner: string, id: string, value: T, revision: number): Promise<void> {
    await this.kv.update(`${owner}.${id}`, JSON.stringify(value), revision);
  }

  async delete(owner: string, id: string): Promise<void> {
    await this.kv.delete(`${owner}.${id}`);
  }

  private async keys(filter: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys(filter)) keys.push(key);
    return keys;
  }
}

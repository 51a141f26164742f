import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, OBJECT_STORES, type StorageUsage } from '@wadm/contracts';
import { StorageQuotaError } from './errors.js';
import { isCasConflict } from './task-store.js';

const DAY_MS = 86_400_000;
/** Writers racing on one user's entry: each lost race costs one more read. */
const MAX_CAS_TRIES = 20;

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Result and artifact bytes per user, in the USAGE bucket, for the storage quota. Bytes are
 * counted per UTC day and a day stops counting once the stored data of that day has expired
 * (the ARTIFACTS `max_age`): a day is counted up to a day longer than its data lives, so the
 * ledger errs towards refusing, never towards letting a user store more than the quota.
 */
export class UsageLedger {
  private constructor(
    private readonly kv: KV,
    /** How long stored data lives; Infinity when it never expires. */
    readonly retentionMs: number,
    private readonly now: () => number,
  ) {}

  /** `retentionMs` defaults to the ARTIFACTS store's `max_age`, as provisioned or as an operator set it. */
  static async open(
    nc: NatsConnection,
    opts: { retentionMs?: number; now?: () => number } = {},
  ): Promise<UsageLedger> {
    const kv = await new Kvm(nc).open(BUCKETS.usage);
    const retentionMs = opts.retentionMs ?? (await artifactsRetentionMs(nc));
    return new UsageLedger(kv, retentionMs, opts.now ?? Date.now);
  }

  /** The bytes `owner` has stored that have not expired yet. */
  async bytes(owner: string): Promise<number> {
    const entry = await this.kv.get(owner);
    if (!entry || entry.operation !== 'PUT') return 0;
    return sum(this.live(entry.json<StorageUsage>()));
  }

  /**
   * Adds `bytes` to what `owner` has stored, or throws StorageQuotaError (and adds nothing)
   * when that would pass `quotaBytes`. Call it before storing, so a refused result is never
   * written.
   */
  async charge(owner: string, bytes: number, quotaBytes: number): Promise<void> {
    for (let tries = 0; tries < MAX_CAS_TRIES; tries++) {
      const entry = await this.kv.get(owner);
      const exists = entry !== null && entry.operation === 'PUT';
      const days = exists ? this.live(entry.json<StorageUsage>()) : {};
      const used = sum(days);
      if (used + bytes > quotaBytes) throw new StorageQuotaError(owner, used, bytes, quotaBytes);
      const today = dayOf(this.now());
      days[today] = (days[today] ?? 0) + bytes;
      const value = JSON.stringify({ v: 1, days } satisfies StorageUsage);
      try {
        if (exists) await this.kv.update(owner, value, entry.revision);
        else await this.kv.create(owner, value);
        return;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
    throw new Error(`usage of ${owner}: ${MAX_CAS_TRIES} concurrent writers won in a row`);
  }

  /**
   * Takes `bytes` back off what `owner` has stored: a file deleted before it expired frees its
   * quota at once. They come off the day they were charged (`chargedAt`, ms) first, then the
   * days nearest it (a file written across midnight was charged to two), never below zero.
   */
  async refund(owner: string, bytes: number, chargedAt: number = this.now()): Promise<void> {
    if (!(bytes > 0)) return;
    for (let tries = 0; tries < MAX_CAS_TRIES; tries++) {
      const entry = await this.kv.get(owner);
      if (!entry || entry.operation !== 'PUT') return;
      const days = this.live(entry.json<StorageUsage>());
      const from = Date.parse(dayOf(chargedAt));
      const nearest = Object.keys(days).sort(
        (a, b) =>
          Math.abs(Date.parse(a) - from) - Math.abs(Date.parse(b) - from) || a.localeCompare(b),
      );
      let left = bytes;
      for (const day of nearest) {
        const taken = Math.min(left, days[day] ?? 0);
        left -= taken;
        if (taken === days[day]) delete days[day];
        else days[day] = (days[day] ?? 0) - taken;
        if (left === 0) break;
      }
      try {
        await this.kv.update(
          owner,
          JSON.stringify({ v: 1, days } satisfies StorageUsage),
          entry.revision,
        );
        return;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
    throw new Error(`usage of ${owner}: ${MAX_CAS_TRIES} concurrent writers won in a row`);
  }

  /** The days whose data may still be stored. */
  private live(usage: StorageUsage): Record<string, number> {
    if (!Number.isFinite(this.retentionMs)) return { ...usage.days };
    const oldest = dayOf(this.now() - this.retentionMs - DAY_MS);
    const days: Record<string, number> = {};
    for (const [day, bytes] of Object.entries(usage.days)) {
      if (day >= oldest) days[day] = bytes;
    }
    return days;
  }
}

function sum(days: Record<string, number>): number {
  let total = 0;
  for (const bytes of Object.values(days)) total += bytes;
  return total;
}

/** The ARTIFACTS store's max age; Infinity when it keeps objects forever. */
async function artifactsRetentionMs(nc: NatsConnection): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(`OBJ_${OBJECT_STORES.artifacts}`);
  const nanos = info.config.max_age;
  return nanos > 0 ? nanos / 1e6 : Infinity;
}

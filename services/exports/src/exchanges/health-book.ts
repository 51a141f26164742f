import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, type ExchangeHealthRecord, type ExchangeStatus } from '@wadm/contracts';
import { isCasConflict } from '@wadm/runtime';
import type { ExchangeProbe } from './probe.js';

/** A status change one probe decided (its write won the compare-and-set). */
export interface StatusChange {
  record: ExchangeHealthRecord;
  from: ExchangeStatus | null;
}

/** Attempts of one record before giving the write up to the probes racing it. */
const WRITE_ATTEMPTS = 5;

/**
 * EXCHANGE_HEALTH: each exchange's last probe and when its status last changed. Every write is
 * compare-and-set on the revision read, so when two probes (two workers, a retry) see the same
 * change, one write makes it and the other finds the status already changed: one event and one
 * notification per change.
 */
export class HealthBook {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<HealthBook> {
    return new HealthBook(await new Kvm(nc).open(BUCKETS.exchangeHealth));
  }

  /**
   * Stores a probe made at `checkedAt`. A probe older than the stored one changes nothing.
   * @returns the change when this write moved the status, else null.
   */
  async record(probe: ExchangeProbe, checkedAt: string): Promise<StatusChange | null> {
    for (let attempt = 1; ; attempt++) {
      const entry = await this.kv.get(probe.name);
      const current = entry?.operation === 'PUT' ? entry.json<ExchangeHealthRecord>() : null;
      if (current && Date.parse(current.checkedAt) > Date.parse(checkedAt)) return null;
      const changed = current?.status !== probe.status;
      const record: ExchangeHealthRecord = {
        v: 1,
        name: probe.name,
        status: probe.status,
        latencyMs: probe.latencyMs,
        httpStatus: probe.httpStatus,
        ...(probe.error === undefined ? {} : { error: probe.error }),
        checkedAt,
        changedAt: changed || !current ? checkedAt : current.changedAt,
        previous: changed ? (current?.status ?? null) : current.previous,
      };
      try {
        const value = JSON.stringify(record);
        if (entry) await this.kv.update(probe.name, value, entry.revision);
        else await this.kv.create(probe.name, value);
        return changed ? { record, from: current?.status ?? null } : null;
      } catch (err) {
        if (!isCasConflict(err) || attempt >= WRITE_ATTEMPTS) throw err;
      }
    }
  }

  /** Every exchange's record, by name. */
  async all(): Promise<ExchangeHealthRecord[]> {
    const names: string[] = [];
    for await (const key of await this.kv.keys()) names.push(key);
    const out: ExchangeHealthRecord[] = [];
    for (const name of names.sort()) {
      const entry = await this.kv.get(name);
      if (entry?.operation === 'PUT') out.push(entry.json<ExchangeHealthRecord>());
    }
    return out;
  }
}

import { hostname } from 'node:os';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, type WorkerHeartbeat } from '@wadm/contracts';
import { isoNow } from '../time.js';

export type HeartbeatStats = Omit<
  WorkerHeartbeat,
  'hostname' | 'pid' | 'startedAt' | 'ts' | 'rssBytes'
>;

/** Puts the worker's stats in WORKERS every interval; the bucket's TTL expires dead workers. */
export class Heartbeat {
  private readonly startedAt = isoNow();
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly kv: KV,
    private readonly stats: () => HeartbeatStats,
  ) {}

  static async start(
    nc: NatsConnection,
    intervalMs: number,
    stats: () => HeartbeatStats,
  ): Promise<Heartbeat> {
    const hb = new Heartbeat(await new Kvm(nc).open(BUCKETS.workers), stats);
    await hb.beat();
    hb.timer = setInterval(() => void hb.beat(), intervalMs);
    return hb;
  }

  private key(): string {
    const { service, instance } = this.stats();
    return `${service}.${instance}`;
  }

  private async beat(): Promise<void> {
    const value: WorkerHeartbeat = {
      ...this.stats(),
      hostname: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      ts: isoNow(),
      rssBytes: process.memoryUsage.rss(),
    };
    try {
      await this.kv.put(this.key(), JSON.stringify(value));
    } catch {
      // NATS unreachable for now; the next beat tries again.
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    try {
      await this.kv.delete(this.key());
    } catch {
      // Gone with the connection: the TTL removes it.
    }
  }
}

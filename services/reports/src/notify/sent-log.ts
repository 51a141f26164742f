import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, stateKey } from '@wadm/contracts';

/**
 * The NOTIFY_SENT bucket: what each task delivered, written right after the delivery and
 * before the task is acked. A redelivered task (its worker died, or its ack was lost) finds it
 * and returns the first attempt's result instead of mailing or posting again.
 */
export class SentLog {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<SentLog> {
    return new SentLog(await new Kvm(nc).open(BUCKETS.notifySent));
  }

  /** The recorded delivery of a task, if there was one. Keys are a task state's key. */
  async get<T>(owner: string, taskId: string): Promise<T | undefined> {
    const entry = await this.kv.get(stateKey(owner, taskId));
    return entry && entry.operation === 'PUT' ? entry.json<T>() : undefined;
  }

  async record(owner: string, taskId: string, value: unknown): Promise<void> {
    await this.kv.put(stateKey(owner, taskId), JSON.stringify(value));
  }
}

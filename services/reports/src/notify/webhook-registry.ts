import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, stateKey, type WebhookRegistration } from '@wadm/contracts';

/**
 * The WEBHOOKS bucket as the worker reads it: a registration is looked up at delivery time, so
 * a destination deleted after the task was submitted is not posted to.
 */
export class WebhookRegistry {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<WebhookRegistry> {
    return new WebhookRegistry(await new Kvm(nc).open(BUCKETS.webhooks));
  }

  async find(owner: string, id: string): Promise<WebhookRegistration | undefined> {
    const entry = await this.kv.get(stateKey(owner, id));
    return entry && entry.operation === 'PUT' ? entry.json<WebhookRegistration>() : undefined;
  }
}

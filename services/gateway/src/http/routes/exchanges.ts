import type Router from '@koa/router';
import { Type } from '@sinclair/typebox';
import { Kvm, type KV } from '@nats-io/kv';
import { BUCKETS, ExchangeHealthRecord } from '@wadm/contracts';
import type { ApiServices } from '../api-services.js';

export const ExchangeHealthList = Type.Object({
  /** By name; an exchange appears once `maintenance.exchange_health` has probed it. */
  exchanges: Type.Array(ExchangeHealthRecord),
});

/** Exchange health, as `maintenance.exchange_health` keeps it: readable by any user. */
export function exchangeRoutes(router: Router, s: ApiServices): void {
  let opened: Promise<KV> | undefined;
  const bucket = (): Promise<KV> => {
    opened ??= new Kvm(s.deps.nc).open(BUCKETS.exchangeHealth).catch((err: unknown) => {
      opened = undefined;
      throw err;
    });
    return opened;
  };

  router.get('/exchanges/health', async (ctx) => {
    const kv = await bucket();
    const names: string[] = [];
    for await (const key of await kv.keys()) names.push(key);
    const exchanges: ExchangeHealthRecord[] = [];
    for (const name of names.sort()) {
      const entry = await kv.get(name);
      if (entry?.operation === 'PUT') exchanges.push(entry.json<ExchangeHealthRecord>());
    }
    ctx.body = { exchanges };
  });
}

import { ErrorCode } from '@wadm/contracts';
import { NonRetryableError, type TaskHandler } from '@wadm/runtime';
import type { ExportsEnv } from '../env.js';
import { probeExchange } from '../exchanges/probe.js';

type ExchangeEnv = Pick<ExportsEnv, 'exchanges' | 'exchangeTimeoutMs' | 'exchangeSlowMs'>;

/** `maintenance.exchange_health`: probes every exchange asked for at once. */
export function createExchangeHealthHandler(
  env: ExchangeEnv,
): TaskHandler<'maintenance.exchange_health'> {
  return async ({ params, signal, progress }) => {
    const names = [...new Set(params.exchanges)];
    const unknown = names.filter((name) => !Object.hasOwn(env.exchanges, name));
    if (unknown.length > 0) {
      throw new NonRetryableError(
        `no URL configured for ${unknown.join(', ')}; WADM_EXCHANGES has ${Object.keys(env.exchanges).join(', ')}`,
        {
          code: ErrorCode.VALIDATION_FAILED,
          fields: [{ path: '/params/exchanges', message: `unknown: ${unknown.join(', ')}` }],
        },
      );
    }
    const checkedAt = new Date().toISOString();
    let done = 0;
    const exchanges = await Promise.all(
      names.map(async (name) => {
        const probe = await probeExchange(name, env.exchanges[name] as string, {
          timeoutMs: env.exchangeTimeoutMs,
          slowMs: env.exchangeSlowMs,
          signal,
        });
        progress(++done / names.length, `${name}: ${probe.status}`);
        return probe;
      }),
    );
    return { checkedAt, exchanges };
  };
}

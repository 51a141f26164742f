import { ErrorCode } from '@wadm/contracts';
import { NonRetryableError, type TaskHandler } from '@wadm/runtime';
import type { ExportsEnv } from '../env.js';
import type { HealthBook } from '../exchanges/health-book.js';
import { probeExchange } from '../exchanges/probe.js';
import { announceChange, type StatusAlertDeps } from '../exchanges/status-alerts.js';

type ExchangeEnv = Pick<ExportsEnv, 'exchanges' | 'exchangeTimeoutMs' | 'exchangeSlowMs'>;

/** Where probes are kept and changes told; without it the handler only probes. */
export interface HealthTracking extends StatusAlertDeps {
  book: HealthBook;
}

/**
 * `maintenance.exchange_health`: probes every exchange asked for (all configured ones when the
 * params name none) at once, then keeps each probe in EXCHANGE_HEALTH and tells of the status
 * changes it made (see {@link announceChange}).
 */
export function createExchangeHealthHandler(
  env: ExchangeEnv,
  tracking?: HealthTracking,
): TaskHandler<'maintenance.exchange_health'> {
  return async ({ params, signal, progress }) => {
    const names = [...new Set(params.exchanges ?? Object.keys(env.exchanges))];
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
    if (tracking) {
      for (const probe of exchanges) {
        const change = await tracking.book.record(probe, checkedAt);
        if (change) await announceChange(tracking, change);
      }
    }
    return { checkedAt, exchanges };
  };
}

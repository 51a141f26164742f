import type { NatsConnection } from '@nats-io/transport-node';
import {
  subjects,
  SYSTEM_OWNER,
  type EmailParams,
  type ExchangeStatusEvent,
} from '@wadm/contracts';
import type { Logger, TaskClient } from '@wadm/runtime';
import type { StatusChange } from './health-book.js';

export interface StatusAlertDeps {
  nc: NatsConnection;
  client: TaskClient;
  logger: Logger;
  /** WADM_ADMIN_EMAILS: who is mailed when an exchange goes down or comes back. */
  adminEmails: readonly string[];
}

/** Whether a change is worth a mail: going down (a first probe included), or back from down. */
export function isOutageChange(change: StatusChange): boolean {
  return change.record.status === 'down' ? change.from !== 'down' : change.from === 'down';
}

function mailOf(change: StatusChange, to: readonly string[]): EmailParams {
  const { record, from } = change;
  const down = record.status === 'down';
  const subject = down
    ? `[WADM] exchange ${record.name} is down`
    : `[WADM] exchange ${record.name} is ${record.status} again`;
  const lines = [
    `${record.name}: ${from} → ${record.status} at ${record.changedAt}.`,
    record.error
      ? `Probe: ${record.error}.`
      : `Probe: HTTP ${record.httpStatus} in ${record.latencyMs} ms.`,
    down ? 'You will be mailed again when it answers.' : '',
  ];
  return { to: [...to], subject, text: lines.filter(Boolean).join('\n') };
}

/**
 * Tells of one status change: an `exchange.status.<name>` event for anyone listening, and, for
 * an outage starting or ending, a `notify.email` to the admins owned by the system. The mail's
 * idempotency key is the exchange and the change's time, so a repeat of this call (a retried
 * probe task) submits no second mail.
 */
export async function announceChange(deps: StatusAlertDeps, change: StatusChange): Promise<void> {
  const { record, from } = change;
  const event: ExchangeStatusEvent = {
    v: 1,
    name: record.name,
    from,
    to: record.status,
    at: record.changedAt,
    latencyMs: record.latencyMs,
    httpStatus: record.httpStatus,
    ...(record.error === undefined ? {} : { error: record.error }),
  };
  deps.nc.publish(subjects.exchangeStatus(record.name), JSON.stringify(event));
  deps.logger.info({ exchange: record.name, from, to: record.status }, 'exchange status changed');
  if (!isOutageChange(change)) return;
  if (deps.adminEmails.length === 0) {
    deps.logger.warn({ exchange: record.name }, 'no WADM_ADMIN_EMAILS: outage change not mailed');
    return;
  }
  const { state } = await deps.client.submit({
    type: 'notify.email',
    params: mailOf(change, deps.adminEmails),
    owner: SYSTEM_OWNER,
    priority: 'high',
    idempotencyKey: `exchange-${record.name}@${record.changedAt}`,
  });
  deps.logger.info({ exchange: record.name, task: state.id }, 'admins notified');
}

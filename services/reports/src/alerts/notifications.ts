import type { AlertRule, AlertState, EmailParams, WebhookParams } from '@wadm/contracts';
import type { SubmitRequest } from '@wadm/runtime';
import { describeCondition } from './conditions.js';

type Trigger = NonNullable<AlertState['lastTrigger']>;

/**
 * The `notify.*` tasks of one trigger, owned by the rule's owner. Their idempotency keys derive
 * from the trigger's key, so submitting them again (a redelivered evaluation, a concurrent one)
 * returns the same tasks: a trigger is notified once.
 */
export function notificationsFor(rule: AlertRule, trigger: Trigger, bar: number): SubmitRequest[] {
  const what = `${rule.symbol} ${rule.timeframe} ${describeCondition(rule.condition)}`;
  const title = rule.name ? `${rule.name}: ${what}` : what;
  const barTime = new Date(bar).toISOString();
  const requests: SubmitRequest[] = [];
  if (rule.channels.email && rule.email) {
    const params: EmailParams = {
      to: [rule.email],
      subject: `WADM alert: ${title}`.slice(0, 200),
      text:
        `${what}.\n\nValue: ${formatValue(trigger.value)}\nBar: ${barTime}\n` +
        `Triggered: ${trigger.at}\nRule: ${rule.id} (cool-down ${rule.cooldownSeconds} s)\n`,
    };
    requests.push({
      type: 'notify.email',
      owner: rule.owner,
      params,
      idempotencyKey: `${trigger.key}-email`,
    });
  }
  if (rule.channels.webhook) {
    const params: WebhookParams = {
      webhook: rule.channels.webhook,
      body: {
        event: 'alert.triggered',
        alert: {
          id: rule.id,
          name: rule.name ?? null,
          symbol: rule.symbol,
          timeframe: rule.timeframe,
          condition: rule.condition,
        },
        trigger: trigger.key,
        value: trigger.value,
        bar: barTime,
        triggeredAt: trigger.at,
      },
    };
    requests.push({
      type: 'notify.webhook',
      owner: rule.owner,
      params,
      idempotencyKey: `${trigger.key}-webhook`,
    });
  }
  return requests;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/0+$/, '');
}

import { randomBytes, randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import { rsi } from '@wadm/analysis';
import {
  BUCKETS,
  type AlertCondition,
  type AlertRule,
  type AlertsEvaluateResult,
  type AlertState,
  type TaskState,
  type WebhookRegistration,
} from '@wadm/contracts';
import { allocateCandles, ObjectCandleStore } from '@wadm/market-data';
import { idempotentId } from '@wadm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/webhook/signature.js';
import {
  startHarness,
  startTestReceiver,
  startTestSmtp,
  type ServiceHarness,
  type TestReceiver,
  type TestSmtp,
} from './harness.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);

describe('reports service - alerts.evaluate', () => {
  let h: ServiceHarness;
  let smtp: TestSmtp;
  let hooks: TestReceiver;
  let store: ObjectCandleStore;
  let rules: KV;
  let states: KV;
  let webhooks: KV;
  beforeAll(async () => {
    [h, smtp, hooks] = await Promise.all([startHarness(), startTestSmtp(), startTestReceiver()]);
    await h.startService({
      WADM_SMTP_URL: smtp.url,
      WADM_WEBHOOK_ALLOW: `127.0.0.1:${hooks.port}`,
    });
    store = await ObjectCandleStore.open(h.nc);
    const kvm = new Kvm(h.nc);
    [rules, states, webhooks] = await Promise.all([
      kvm.open(BUCKETS.alerts),
      kvm.open(BUCKETS.alertState),
      kvm.open(BUCKETS.webhooks),
    ]);
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    await hooks?.close();
  });

  /** A fresh series; `bar(close)` appends the next hourly bar. */
  function series(symbol: string) {
    let n = 0;
    return async (...closes: number[]) => {
      const c = allocateCandles(closes.length);
      closes.forEach((close, i) => {
        c.time[i] = T0 + (n + i) * HOUR;
        c.open[i] = close;
        c.high[i] = close * 1.001;
        c.low[i] = close * 0.999;
        c.close[i] = close;
        c.volume[i] = 1;
      });
      n += closes.length;
      await store.putCandles(symbol, '1h', c);
    };
  }

  async function saveRule(
    owner: string,
    symbol: string,
    condition: AlertCondition,
    extra: Partial<AlertRule> = {},
  ): Promise<AlertRule> {
    const now = new Date().toISOString();
    const rule: AlertRule = {
      id: randomUUID().slice(0, 8),
      owner,
      symbol,
      timeframe: '1h',
      condition,
      channels: { email: true },
      email: `${owner}@example.com`,
      cooldownSeconds: 0,
      enabled: true,
      createdAt: now,
      updatedAt: now,
      ...extra,
    };
    await rules.put(`${owner}.${rule.id}`, JSON.stringify(rule));
    return rule;
  }

  async function register(owner: string, path: string): Promise<WebhookRegistration> {
    const hook: WebhookRegistration = {
      id: randomUUID().slice(0, 8),
      owner,
      url: `${hooks.url}${path}`,
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      createdAt: new Date().toISOString(),
    };
    await webhooks.put(`${owner}.${hook.id}`, JSON.stringify(hook));
    return hook;
  }

  async function evaluate(owner: string): Promise<AlertsEvaluateResult> {
    const task = (await h.client.submit({ type: 'alerts.evaluate', params: { owner } })).state;
    const done = await h.finished(task);
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCESS');
    return done.result as AlertsEvaluateResult;
  }

  /** The notification of a rule's `n`th trigger on `channel`, once it finished. */
  function notification(rule: AlertRule, n: number, channel: 'email' | 'webhook') {
    const id = idempotentId(rule.owner, `alert-${rule.id}-${n}-${channel}`);
    return h.client.waitFor(rule.owner, id, { timeoutMs: 30_000 });
  }

  async function stateOf(rule: AlertRule): Promise<AlertState | undefined> {
    const entry = await states.get(`${rule.owner}.${rule.id}`);
    return entry?.operation === 'PUT' ? entry.json<AlertState>() : undefined;
  }

  const mailsTo = (owner: string) =>
    smtp.mails.filter((m) => m.to && JSON.stringify(m.to).includes(`${owner}@example.com`));

  it('alerts.evaluate - a crossing triggers once, not again until it re-arms; the cool-down holds', async () => {
    const owner = `a${randomUUID().slice(0, 8)}`;
    const bar = series('ALERTAUSDT');
    await bar(95, 97, 98);
    const hook = await register(owner, `/ok/${owner}`);
    const held = await saveRule(
      owner,
      'ALERTAUSDT',
      { kind: 'price_cross', direction: 'up', level: 100 },
      { channels: { email: true, webhook: hook.id }, cooldownSeconds: 3600 },
    );
    const eager = await saveRule(
      owner,
      'ALERTAUSDT',
      { kind: 'price_cross', direction: 'up', level: 100 },
      { channels: { webhook: hook.id }, cooldownSeconds: 0 },
    );

    // First look: below the level, armed; nothing has crossed yet.
    expect(await evaluate(owner)).toMatchObject({ rules: 2, triggered: 0, notifications: 0 });
    await bar(101);
    expect(await evaluate(owner)).toMatchObject({ triggered: 2, suppressed: 0, notifications: 3 });
    const [mail, heldHook, eagerHook] = await Promise.all([
      notification(held, 1, 'email'),
      notification(held, 1, 'webhook'),
      notification(eager, 1, 'webhook'),
    ]);
    for (const t of [mail, heldHook, eagerHook]) expect(t.status).toBe('SUCCESS');
    expect(mailsTo(owner)).toHaveLength(1);
    expect(mailsTo(owner)[0]?.subject).toContain('ALERTAUSDT 1h close crossed above 100');
    expect(mailsTo(owner)[0]?.text).toContain('Value: 101');

    const posts = hooks.received.filter((r) => r.path === `/ok/${owner}`);
    expect(posts).toHaveLength(2);
    for (const post of posts) {
      const headers = {
        signature: String(post.headers['x-wadm-signature']),
        timestamp: String(post.headers['x-wadm-timestamp']),
      };
      // Signed with the destination's own secret, not the service's.
      expect(verifyWebhook(hook.secret, headers, post.body)).toBe(true);
      expect(JSON.parse(post.body)).toMatchObject({
        event: 'alert.triggered',
        alert: { symbol: 'ALERTAUSDT', condition: { level: 100 } },
        value: 101,
        bar: new Date(T0 + 3 * HOUR).toISOString(),
      });
    }

    // Still above: no new crossing, whatever the cool-down.
    expect(await evaluate(owner)).toMatchObject({ triggered: 0, notifications: 0 });
    await bar(102);
    expect(await evaluate(owner)).toMatchObject({ triggered: 0, notifications: 0 });
    // Back below re-arms; the next crossing triggers both, but `held` is inside its cool-down.
    await bar(99);
    expect(await evaluate(owner)).toMatchObject({ triggered: 0, notifications: 0 });
    await bar(103);
    expect(await evaluate(owner)).toMatchObject({ triggered: 1, suppressed: 1, notifications: 1 });
    expect((await notification(eager, 2, 'webhook')).status).toBe('SUCCESS');

    expect(mailsTo(owner)).toHaveLength(1);
    expect(hooks.received.filter((r) => r.path === `/ok/${owner}`)).toHaveLength(3);
    expect(await stateOf(held)).toMatchObject({ triggers: 1, suppressed: 1, armed: false });
    expect(await stateOf(eager)).toMatchObject({ triggers: 2, suppressed: 0, armed: false });
    expect((await stateOf(eager))?.lastTrigger).toMatchObject({ notified: true, value: 103 });
  });

  it('alerts.evaluate - a trigger left unconfirmed by a dead run is notified once by the next run', async () => {
    const owner = `b${randomUUID().slice(0, 8)}`;
    const bar = series('ALERTBUSDT');
    await bar(60, 58);
    const sent = await saveRule(owner, 'ALERTBUSDT', {
      kind: 'price_cross',
      direction: 'down',
      level: 50,
    });
    await evaluate(owner);
    await bar(45);
    expect(await evaluate(owner)).toMatchObject({ triggered: 1, notifications: 1 });
    expect((await notification(sent, 1, 'email')).status).toBe('SUCCESS');

    // A run that died after submitting but before marking the trigger notified.
    const left = (await stateOf(sent)) as AlertState;
    const unconfirmed = { ...left, lastTrigger: { ...left.lastTrigger!, notified: false } };
    await states.put(`${owner}.${sent.id}`, JSON.stringify(unconfirmed));
    // A run that died right after writing the trigger, before submitting anything.
    const never = await saveRule(owner, 'ALERTBUSDT', {
      kind: 'price_cross',
      direction: 'down',
      level: 50,
    });
    const neverState: AlertState = {
      ...unconfirmed,
      ruleVersion: never.updatedAt,
      triggers: 1,
      lastTrigger: { ...unconfirmed.lastTrigger, key: `alert-${never.id}-1` },
    };
    await states.put(`${owner}.${never.id}`, JSON.stringify(neverState));

    expect(await evaluate(owner)).toMatchObject({ triggered: 0, notifications: 1 });
    expect((await notification(never, 1, 'email')).status).toBe('SUCCESS');
    expect(await evaluate(owner)).toMatchObject({ triggered: 0, notifications: 0 });
    expect(mailsTo(owner)).toHaveLength(2);
    expect((await stateOf(sent))?.lastTrigger?.notified).toBe(true);
    expect((await stateOf(never))?.lastTrigger?.notified).toBe(true);
  });

  it('alerts.evaluate - RSI, change over a window and a break of structure trigger on their crossing', async () => {
    const owner = `c${randomUUID().slice(0, 8)}`;
    const bar = series('ALERTCUSDT');
    // Falling: RSI low, no rise, lows only; then a swing high at 90 to be broken.
    const falling = Array.from({ length: 40 }, (_, i) => 100 - i * 0.5);
    await bar(...falling, 85, 90, 86, 87);
    const rsiRule = await saveRule(owner, 'ALERTCUSDT', {
      kind: 'rsi',
      direction: 'above',
      level: 70,
      period: 14,
    });
    const change = await saveRule(owner, 'ALERTCUSDT', {
      kind: 'change_pct',
      direction: 'up',
      percent: 5,
      bars: 3,
    });
    const bos = await saveRule(owner, 'ALERTCUSDT', {
      kind: 'structure_break',
      direction: 'bullish',
      lookback: 1,
    });
    expect(await evaluate(owner)).toMatchObject({ rules: 3, triggered: 0, noData: 0 });

    const rising = [92, 96, 100];
    await bar(...rising);
    const before = [...falling, 85, 90, 86, 87];
    // The premise, from the same code the service uses: RSI has just gone above 70.
    expect(rsi(Float64Array.from(before), 14).at(-1)).toBeLessThan(70);
    expect(rsi(Float64Array.from([...before, ...rising]), 14).at(-1)).toBeGreaterThan(70);
    expect(await evaluate(owner)).toMatchObject({ triggered: 3, notifications: 3 });
    for (const r of [rsiRule, change, bos]) {
      expect((await notification(r, 1, 'email')).status).toBe('SUCCESS');
    }
    // The first close above the swing high at 90 (bar 41): bar 44.
    expect((await stateOf(bos))?.value).toBe(T0 + 44 * HOUR);
    expect(await evaluate(owner)).toMatchObject({ triggered: 0 });
  });

  it('alerts.evaluate - rules on a series without candles are counted, not failed', async () => {
    const owner = `d${randomUUID().slice(0, 8)}`;
    await saveRule(owner, 'NOSUCHUSDT', { kind: 'price_cross', direction: 'up', level: 1 });
    await saveRule(
      owner,
      'NOSUCHUSDT',
      { kind: 'price_cross', direction: 'up', level: 1 },
      {
        enabled: false,
      },
    );
    expect(await evaluate(owner)).toMatchObject({ rules: 1, noData: 1, series: 0, triggered: 0 });
  });

  it('alerts.evaluate - the state of a deleted rule is removed by the next run', async () => {
    const owner = `f${randomUUID().slice(0, 8)}`;
    const bar = series('ALERTFUSDT');
    await bar(10, 11);
    const gone = await saveRule(owner, 'ALERTFUSDT', {
      kind: 'price_cross',
      direction: 'up',
      level: 20,
    });
    await evaluate(owner);
    expect(await stateOf(gone)).toMatchObject({ armed: true });
    await rules.delete(`${owner}.${gone.id}`);
    expect(await evaluate(owner)).toMatchObject({ rules: 0 });
    expect(await stateOf(gone)).toBeUndefined();
  });

  it('notify.webhook - a destination deleted after submission is not posted to', async () => {
    const owner = `e${randomUUID().slice(0, 8)}`;
    const hook = await register(owner, `/ok/${owner}`);
    const task: TaskState = (
      await h.client.submit({
        type: 'notify.webhook',
        owner,
        params: { webhook: hook.id, body: { n: 1 } },
        notBefore: new Date(Date.now() + 1_000).toISOString(),
      })
    ).state;
    await webhooks.delete(`${owner}.${hook.id}`);
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'WEBHOOK_NOT_REGISTERED', retryable: false });
    expect(hooks.received.filter((r) => r.path === `/ok/${owner}`)).toHaveLength(0);
  });
});

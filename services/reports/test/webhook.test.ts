import { TASK_CATALOG, validate } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/webhook/signature.js';
import {
  startHarness,
  startTestReceiver,
  WEBHOOK_SECRET,
  type ServiceHarness,
  type TestReceiver,
} from './harness.js';

describe('reports service - notify.webhook', () => {
  let h: ServiceHarness;
  let hooks: TestReceiver;
  beforeAll(async () => {
    [h, hooks] = await Promise.all([startHarness(), startTestReceiver()]);
    // Every test server is on loopback: only the receiver's own host:port is let through.
    await h.startService({
      WADM_WEBHOOK_ALLOW: `127.0.0.1:${hooks.port}`,
      WADM_WEBHOOK_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    await h?.close();
    await hooks?.close();
  });

  const hits = (path: string) => hooks.received.filter((r) => r.path === path);

  it('notify.webhook - POSTs JSON to an allow-listed local receiver, signed so that it can verify it', async () => {
    const body = { event: 'price_alert', symbol: 'BTCUSDT', price: 100_250.5 };
    const task = await h.submit('notify.webhook', {
      url: `${hooks.url}/ok?signed=1`,
      body,
      headers: { 'X-Tenant': 'desk-7' },
    });
    const done = await h.finished(task);
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCESS');
    expect(validate(TASK_CATALOG['notify.webhook'].result, done.result)).toEqual([]);
    expect(done.result).toMatchObject({ status: 200, address: '127.0.0.1', alreadySent: false });
    const [hit, ...more] = hits('/ok?signed=1');
    expect(more).toHaveLength(0);
    expect(JSON.parse(hit?.body ?? '')).toEqual(body);
    expect(hit?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-tenant': 'desk-7',
      'x-wadm-task-id': task.id,
    });
    const signature = String(hit?.headers['x-wadm-signature']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const headers = { signature, timestamp: String(hit?.headers['x-wadm-timestamp']) };
    expect(verifyWebhook(WEBHOOK_SECRET, headers, hit?.body ?? '')).toBe(true);
    expect(verifyWebhook('another-secret-another-secret-00', headers, hit?.body ?? '')).toBe(false);
    expect(verifyWebhook(WEBHOOK_SECRET, headers, `${hit?.body ?? ''} `)).toBe(false);
  });

  it('notify.webhook - loopback, link-local metadata and localhost are refused unless allow-listed', async () => {
    const targets = [
      ['http://127.0.0.1:1/hook', '127.0.0.1', 'loopback'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'link-local'],
      [`http://localhost:${hooks.port}/ok`, '', 'loopback'],
      ['http://[::ffff:7f00:1]:80/hook', '::ffff:7f00:1', 'loopback'],
      ['http://10.1.2.3/hook', '10.1.2.3', 'private'],
    ] as const;
    const tasks = await Promise.all(
      targets.map(([url]) => h.submit('notify.webhook', { url, body: {} })),
    );
    for (const [i, task] of tasks.entries()) {
      const [, address, kind] = targets[i] ?? [];
      const done = await h.finished(task);
      expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
      expect(done.error).toMatchObject({ code: 'WEBHOOK_ADDRESS_REFUSED', retryable: false });
      expect(done.error?.message).toContain(`${address}`);
      expect(done.error?.message).toContain(`(${kind})`);
    }
    expect(hits(`/ok`).filter((r) => r.headers.host?.startsWith('localhost'))).toHaveLength(0);
  });

  it('notify.webhook - a 5xx answer is retried and delivered once', async () => {
    const task = await h.submit('notify.webhook', { url: `${hooks.url}/flaky`, body: { n: 1 } });
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 2, result: { status: 200 } });
    const mine = hits('/flaky').filter((r) => r.headers['x-wadm-task-id'] === task.id);
    expect(mine).toHaveLength(2);
  });

  it('notify.webhook - a timeout is retried (WADM_WEBHOOK_TIMEOUT_MS)', async () => {
    const task = await h.submit('notify.webhook', { url: `${hooks.url}/slow`, body: { n: 2 } });
    const retrying = await h.client.waitFor(task.owner, task.id, {
      until: (s) => s.status === 'RETRY',
      timeoutMs: 20_000,
    });
    expect(retrying.error).toMatchObject({ code: 'WEBHOOK_UNAVAILABLE', retryable: true });
    expect(retrying.error?.message).toContain('500 ms');
    expect(await h.finished(task)).toMatchObject({ status: 'SUCCESS', attempts: 2 });
  });

  it('notify.webhook - a 4xx answer fails at once, into the DLQ', async () => {
    const task = await h.submit('notify.webhook', { url: `${hooks.url}/bad`, body: {} });
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'WEBHOOK_REJECTED', retryable: false });
    expect(done.error?.message).toContain('400: no such hook');
    const letters = (await h.dlq.list()).filter((d) => d.letter.taskId === task.id);
    expect(letters).toHaveLength(1);
  });

  it('notify.webhook - a redirect is not followed and names its Location', async () => {
    const task = await h.submit('notify.webhook', { url: `${hooks.url}/moved`, body: {} });
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'WEBHOOK_REDIRECTED', retryable: false });
    expect(done.error?.message).toContain('http://169.254.169.254/latest/meta-data/');
  });

  it('notify.email - without WADM_SMTP_URL fails at once with SMTP_NOT_CONFIGURED', async () => {
    const task = await h.submit('notify.email', { to: ['a@example.com'], subject: 's', text: 't' });
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'SMTP_NOT_CONFIGURED', retryable: false });
  });

  it('notify.webhook - headers that would replace the signature are refused', async () => {
    const task = await h.submit('notify.webhook', {
      url: `${hooks.url}/ok?forged=1`,
      body: {},
      headers: { 'X-WADM-Signature': 'sha256=00', Host: 'internal' },
    });
    const done = await h.finished(task);
    expect(done.error).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false });
    expect(done.error?.fields?.map((f) => f.path)).toEqual([
      '/params/headers/X-WADM-Signature',
      '/params/headers/Host',
    ]);
    expect(hits('/ok?forged=1')).toHaveLength(0);
  });
});

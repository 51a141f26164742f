import { TASK_CATALOG, validate } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startTestSmtp, type ServiceHarness, type TestSmtp } from './harness.js';

describe('reports service - notify.email', () => {
  let h: ServiceHarness;
  let smtp: TestSmtp;
  beforeAll(async () => {
    [h, smtp] = await Promise.all([startHarness(), startTestSmtp()]);
    await h.startService({
      WADM_SMTP_URL: smtp.url,
      WADM_MAIL_FROM: 'WADM <alerts@wadm.test>',
      WADM_WEBHOOK_SECRET: '',
    });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  const mailsWith = (subject: string) => smtp.mails.filter((m) => m.subject === subject);

  it('notify.email - sends text and HTML from WADM_MAIL_FROM with a Message-ID of the task', async () => {
    const task = await h.submit('notify.email', {
      to: ['ops@example.com', 'desk@example.com'],
      subject: 'BTC crossed 100k',
      text: 'BTCUSDT closed at 100,250.',
      html: '<p>BTCUSDT closed at <b>100,250</b>.</p>',
    });
    const done = await h.finished(task);
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCESS');
    expect(validate(TASK_CATALOG['notify.email'].result, done.result)).toEqual([]);
    expect(done.result).toMatchObject({
      accepted: ['ops@example.com', 'desk@example.com'],
      rejected: [],
      alreadySent: false,
    });
    const [mail, ...more] = mailsWith('BTC crossed 100k');
    expect(more).toHaveLength(0);
    expect(mail?.from?.value).toEqual([{ name: 'WADM', address: 'alerts@wadm.test' }]);
    expect(mail?.text?.trim()).toBe('BTCUSDT closed at 100,250.');
    expect(mail?.html).toContain('<b>100,250</b>');
    const messageId = (done.result as { messageId: string }).messageId;
    expect(mail?.messageId).toBe(messageId);
    expect(messageId).toMatch(new RegExp(`^<${task.id}\\.[0-9a-f]{12}@wadm\\.test>$`));
  });

  it('notify.email - a 4xx answer is retried, and the mail arrives once', async () => {
    const task = await h.submit('notify.email', {
      to: ['tempfail@example.com'],
      subject: 'deferred once',
      text: 'second time lucky',
    });
    const retrying = await h.client.waitFor(task.owner, task.id, {
      until: (s) => s.status === 'RETRY',
      timeoutMs: 20_000,
    });
    expect(retrying.error).toMatchObject({ code: 'SMTP_UNAVAILABLE', retryable: true });
    expect(retrying.error?.message).toContain('451');
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 2 });
    expect(mailsWith('deferred once')).toHaveLength(1);
  });

  it('notify.email - a 5xx rejection fails at once into the DLQ, and nothing is sent', async () => {
    const task = await h.submit('notify.email', {
      to: ['reject@example.com'],
      subject: 'never delivered',
      text: 'nobody home',
    });
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'SMTP_REJECTED', retryable: false });
    expect(done.error?.message).toContain('550');
    const letters = (await h.dlq.list()).filter((d) => d.letter.taskId === task.id);
    expect(letters).toHaveLength(1);
    expect(mailsWith('never delivered')).toHaveLength(0);
  });

  it('notify.webhook - without WADM_WEBHOOK_SECRET nothing is posted: WEBHOOK_NOT_CONFIGURED', async () => {
    const task = await h.submit('notify.webhook', { url: 'https://example.com/hook', body: {} });
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'WEBHOOK_NOT_CONFIGURED', retryable: false });
  });
});

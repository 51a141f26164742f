import type { DailyReportResult } from '@wadm/contracts';
import { ObjectCandleStore, seedDemoData } from '@wadm/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startTestSmtp, type ServiceHarness, type TestSmtp } from './harness.js';

describe('reports service - mail across a worker crash', () => {
  let h: ServiceHarness;
  let smtp: TestSmtp;
  beforeAll(async () => {
    [h, smtp] = await Promise.all([startHarness(), startTestSmtp()]);
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('notify.email - a worker killed after the send and before the ack: the mail is sent once', async () => {
    // The test hook SIGKILLs the worker right after the mail went out and was recorded.
    const doomed = await h.startService({
      WADM_SMTP_URL: smtp.url,
      WADM_ALLOW_CRASH: '1',
      WADM_NOTIFY_CRASH_AFTER_SEND: '1',
    });
    const task = await h.submit('notify.email', {
      to: ['ops@example.com'],
      subject: 'exactly once',
      text: 'one copy only',
    });
    const exit = await doomed.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(smtp.mails.filter((m) => m.subject === 'exactly once')).toHaveLength(1);
    const stranded = await h.client.get(task.owner, task.id);
    expect(stranded?.status).toBe('STARTED');

    const healthy = await h.startService({ WADM_SMTP_URL: smtp.url });
    const done = await h.finished(task);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 2 });
    expect(done.result).toMatchObject({ alreadySent: true, accepted: ['ops@example.com'] });
    expect(smtp.mails.filter((m) => m.subject === 'exactly once')).toHaveLength(1);
    await healthy.stop(); // The next test's task must reach its doomed worker.
  });

  it('reports.daily - a worker killed after mailing the report and before the ack: one mail', async () => {
    await seedDemoData(await ObjectCandleStore.open(h.nc));
    const subject = 'WADM daily market report 2024-03-31';
    const doomed = await h.startService({
      WADM_SMTP_URL: smtp.url,
      WADM_ALLOW_CRASH: '1',
      WADM_NOTIFY_CRASH_AFTER_SEND: '1',
    });
    const task = await h.submit('reports.daily', {
      date: '2024-03-31',
      symbols: ['ETHUSDT'],
      emailTo: ['desk@example.com'],
    });
    expect((await doomed.exited).signal).toBe('SIGKILL');
    expect(smtp.mails.filter((m) => m.subject === subject)).toHaveLength(1);

    await h.startService({ WADM_SMTP_URL: smtp.url });
    const done = await h.finished(task);
    expect(done, JSON.stringify(done.error)).toMatchObject({ status: 'SUCCESS', attempts: 2 });
    const [mail, ...more] = smtp.mails.filter((m) => m.subject === subject);
    expect(more).toHaveLength(0);
    expect((done.result as DailyReportResult).emailed?.messageId).toBe(mail?.messageId);
  });
});

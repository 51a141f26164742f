import type { DailyReportResult } from '@wadm/contracts';
import { ObjectCandleStore, seedDemoData } from '@wadm/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startTestSmtp, type ServiceHarness, type TestSmtp } from './harness.js';

describe('reports service - reports.daily too large to attach', () => {
  let h: ServiceHarness;
  let smtp: TestSmtp;
  beforeAll(async () => {
    [h, smtp] = await Promise.all([startHarness(), startTestSmtp()]);
    await seedDemoData(await ObjectCandleStore.open(h.nc));
    await h.startService({
      WADM_SMTP_URL: smtp.url,
      WADM_MAIL_ATTACHMENT_MAX_BYTES: '1000',
      WADM_PUBLIC_URL: 'https://wadm.example.com/',
    });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('reports.daily - a PDF above WADM_MAIL_ATTACHMENT_MAX_BYTES is linked, not attached', async () => {
    const task = await h.submit('reports.daily', {
      date: '2024-06-30',
      symbols: ['BTCUSDT'],
      emailTo: ['desk@example.com'],
    });
    const done = await h.finished(task);
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCESS');
    const result = done.result as DailyReportResult;
    expect(result.bytes).toBeGreaterThan(1000);
    const mails = smtp.mails.filter((m) => m.messageId === result.emailed?.messageId);
    expect(mails).toHaveLength(1);
    const url = `https://wadm.example.com/api/v1/tasks/${task.id}/result`;
    expect(mails[0]?.attachments).toEqual([]);
    expect(mails[0]?.text).toContain(
      `too large to attach: download it (signed in to WADM) from ${url}`,
    );
    expect(mails[0]?.html).toContain(`<a href="${url}">download it</a>`);
  });
});

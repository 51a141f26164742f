import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASK_CATALOG, validate, type DailyReportResult } from '@wadm/contracts';
import { ObjectCandleStore, seedDemoData } from '@wadm/market-data';
import { ArtifactStore } from '@wadm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber } from '../src/pdf/format.js';
import { startHarness, startTestSmtp, type ServiceHarness, type TestSmtp } from './harness.js';

const DATE = '2024-06-30';

describe('reports service - reports.daily', () => {
  let h: ServiceHarness;
  let smtp: TestSmtp;
  let store: ObjectCandleStore;
  let artifacts: ArtifactStore;
  let dir: string;
  beforeAll(async () => {
    [h, smtp, dir] = await Promise.all([
      startHarness(),
      startTestSmtp(),
      mkdtemp(join(tmpdir(), 'wadm-report-')),
    ]);
    store = await ObjectCandleStore.open(h.nc);
    await seedDemoData(store);
    artifacts = await ArtifactStore.open(h.nc);
    await h.startService({ WADM_SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const report = async (params: Record<string, unknown>) => {
    const done = await h.finished(await h.submit('reports.daily', params));
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCESS');
    expect(validate(TASK_CATALOG['reports.daily'].result, done.result)).toEqual([]);
    const result = done.result as DailyReportResult;
    const bytes = await artifacts.get(result.artifact.name);
    if (!bytes) throw new Error(`no artifact ${result.artifact.name}`);
    return { state: done, result, bytes: Buffer.from(bytes) };
  };

  it('reports.daily - a PDF of title, summary and a page per symbol, in ARTIFACTS', async () => {
    const { state, result, bytes } = await report({ date: DATE, symbols: ['BTCUSDT', 'ETHUSDT'] });
    expect(result.artifact).toMatchObject({
      name: `reports/daily/${DATE}/${state.owner}/${state.id}.pdf`,
      contentType: 'application/pdf',
      fileName: `wadm-daily-${DATE}.pdf`,
      size: bytes.length,
    });
    expect(result).toMatchObject({ date: DATE, pages: 4, bytes: bytes.length });
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const file = join(dir, 'report.pdf');
    await writeFile(file, bytes);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/^Pages:\s+4$/m);
    expect(info).toContain(`WADM daily market report ${DATE}`);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const pages = text.split('\f');
    expect(pages[0]).toContain('Daily market report');
    expect(pages[1]).toContain(`Summary ${DATE}`);
    const day = Date.parse(`${DATE}T00:00:00Z`);
    for (const [i, symbol] of ['BTCUSDT', 'ETHUSDT'].entries()) {
      const bars = await store.getCandles(symbol, '1d', day - 86_400_000, day);
      const [prev, bar] = [0, 1].map((k) => ({
        open: bars.open[k] ?? 0,
        high: bars.high[k] ?? 0,
        low: bars.low[k] ?? 0,
        close: bars.close[k] ?? 0,
      }));
      if (!bar || !prev) throw new Error('demo data lacks the day');
      const change = (bar.close / prev.close - 1) * 100;
      const row = pages[1]?.split('\n').find((l) => l.trim().startsWith(symbol)) ?? '';
      const cells = [bar.open, bar.high, bar.low, bar.close].map((v) => formatNumber(v));
      expect(row.trim().split(/\s+/).slice(1, 6)).toEqual([
        ...cells,
        `${change >= 0 ? '+' : '-'}${Math.abs(change).toFixed(2)}%`,
      ]);
      expect(pages[2 + i]).toContain(symbol);
      expect(pages[2 + i]).toContain('Last 90 daily bars');
      expect(pages[2 + i]).toContain(`Close ${formatNumber(bar.close)}`);
    }
  });

  it('reports.daily - the same day and symbols give the same bytes', async () => {
    const first = await report({ date: DATE, symbols: ['ETHUSDT'] });
    const second = await report({ date: DATE, symbols: ['ETHUSDT'] });
    expect(second.result.artifact.name).not.toBe(first.result.artifact.name);
    expect(second.result.sha256).toBe(first.result.sha256);
    expect(second.bytes.equals(first.bytes)).toBe(true);
  });

  it('reports.daily - emailTo mails the PDF as an attachment, once', async () => {
    const { result, bytes } = await report({
      date: DATE,
      symbols: ['BTCUSDT'],
      emailTo: ['desk@example.com'],
    });
    expect(result.emailed).toMatchObject({ accepted: ['desk@example.com'] });
    const mails = smtp.mails.filter((m) => m.messageId === result.emailed?.messageId);
    expect(mails).toHaveLength(1);
    const [attachment] = mails[0]?.attachments ?? [];
    expect(attachment?.filename).toBe(`wadm-daily-${DATE}.pdf`);
    expect(attachment?.content.equals(bytes)).toBe(true);
  });

  it('reports.daily - a symbol without candles fails at once, naming it', async () => {
    const done = await h.finished(
      await h.submit('reports.daily', { date: DATE, symbols: ['BTCUSDT', 'DOGEUSDT'] }),
    );
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({
      code: 'SERIES_NOT_FOUND',
      retryable: false,
      fields: [{ path: '/params/symbols/1' }],
    });
  });
});

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atr, isoTimes, macd, rsi, sma, swingPoints, structureBreaks } from '@wadm/analysis';
import {
  subjects,
  TASK_CATALOG,
  validate,
  type DailyReportResult,
  type TaskEvent,
  type TaskState,
} from '@wadm/contracts';
import { ObjectCandleStore, seedDemoData } from '@wadm/market-data';
import { ArtifactStore } from '@wadm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNumber, formatPct, formatPrice } from '../src/pdf/format.js';
import { startHarness, startTestSmtp, type ServiceHarness, type TestSmtp } from './harness.js';

const DATE = '2024-06-30';
const DAY = Date.parse(`${DATE}T00:00:00Z`);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WATCHLIST = ['ETHUSDT', 'BTCUSDT'];

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
    await h.startService({ WADM_SMTP_URL: smtp.url, WADM_REPORT_SYMBOLS: WATCHLIST.join(',') });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Submits as a fresh owner, collecting the task's events from before the submit. */
  const submit = async (params: Record<string, unknown>) => {
    const owner = `u${Math.random().toString(36).slice(2, 10)}`;
    const events: TaskEvent[] = [];
    const sub = h.nc.subscribe(subjects.eventsOf(owner), {
      callback: (err, msg) => {
        if (!err) events.push(msg.json<TaskEvent>());
      },
    });
    await h.nc.flush();
    const { state } = await h.client.submit({ type: 'reports.daily', params, owner });
    const done = await h.finished(state);
    sub.unsubscribe();
    return { done, events };
  };

  const report = async (params: Record<string, unknown>) => {
    const { done, events } = await submit(params);
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCESS');
    expect(validate(TASK_CATALOG['reports.daily'].result, done.result)).toEqual([]);
    const result = done.result as DailyReportResult;
    const bytes = await artifacts.get(result.artifact.name);
    if (!bytes) throw new Error(`no artifact ${result.artifact.name}`);
    const file = join(dir, `${done.id}.pdf`);
    await writeFile(file, bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    return {
      state: done,
      events,
      result,
      bytes: Buffer.from(bytes),
      file,
      pages: text.split('\f'),
    };
  };

  it('reports.daily - the watchlist: title, summary and a page per symbol, fonts embedded, in ARTIFACTS', async () => {
    const { result, bytes, file, pages, events } = await report({ date: DATE });
    expect(result.artifact).toMatchObject({
      name: `reports/daily/${DATE}.pdf`,
      contentType: 'application/pdf',
      fileName: `wadm-daily-${DATE}.pdf`,
      size: bytes.length,
    });
    expect(result).toMatchObject({
      date: DATE,
      symbols: WATCHLIST,
      timeframe: '1h',
      missing: [],
      pages: 4,
      bytes: bytes.length,
    });
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/^Pages:\s+4$/m);
    expect(info).toMatch(new RegExp(`^Title:\\s+WADM daily market report ${DATE}$`, 'm'));
    expect(info).toMatch(/^Subject:\s+Daily market report for ETHUSDT, BTCUSDT/m);
    expect(info).toMatch(/^CreationDate:.*2024/m);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/Inter\S*\s+CID TrueType\s+Identity-H\s+yes/);

    expect(pages[0]).toContain('Daily market report');
    expect(pages[0]).toContain(`${DATE} (UTC)`);
    expect(pages[1]).toContain(`Summary ${DATE}`);
    const changes = await Promise.all(WATCHLIST.map((s) => expectedFigures(s)));
    const best = changes.reduce((a, b) => (b.changePct > a.changePct ? b : a));
    const worst = changes.reduce((a, b) => (b.changePct < a.changePct ? b : a));
    expect(pages[1]).toMatch(new RegExp(`Best\\s+${best.symbol} \\${formatPct(best.changePct)}`));
    expect(pages[1]).toMatch(
      new RegExp(`Worst\\s+${worst.symbol} \\${formatPct(worst.changePct)}`),
    );
    expect(pages[1]).toMatch(/Biggest range\s+[A-Z]+USDT \d+\.\d\d% of open/);
    for (const [i, expected] of changes.entries()) {
      const row = pages[1]?.split('\n').find((l) => l.trim().startsWith(expected.symbol)) ?? '';
      expect(row.trim().split(/\s+/).slice(1, 3)).toEqual([
        formatPrice(expected.close),
        formatPct(expected.changePct),
      ]);
      expectSymbolPage(pages[2 + i] ?? '', expected);
    }
    // Progress per symbol; the runtime sends at most one event per 100 ms, so a later symbol's
    // may be overtaken by the next, but the first one always goes out.
    const progress = events.filter((e) => e.status === 'STARTED' && e.message);
    expect(progress[0]?.message).toBe('ETHUSDT analysed');
    for (const e of progress) {
      expect(e.message).toMatch(/^(ETHUSDT analysed|BTCUSDT analysed|\d+ pages rendered)$/);
    }
  });

  /** Each figure of the symbol's page, computed here from the store's candles. */
  const expectSymbolPage = (page: string, e: Awaited<ReturnType<typeof expectedFigures>>) => {
    expect(page).toMatch(new RegExp(`^\\s*${e.symbol}\\s*$`, 'm'));
    const line = (label: string) =>
      page.split('\n').find((l) => l.includes(label)) ?? `(no line with ${label})`;
    expect(line('Open')).toContain(formatPrice(e.open));
    expect(line('Close')).toContain(formatPrice(e.close));
    expect(line('Change')).toContain(`${formatPct(e.changePct)} vs previous close`);
    expect(line('Range')).toContain(formatPrice(e.high - e.low));
    expect(line('Volume')).toContain(
      `${formatNumber(e.volume, 0)} (${e.volumeRatio.toFixed(2)}x 20-day average`,
    );
    expect(line('ATR (14)')).toContain(formatPrice(e.atr));
    expect(line('RSI (14)')).toContain(e.rsi.toFixed(2));
    expect(line('MACD (12, 26, 9)')).toContain(
      `${formatPrice(e.macd)} vs signal ${formatPrice(e.signal)}`,
    );
    expect(line('MACD state')).toContain(e.macd > e.signal ? 'bullish' : 'bearish');
    expect(line('SMA 50')).toContain(formatPrice(e.sma50));
    expect(line('SMA 200')).toContain(formatPrice(e.sma200));
    expect(line('Volatility')).toMatch(/\d+\.\d% \(20 days\), \d+\.\d% intraday/);
    expect(page).toContain('Last 90 1h bars (UTC)');
    // The time axis: the chart's last bar is the day's 23:00 bar.
    expect(page).toContain(`${DATE.slice(5)} 23:00`);
    expect(page).toContain(`Swing highs/lows (${e.swings.length})`);
    expect(page).toContain(`Breaks of structure (${e.breaks})`);
    const [swing] = e.swings;
    if (swing) expect(page).toMatch(new RegExp(`${swing.time}\\s+${swing.kind}\\s+${swing.price}`));
  };

  /** The day's figures from the store's candles and `@wadm/analysis`, as the report states them. */
  const expectedFigures = async (symbol: string) => {
    const daily = await store.getCandles(symbol, '1d', DAY - 400 * DAY_MS, DAY);
    const t = daily.time.length - 1;
    expect(daily.time[t]).toBe(DAY);
    let volumeSum = 0;
    for (let k = t - 20; k < t; k++) volumeSum += daily.volume[k]!;
    const lines = macd(daily.close, 12, 26, 9);
    const hourly = await store.getCandles(
      symbol,
      '1h',
      DAY + DAY_MS - 289 * HOUR_MS,
      DAY + DAY_MS - 1,
    );
    const swings = swingPoints(hourly.high, hourly.low, 3);
    const inDay = (bar: number) => hourly.time[bar]! >= DAY && hourly.time[bar]! < DAY + DAY_MS;
    const daySwings = swings.filter((s) => inDay(s.bar));
    const swingTimes = isoTimes(daySwings.map((s) => hourly.time[s.bar]!));
    return {
      symbol,
      open: daily.open[t]!,
      high: daily.high[t]!,
      low: daily.low[t]!,
      close: daily.close[t]!,
      volume: daily.volume[t]!,
      changePct: (daily.close[t]! / daily.close[t - 1]! - 1) * 100,
      volumeRatio: daily.volume[t]! / (volumeSum / 20),
      atr: atr(daily.high, daily.low, daily.close, 14)[t]!,
      rsi: rsi(daily.close, 14)[t]!,
      macd: lines.macd[t]!,
      signal: lines.signal[t]!,
      sma50: sma(daily.close, 50)[t]!,
      sma200: sma(daily.close, 200)[t]!,
      swings: daySwings.map((s, i) => ({
        time: swingTimes[i]!.slice(11, 16),
        kind: s.kind,
        price: formatPrice(s.price),
      })),
      breaks: structureBreaks(hourly.close, swings).filter((b) => inDay(b.bar)).length,
    };
  };

  it('reports.daily - the same inputs give the same name and the same bytes', async () => {
    const first = await report({ date: DATE, symbols: ['ETHUSDT'] });
    const second = await report({ date: DATE, symbols: ['ETHUSDT'] });
    expect(first.result.artifact.name).toMatch(
      new RegExp(`^reports/daily/${DATE}-[0-9a-f]{12}\\.pdf$`),
    );
    expect(second.result.artifact.name).toBe(first.result.artifact.name);
    expect(second.result.sha256).toBe(first.result.sha256);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    const other = await report({ date: DATE, symbols: ['ETHUSDT'], timeframe: '4h' });
    expect(other.result.artifact.name).not.toBe(first.result.artifact.name);
    expect(other.pages[2]).toContain('Last 90 4h bars (UTC)');
    expect(other.pages[2]).toContain('from 4h bars (built from 1h)');
  });

  it('reports.daily - a symbol without data is listed as such, the others reported', async () => {
    const { result, pages, events } = await report({
      date: DATE,
      symbols: ['DOGEUSDT', 'BTCUSDT'],
    });
    expect(result).toMatchObject({ missing: ['DOGEUSDT'], pages: 3 });
    expect(pages[1]).toMatch(/DOGEUSDT\s+no data for this day/);
    expect(pages[1]).toContain(`No data for ${DATE}`);
    expect(pages[1]).toContain('DOGEUSDT: no 1d or 1h candles stored');
    expect(pages[2]).toContain('BTCUSDT');
    const [first] = events.filter((e) => e.status === 'STARTED' && e.message);
    expect(first?.message).toBe('DOGEUSDT has no data: no 1d or 1h candles stored');
  });

  it('reports.daily - no data at all fails at once, naming the missing series', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ date: DATE, symbols: ['DOGEUSDT'] }, /DOGEUSDT \(no 1d or 1h candles stored\)/],
      [{ date: '2030-01-01', symbols: ['BTCUSDT'] }, /BTCUSDT \(no 1d bar on 2030-01-01/],
    ];
    for (const [params, message] of cases) {
      const { done } = await submit(params);
      expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 } satisfies Partial<TaskState>);
      expect(done.error).toMatchObject({
        code: 'SERIES_NOT_FOUND',
        retryable: false,
        fields: [{ path: '/params/symbols/0' }],
      });
      expect(done.error?.message).toMatch(message);
    }
  });

  it('reports.daily - emailTo mails the PDF as an attachment with a text and HTML summary, once', async () => {
    const { result, bytes } = await report({
      date: DATE,
      symbols: ['BTCUSDT'],
      emailTo: ['desk@example.com'],
    });
    expect(result.emailed).toMatchObject({ accepted: ['desk@example.com'] });
    const mails = smtp.mails.filter((m) => m.messageId === result.emailed?.messageId);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    const [attachment] = mail?.attachments ?? [];
    expect(attachment?.filename).toBe(`wadm-daily-${DATE}.pdf`);
    expect(attachment?.content.equals(bytes)).toBe(true);
    const { close, changePct } = await expectedFigures('BTCUSDT');
    expect(mail?.text).toContain(`BTCUSDT: close ${formatPrice(close)}, ${formatPct(changePct)}`);
    expect(mail?.html).toContain(`<td>BTCUSDT</td><td align="right">${formatPrice(close)}</td>`);
  });
});

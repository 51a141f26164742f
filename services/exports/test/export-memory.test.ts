import { readFile } from 'node:fs/promises';
import type { CandleExportResult } from '@wadm/contracts';
import { generateCandles } from '@wadm/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_START, startService, type ServiceHarness } from './harness.js';

const ROWS = 200_000;
const SERIES = { symbol: 'RSSUSDT', timeframe: '1m' } as const;
/**
 * Generous: the property is that memory does not grow with the rows (a buffered 200,000-row
 * workbook takes several hundred MB), not a figure; bench/exports measures the figure.
 */
const MAX_GROWTH_BYTES = 150 * 1024 * 1024;

/** The process's resident set now, from the kernel. */
async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

describe('exports service - memory', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    // The V8 flags the workers run with (scripts/start/node-flags.mjs): without a heap limit
    // V8 lets garbage pile up long before it collects, which is not what a service holds.
    h = await startService({
      WADM_EXPORT_CHUNK_BARS: '20000',
      NODE_OPTIONS: '--max-old-space-size=512 --max-semi-space-size=4',
    });
    const { candles } = generateCandles({
      seed: 7,
      start: SERIES_START,
      bars: ROWS,
      timeframe: SERIES.timeframe,
      startPrice: 30_000,
    });
    await h.store.putCandles(SERIES.symbol, SERIES.timeframe, candles);
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`exports.candles - ${ROWS} rows to XLSX while the service's RSS stays flat`, async () => {
    const pid = h.service.pid;
    const baseline = await rssBytes(pid);
    const { task } = await h.submit('exports.candles', { ...SERIES, format: 'xlsx' });
    let peak = baseline;
    let done = false;
    const finished = h.finished(task).finally(() => (done = true));
    // Sampled until the task is terminal: the peak of the whole export, not a moment of it.
    while (!done) {
      peak = Math.max(peak, await rssBytes(pid));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const state = await finished;
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = state.result as CandleExportResult;
    expect(result.rows).toBe(ROWS);
    // The file is far larger than the growth allowed: it was never held whole.
    expect(result.bytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(peak - baseline).toBeLessThan(MAX_GROWTH_BYTES);
  }, 120_000);
});

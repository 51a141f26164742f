// The ceilings bench/exports/run.mjs compares the service with, run in a fresh process so its
// memory is its own: `node baselines.mjs workbook <rows> <file>` writes the rows with exceljs's
// non-streaming Workbook (everything in memory, then written); `node baselines.mjs csv <rows>
// <file>` formats the same CSV by hand and writes it with fs, nothing else. Prints one JSON line:
// seconds, rows/s, bytes and the process's peak RSS growth (VmHWM over the RSS before the rows).
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';

const [kind, rowsArg, file] = process.argv.slice(2);
const rows = Number(rowsArg);
const marketData = await import(
  new URL('../../packages/market-data/dist/index.js', import.meta.url).href
);
const ExcelJS = createRequire(new URL('../../services/exports/package.json', import.meta.url))(
  'exceljs',
);

const statusKb = (field) =>
  Number(
    new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))[1],
  );

const { candles } = marketData.generateCandles({
  seed: 42,
  start: Date.UTC(2022, 0, 1),
  bars: rows,
  timeframe: '1m',
  startPrice: 30_000,
  volatility: 0.001,
});
const { time, open, high, low, close, volume } = candles;
const baselineKb = statusKb('VmRSS');
const t0 = performance.now();

if (kind === 'workbook') {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('BENCH 1m', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = ['time', 'open', 'high', 'low', 'close', 'volume'].map((header, i) => ({
    header,
    key: `c${i}`,
    width: i === 0 ? 24 : 14,
    style: i === 0 ? { numFmt: 'yyyy-mm-dd hh:mm:ss "UTC"' } : {},
  }));
  for (let i = 0; i < rows; i++) {
    sheet.addRow([new Date(time[i]), open[i], high[i], low[i], close[i], volume[i]]);
  }
  await workbook.xlsx.writeFile(file);
} else {
  const out = createWriteStream(file);
  const BATCH = 2_000;
  out.write('time,open,high,low,close,volume\r\n');
  for (let i = 0; i < rows; i += BATCH) {
    let text = '';
    for (let k = i; k < Math.min(rows, i + BATCH); k++) {
      text += `${new Date(time[k]).toISOString()},${open[k]},${high[k]},${low[k]},${close[k]},${volume[k]}\r\n`;
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const seconds = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    kind,
    rows,
    seconds: Math.round(seconds * 100) / 100,
    rows_per_s: Math.round(rows / seconds),
    bytes: statSync(file).size,
    peak_rss_growth_mb: Math.round(((statusKb('VmHWM') - baselineKb) / 1024) * 10) / 10,
  }),
);

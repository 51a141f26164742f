import { readFile } from 'node:fs/promises';
import { OBJECT_STORES, TIMEFRAMES } from '@wadm/contracts';
import {
  assertSeries,
  CandleCsvError,
  checkCandlesCsv,
  InvalidSeriesError,
  openCandleStore,
  storeCandlesCsv,
  StoreNotProvisionedError,
  type CheckedCandlesCsv,
  type CsvImportResult,
} from '@wadm/market-data';
import { defineCommand, type CommandContext } from '../command.js';
import { redactUrl } from '../connection.js';
import { ExitCode, FailureError, UsageError } from '../errors.js';
import { shortTime } from '../format.js';

const NAME = 'import-candles';
/** Rejected rows shown on stderr; `--json` carries every one the parser reported. */
const SHOWN_ERRORS = 20;

export const importCandlesCommand = defineCommand({
  name: NAME,
  summary: 'Import a candle CSV into one series: MongoDB if MONGODB_URL is set, else MARKET_DATA',
  positionals: [],
  options: {
    symbol: { type: 'string', valueName: 'SYMBOL', description: 'Market symbol, e.g. BTCUSDT' },
    timeframe: { type: 'string', valueName: 'TF', description: `One of ${TIMEFRAMES.join(', ')}` },
    file: {
      type: 'string',
      valueName: 'PATH',
      description:
        'Binance klines (ms or µs, header optional) or timestamp,open,high,low,close,volume',
    },
  },
  examples: [
    'wadm import-candles --symbol BTCUSDT --timeframe 1h --file BTCUSDT-1h-2024-01.csv',
    'MONGODB_URL=mongodb://localhost/wadm wadm import-candles --symbol ETHUSDT --timeframe 1d --file eth.csv',
  ],
  async run(ctx, { values }) {
    const { symbol, timeframe, file } = values;
    if (!symbol || !timeframe || !file) {
      throw new UsageError('--symbol, --timeframe and --file are required', NAME);
    }
    let checked: CheckedCandlesCsv;
    try {
      assertSeries(symbol, timeframe);
      checked = checkCandlesCsv(symbol, timeframe, await readCsv(file));
    } catch (err) {
      if (err instanceof InvalidSeriesError) throw new UsageError(err.message, NAME);
      if (err instanceof CandleCsvError) return reportRejected(ctx, file, err);
      throw err;
    }
    const opened = await openCandleStore({
      mongoUrl: process.env['MONGODB_URL'],
      nats: () => ctx.connect(),
    }).catch((err: unknown) => {
      if (!(err instanceof StoreNotProvisionedError)) throw err;
      const message = `NATS at ${redactUrl(ctx.server)} is not provisioned (no ${OBJECT_STORES.marketData} object store): run "wadm provision" first`;
      throw new FailureError(err.code, message, { cause: err });
    });
    try {
      const result = await storeCandlesCsv(opened.store, checked);
      report(
        ctx,
        file,
        opened.backend === 'mongodb' ? 'MongoDB' : `object store ${OBJECT_STORES.marketData}`,
        result,
      );
      return ExitCode.OK;
    } finally {
      await opened.close();
    }
  },
});

async function readCsv(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`cannot read --file ${file}: ${reason}`, NAME);
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function report(ctx: CommandContext, file: string, store: string, result: CsvImportResult): void {
  const gaps = result.gaps.map((g) => ({ ...g, after: iso(g.after), before: iso(g.before) }));
  if (ctx.json) {
    ctx.out.json({ file, store, ...result, from: iso(result.from), to: iso(result.to), gaps });
    return;
  }
  const layout = `${result.format}, ${result.header ? 'with' : 'no'} header`;
  ctx.out.line(`imported ${result.rows} rows of ${file} (${layout})`);
  ctx.out.line(`series:   ${result.symbol} ${result.timeframe} in ${store}`);
  ctx.out.line(`range:    ${shortTime(iso(result.from))} to ${shortTime(iso(result.to))}`);
  ctx.out.line(
    `changes:  ${result.inserted} new, ${result.updated} replaced; ${result.total} candles stored`,
  );
  if (result.gapCount === 0) return;
  // Gaps are warnings, not failures: the rows were stored, the reader should still know.
  ctx.out.note(
    `warning: ${plural(result.gapCount, 'gap')}, ${plural(result.missingBars, 'bar')} missing`,
  );
  for (const gap of gaps) {
    ctx.out.note(
      `  after ${shortTime(gap.after)}, before ${shortTime(gap.before)}: ${gap.missing} missing`,
    );
  }
  if (result.gapCount > gaps.length) ctx.out.note(`  … and ${result.gapCount - gaps.length} more`);
}

function reportRejected(ctx: CommandContext, file: string, err: CandleCsvError): number {
  if (ctx.json) {
    ctx.out.json({
      file,
      code: err.code,
      message: err.message,
      errors: err.errors,
      errorCount: err.errorCount,
    });
  }
  ctx.out.note(`wadm ${NAME}: ${file}: ${err.message}`);
  for (const row of err.errors.slice(0, SHOWN_ERRORS)) {
    ctx.out.note(`  line ${row.line}: ${row.message}`);
  }
  const hidden = err.errorCount - Math.min(err.errors.length, SHOWN_ERRORS);
  if (hidden > 0) ctx.out.note(`  … and ${hidden} more`);
  return ExitCode.FAILURE;
}

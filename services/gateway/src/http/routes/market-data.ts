import type Router from '@koa/router';
import { MarketSymbol, TIMEFRAMES, type FieldError } from '@wadm/contracts';
import {
  CandleCsvError,
  importCandlesCsv,
  InvalidSeriesError,
  isTimeframe,
  StoreNotProvisionedError,
  WriteConflictError,
  type CandleStore,
  type CsvImportResult,
  type SeriesInfo,
} from '@wadm/market-data';
import type { ApiServices } from '../api-services.js';
import { requireAdmin } from '../auth.js';
import { readText } from '../body.js';
import { HttpProblem, ProblemCode, validationProblem } from '../problem.js';
import type { CandleImportResult, SeriesList, SeriesView } from '../schemas.js';

const SYMBOL = new RegExp(MarketSymbol.pattern as string);

const iso = (ms: number): string => new Date(ms).toISOString();

function seriesView(s: SeriesInfo): SeriesView {
  return {
    symbol: s.symbol,
    timeframe: s.timeframe,
    from: iso(s.from),
    to: iso(s.to),
    count: s.count,
  };
}

function importView(r: CsvImportResult): CandleImportResult {
  return {
    symbol: r.symbol,
    timeframe: r.timeframe,
    format: r.format,
    rows: r.rows,
    from: iso(r.from),
    to: iso(r.to),
    inserted: r.inserted,
    updated: r.updated,
    total: r.total,
    gaps: r.gaps.map((g) => ({ after: iso(g.after), before: iso(g.before), missing: g.missing })),
    gap_count: r.gapCount,
    missing_bars: r.missingBars,
    warnings: r.gaps.map(
      (g) => `${g.missing} bar${g.missing === 1 ? '' : 's'} missing after ${iso(g.after)}`,
    ),
  };
}

/** Both path parameters checked at once, so a caller learns every bad one in one answer. */
function checkSeries(symbol: string, timeframe: string): void {
  const errors: FieldError[] = [];
  if (!SYMBOL.test(symbol)) {
    errors.push({ path: '/path/symbol', message: 'must be 2 to 20 of A-Z and 0-9, e.g. BTCUSDT' });
  }
  if (!isTimeframe(timeframe)) {
    errors.push({ path: '/path/timeframe', message: `must be one of ${TIMEFRAMES.join(', ')}` });
  }
  if (errors.length > 0) {
    throw validationProblem(
      `invalid series ${JSON.stringify(symbol)} ${JSON.stringify(timeframe)}`,
      errors,
    );
  }
}

/** How the store's own failures read over HTTP; anything else stays a 500. */
function storeProblem(err: unknown): unknown {
  if (err instanceof CandleCsvError) {
    return new HttpProblem(422, ProblemCode.CSV_REJECTED, err.message, {
      errors: err.errors.map((e) => ({ path: `/body/line/${e.line}`, message: e.message })),
      extra: { lines: err.errors.map((e) => e.line), error_count: err.errorCount },
    });
  }
  if (err instanceof InvalidSeriesError) {
    return new HttpProblem(400, ProblemCode.VALIDATION_FAILED, err.message);
  }
  if (err instanceof WriteConflictError) {
    return new HttpProblem(409, ProblemCode.WRITE_CONFLICT, err.message, {
      headers: { 'Retry-After': '1' },
    });
  }
  if (err instanceof StoreNotProvisionedError) {
    return new HttpProblem(503, ProblemCode.BACKEND_UNAVAILABLE, err.message, {
      headers: { 'Retry-After': '5' },
    });
  }
  return err;
}

async function withStore<T>(s: ApiServices, use: (store: CandleStore) => Promise<T>): Promise<T> {
  try {
    return await use(await s.candles());
  } catch (err) {
    throw storeProblem(err);
  }
}

/** Candle series: anyone may see what exists, only admins import. */
export function marketDataRoutes(router: Router, s: ApiServices): void {
  router.get('/market-data', async (ctx) => {
    const series = await withStore(s, (store) => store.listSeries());
    const body: SeriesList = { series: series.map(seriesView) };
    ctx.body = body;
  });

  router.post('/market-data/:symbol/:timeframe', requireAdmin, async (ctx) => {
    const symbol = ctx.params['symbol'] ?? '';
    const timeframe = ctx.params['timeframe'] ?? '';
    checkSeries(symbol, timeframe);
    const text = await readText(ctx, s.deps.env.maxBodyBytes, 'text/csv');
    const result = await withStore(s, (store) => importCandlesCsv(store, symbol, timeframe, text));
    const body: CandleImportResult = importView(result);
    ctx.body = body;
  });
}

import { createHash } from 'node:crypto';
import { ErrorCode, type DailyReportResult, type FieldError } from '@wadm/contracts';
import { MarketDataErrorCode, type CandleStore } from '@wadm/market-data';
import { NonRetryableError, type TaskHandler } from '@wadm/runtime';
import type { ReportsEnv } from '../env.js';
import type { Mailer } from '../mail/mailer.js';
import { renderDailyReport } from '../pdf/daily-report-pdf.js';
import { DEFAULT_REPORT_TIMEFRAME, reportArtifactName } from '../report/artifact-name.js';
import { defaultReportDate, loadSymbolSeries } from '../report/daily-data.js';
import { reportMail } from '../report/report-mail.js';
import {
  isMissing,
  symbolReport,
  type DailyReport,
  type MissingSymbol,
  type SymbolReport,
} from '../report/symbol-report.js';
import type { Deliveries } from './deliveries.js';

/** Reading and analysing the symbols is this share of the progress; rendering the rest. */
const ANALYSIS_SHARE = 0.6;

/**
 * `reports.daily`: the day's figures, chart and market structure of each symbol as a PDF,
 * stored in ARTIFACTS and, with `emailTo`, mailed once (recorded in NOTIFY_SENT like any other
 * mail), attached or, above WADM_MAIL_ATTACHMENT_MAX_BYTES, as a download link. A symbol without a bar that day is listed as such; a day without any data fails for
 * good. A redelivery renders the same bytes again and overwrites the same object.
 */
export function createDailyReportHandler(
  store: CandleStore,
  mailer: Mailer | undefined,
  deliveries: Deliveries,
  env: Pick<ReportsEnv, 'reportSymbols' | 'attachmentMaxBytes' | 'publicUrl'>,
): TaskHandler<'reports.daily'> {
  const watchlist = env.reportSymbols;
  return async ({ id, owner, params, signal, progress, artifacts, logger }) => {
    const recipients = params.emailTo ?? [];
    if (recipients.length > 0 && !mailer) {
      throw new NonRetryableError('emailTo needs an SMTP server: set WADM_SMTP_URL', {
        code: ErrorCode.SMTP_NOT_CONFIGURED,
        fields: [{ path: '/params/emailTo', message: 'no SMTP server configured' }],
      });
    }
    const date = params.date ?? defaultReportDate();
    const symbols = params.symbols ?? [...watchlist];
    const timeframe = params.timeframe ?? DEFAULT_REPORT_TIMEFRAME;
    const report: DailyReport = { date, timeframe, reports: [], missing: [] };
    for (const [i, symbol] of symbols.entries()) {
      const series = await loadSymbolSeries(store, symbol, date, timeframe);
      const content = symbolReport(series, date, timeframe);
      if (isMissing(content)) report.missing.push(content);
      else report.reports.push(content);
      signal.throwIfAborted();
      progress(((i + 1) / symbols.length) * ANALYSIS_SHARE, `${symbol} ${describe(content)}`);
    }
    if (report.reports.length === 0) throw nothingToReport(date, report.missing, params.symbols);

    const pdf = await renderDailyReport(report);
    signal.throwIfAborted();
    progress(0.85, `${pdf.pages} pages rendered`);
    const fileName = `wadm-daily-${date}.pdf`;
    const name = reportArtifactName(date, symbols, timeframe, watchlist);
    const artifact = await artifacts.put(name, pdf.bytes, 'application/pdf', fileName);
    const result: DailyReportResult = {
      artifact,
      date,
      symbols: [...symbols],
      timeframe,
      missing: report.missing.map((m) => m.symbol),
      pages: pdf.pages,
      bytes: pdf.bytes.byteLength,
      sha256: createHash('sha256').update(pdf.bytes).digest('hex'),
    };
    if (recipients.length === 0 || !mailer) return result;
    const earlier = await deliveries.find<DailyReportResult['emailed']>(owner, id);
    if (earlier) {
      logger.info({ messageId: earlier.messageId }, 'report already mailed by an earlier attempt');
      return { ...result, emailed: earlier };
    }
    progress(0.9, 'mailing');
    // Too big to attach: the mail links to the result route, which serves the same file.
    const attach = pdf.bytes.byteLength <= env.attachmentMaxBytes;
    const download = attach
      ? undefined
      : { url: `${env.publicUrl}/api/v1/tasks/${id}/result`, bytes: pdf.bytes.byteLength };
    const sent = await mailer.send(
      mailer.messageIdFor(owner, id),
      { to: recipients, ...reportMail(report, download) },
      signal,
      attach ? [{ filename: fileName, content: pdf.bytes, contentType: 'application/pdf' }] : [],
    );
    const emailed = { messageId: sent.messageId, accepted: sent.accepted };
    await deliveries.record(owner, id, emailed);
    return { ...result, emailed };
  };
}

function describe(content: SymbolReport | MissingSymbol): string {
  return isMissing(content) ? `has no data: ${content.reason}` : 'analysed';
}

/** No symbol has a bar that day: nothing to report, and a retry would find the same. */
function nothingToReport(
  date: string,
  missing: readonly MissingSymbol[],
  named: readonly string[] | undefined,
): NonRetryableError {
  const fields: FieldError[] = missing.map((m, i) => ({
    path: named ? `/params/symbols/${i}` : '/params/symbols',
    message: `${m.symbol}: ${m.reason}`,
  }));
  const list = missing.map((m) => `${m.symbol} (${m.reason})`).join(', ');
  return new NonRetryableError(`no candles for ${date}: ${list}`, {
    code: MarketDataErrorCode.SERIES_NOT_FOUND,
    fields,
  });
}

import { createHash } from 'node:crypto';
import { ErrorCode, type DailyReportResult } from '@wadm/contracts';
import type { CandleStore } from '@wadm/market-data';
import { NonRetryableError, type TaskHandler } from '@wadm/runtime';
import type { Mailer } from '../mail/mailer.js';
import { renderDailyReport } from '../pdf/daily-report-pdf.js';
import { defaultReportDate, loadDailyData } from '../report/daily-data.js';
import type { Deliveries } from './deliveries.js';

/**
 * `reports.daily`: the PDF of a day's bars for some symbols, stored in ARTIFACTS and, with
 * `emailTo`, mailed as an attachment once (the mail is recorded in NOTIFY_SENT like any other).
 * A redelivery renders the same bytes again and overwrites the same object.
 */
export function createDailyReportHandler(
  store: CandleStore,
  mailer: Mailer | undefined,
  deliveries: Deliveries,
): TaskHandler<'reports.daily'> {
  return async ({ id, owner, params, signal, progress, artifacts, logger }) => {
    const recipients = params.emailTo ?? [];
    if (recipients.length > 0 && !mailer) {
      throw new NonRetryableError('emailTo needs an SMTP server: set WADM_SMTP_URL', {
        code: ErrorCode.SMTP_NOT_CONFIGURED,
        fields: [{ path: '/params/emailTo', message: 'no SMTP server configured' }],
      });
    }
    const date = params.date ?? defaultReportDate();
    const days = await loadDailyData(store, date, params.symbols);
    signal.throwIfAborted();
    progress(0.4, 'candles read');
    const pdf = await renderDailyReport(date, days);
    signal.throwIfAborted();
    progress(0.7, `${pdf.pages} pages rendered`);
    const fileName = `wadm-daily-${date}.pdf`;
    const artifact = await artifacts.put(
      `reports/daily/${date}/${owner}/${id}.pdf`,
      pdf.bytes,
      'application/pdf',
      fileName,
    );
    const result: DailyReportResult = {
      artifact,
      date,
      symbols: [...params.symbols],
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
    progress(0.85, 'mailing');
    const sent = await mailer.send(
      mailer.messageIdFor(owner, id),
      {
        to: recipients,
        subject: `WADM daily market report ${date}`,
        text: `The daily market report for ${date} (${params.symbols.join(', ')}) is attached.`,
      },
      signal,
      [{ filename: fileName, content: pdf.bytes, contentType: 'application/pdf' }],
    );
    const emailed = { messageId: sent.messageId, accepted: sent.accepted };
    await deliveries.record(owner, id, emailed);
    return { ...result, emailed };
  };
}

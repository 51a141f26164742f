import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DailyReport } from '../report/symbol-report.js';
import { renderPdf, type RenderedPdf } from './document.js';
import { drawSummary } from './summary-page.js';
import { drawSymbolPage } from './symbol-page.js';
import { drawTitlePage } from './title-page.js';

/**
 * The daily report: a title page, the summary (one page, more for many symbols), then a page
 * per symbol with a bar on the day. Its bytes depend only on the report: the PDF's dates are
 * the report's date and the fonts are embedded from the package, not looked up on the host.
 */
export function renderDailyReport(report: DailyReport): Promise<RenderedPdf> {
  const symbols = [...report.reports.map((r) => r.symbol), ...report.missing.map((m) => m.symbol)];
  return renderPdf(
    {
      title: `WADM daily market report ${report.date}`,
      subject: `Daily market report for ${symbols.join(', ')} (${report.timeframe} charts)`,
      date: new Date(`${report.date}T00:00:00Z`),
    },
    async (doc) => {
      drawTitlePage(doc, report);
      doc.addPage();
      drawSummary(doc, report);
      for (const r of report.reports) {
        // A page takes milliseconds to draw, 50 of them a while: between pages the worker's
        // timers run, so its working() heartbeats keep the task's message from redelivery.
        await nextTurn();
        doc.addPage();
        drawSymbolPage(doc, report.date, report.timeframe, r);
      }
    },
  );
}

import { formatPct, formatPrice } from '../pdf/format.js';
import { highlights } from './highlights.js';
import type { DailyReport } from './symbol-report.js';

/** Where a report too big to attach is downloaded, and its size. */
export interface ReportDownload {
  url: string;
  bytes: number;
}

/**
 * The mail that carries a daily report: its headline in plain text and in HTML, and either a
 * note that the PDF is attached or, with `download`, the link to it.
 */
export function reportMail(
  report: DailyReport,
  download?: ReportDownload,
): { subject: string; text: string; html: string } {
  const where = download
    ? `is ${(download.bytes / 1e6).toFixed(1)} MB, too large to attach: download it (signed in to WADM) from ${download.url}`
    : 'is attached (PDF)';
  const top = highlights(report.reports);
  const lines = report.reports.map(
    (r) => `${r.symbol}: close ${formatPrice(r.figures.close)}, ${formatPct(r.figures.changePct)}`,
  );
  const headline = top
    ? [
        `Best: ${top.best.symbol} ${formatPct(top.best.figures.changePct)}`,
        `Worst: ${top.worst.symbol} ${formatPct(top.worst.figures.changePct)}`,
        `Biggest range: ${top.biggestRange.symbol} ${top.biggestRange.figures.rangePct.toFixed(2)}%`,
      ]
    : [];
  const missing = report.missing.map((m) => `${m.symbol}: no data (${m.reason})`);
  const text = [
    `The WADM daily market report for ${report.date} ${where}.`,
    '',
    ...headline,
    '',
    ...lines,
    ...missing,
  ].join('\n');
  const html = [
    download
      ? `<p>The WADM daily market report for <b>${report.date}</b> is ${(download.bytes / 1e6).toFixed(1)} MB, too large to attach: <a href="${escapeHtml(download.url)}">download it</a> (signed in to WADM).</p>`
      : `<p>The WADM daily market report for <b>${report.date}</b> is attached (PDF).</p>`,
    `<p>${headline.map(escapeHtml).join('<br>')}</p>`,
    '<table cellpadding="4"><tr><th align="left">Symbol</th><th align="right">Close</th><th align="right">Change</th></tr>',
    ...report.reports.map(
      (r) =>
        `<tr><td>${r.symbol}</td><td align="right">${formatPrice(r.figures.close)}</td>` +
        `<td align="right">${formatPct(r.figures.changePct)}</td></tr>`,
    ),
    ...report.missing.map((m) => `<tr><td>${m.symbol}</td><td colspan="2">no data</td></tr>`),
    '</table>',
  ].join('\n');
  return { subject: `WADM daily market report ${report.date}`, text, html };
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

import type { DailyReport } from '../report/symbol-report.js';
import { COLOUR, CONTENT_WIDTH, FONT, PAGE, type Doc } from './style.js';

/** The cover: what, which day, which symbols, and how to read the times and figures. */
export function drawTitlePage(doc: Doc, report: DailyReport): void {
  const x = PAGE.margin;
  doc.font(FONT.bold).fontSize(32).fillColor(COLOUR.ink).text('WADM', x, 220);
  doc.fontSize(22).text('Daily market report', x, 262);
  doc.font(FONT.regular).fontSize(16).fillColor(COLOUR.muted).text(`${report.date} (UTC)`, x, 296);
  const symbols = [...report.reports.map((r) => r.symbol), ...report.missing.map((m) => m.symbol)];
  doc.fontSize(10.5).fillColor(COLOUR.ink);
  doc.text(`Symbols: ${symbols.join(', ')}`, x, 350, { width: CONTENT_WIDTH });
  doc.moveDown(0.6).fillColor(COLOUR.muted).fontSize(9);
  doc.text(
    'Figures come from daily bars: change against the previous close, volume against its ' +
      '20-day average, realised volatility annualised over 365 days, ATR (14), RSI (14), ' +
      `MACD (12, 26, 9) and the trend against SMA 50 and SMA 200. Charts show the last 90 ` +
      `${report.timeframe} bars with their SMA 50 and SMA 200; market structure (swing highs ` +
      'and lows with 3 bars each side, breaks of structure, fair value gaps) is that of the ' +
      `day's ${report.timeframe} bars. All times are UTC.`,
    { width: CONTENT_WIDTH },
  );
}

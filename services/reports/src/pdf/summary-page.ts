import { highlights } from '../report/highlights.js';
import type { DailyReport, SymbolReport } from '../report/symbol-report.js';
import { BOTTOM, TOP } from './document.js';
import { formatPct, formatPrice, orNa } from './format.js';
import { COLOUR, CONTENT_WIDTH, FONT, PAGE, type Doc } from './style.js';

const LEFT = PAGE.margin;
const ROW = 13;
const COLUMNS = [
  { title: 'Symbol', width: 70, align: 'left' },
  { title: 'Close', width: 72, align: 'right' },
  { title: 'Change', width: 52, align: 'right' },
  { title: 'Range', width: 48, align: 'right' },
  { title: 'Vol/avg', width: 46, align: 'right' },
  { title: 'RSI', width: 36, align: 'right' },
  { title: 'MACD', width: 56, align: 'right' },
  { title: 'Trend', width: 50, align: 'right' },
  { title: 'Signals', width: 50, align: 'right' },
] as const;

/**
 * The summary: best and worst change and the biggest range, a row per symbol, each symbol's
 * signals, and the symbols without data. Continues on further pages when 50 symbols need it.
 */
export function drawSummary(doc: Doc, report: DailyReport): void {
  doc.font(FONT.bold).fontSize(16).fillColor(COLOUR.ink);
  doc.text(`Summary ${report.date}`, LEFT, TOP, { lineBreak: false });
  let y = TOP + 30;
  const top = highlights(report.reports);
  if (top) {
    const lines: [string, SymbolReport, string][] = [
      ['Best', top.best, formatPct(top.best.figures.changePct)],
      ['Worst', top.worst, formatPct(top.worst.figures.changePct)],
      [
        'Biggest range',
        top.biggestRange,
        `${top.biggestRange.figures.rangePct.toFixed(2)}% of open`,
      ],
    ];
    for (const [label, r, value] of lines) {
      doc
        .font(FONT.regular)
        .fontSize(9.5)
        .fillColor(COLOUR.muted)
        .text(label, LEFT, y, { lineBreak: false });
      doc
        .font(FONT.bold)
        .fillColor(COLOUR.ink)
        .text(`${r.symbol} ${value}`, LEFT + 90, y, { lineBreak: false });
      y += 14;
    }
    y += 10;
  }
  y = header(doc, y);
  for (const r of report.reports) {
    if (y + ROW > BOTTOM) {
      doc.addPage();
      y = header(doc, TOP);
    }
    row(doc, y, cells(r), false);
    y += ROW;
  }
  for (const m of report.missing) {
    if (y + ROW > BOTTOM) {
      doc.addPage();
      y = header(doc, TOP);
    }
    row(doc, y, [m.symbol, 'no data for this day'], false);
    y += ROW;
  }

  y = section(doc, y + 14, 'Signals');
  const flagged = report.reports.filter((r) => r.signals.length > 0);
  if (flagged.length === 0) y = paragraph(doc, y, 'No signals on this day.');
  for (const r of flagged) y = paragraph(doc, y, `${r.symbol}: ${r.signals.join(' · ')}`);
  if (report.missing.length > 0) {
    y = section(doc, y + 10, `No data for ${report.date}`);
    for (const m of report.missing) y = paragraph(doc, y, `${m.symbol}: ${m.reason}`);
  }
}

function cells(r: SymbolReport): string[] {
  const f = r.figures;
  return [
    r.symbol,
    formatPrice(f.close),
    formatPct(f.changePct),
    `${f.rangePct.toFixed(2)}%`,
    orNa(f.volumeRatio, (v) => `${v.toFixed(2)}x`),
    orNa(f.rsi, (v) => v.toFixed(1)),
    orNa(f.macd, (m) => m.side),
    orNa(f.trend, (t) => t),
    String(r.signals.length),
  ];
}

function header(doc: Doc, y: number): number {
  row(
    doc,
    y,
    COLUMNS.map((c) => c.title),
    true,
  );
  const width = COLUMNS.reduce((sum, c) => sum + c.width, 0);
  doc
    .lineWidth(0.5)
    .strokeColor(COLOUR.grid)
    .moveTo(LEFT, y + ROW - 2)
    .lineTo(LEFT + width, y + ROW - 2)
    .stroke();
  return y + ROW + 2;
}

function row(doc: Doc, y: number, values: readonly string[], bold: boolean): void {
  let x = LEFT;
  doc.font(bold ? FONT.bold : FONT.regular).fontSize(8.5);
  for (const [i, value] of values.entries()) {
    const column = COLUMNS[i]!;
    // A row of one long cell (no data) spans the table.
    const width = values.length === 2 && i === 1 ? CONTENT_WIDTH - COLUMNS[0].width : column.width;
    const align = values.length === 2 ? 'left' : column.align;
    doc.fillColor(
      i === 2 && !bold ? (value.startsWith('-') ? COLOUR.down : COLOUR.up) : COLOUR.ink,
    );
    doc.text(value, x, y, { width: width - 4, align, lineBreak: false });
    x += column.width;
  }
}

function section(doc: Doc, y: number, title: string): number {
  if (y + 2 * ROW > BOTTOM) {
    doc.addPage();
    y = TOP;
  }
  doc.font(FONT.bold).fontSize(10).fillColor(COLOUR.ink).text(title, LEFT, y, { lineBreak: false });
  return y + 16;
}

/** A wrapped paragraph at `y`, on a new page when it would cross the bottom; the y after it. */
function paragraph(doc: Doc, y: number, text: string): number {
  doc.font(FONT.regular).fontSize(8.5).fillColor(COLOUR.ink);
  const height = doc.heightOfString(text, { width: CONTENT_WIDTH });
  if (y + height > BOTTOM) {
    doc.addPage();
    y = TOP;
  }
  doc.text(text, LEFT, y, { width: CONTENT_WIDTH });
  return y + height + 3;
}

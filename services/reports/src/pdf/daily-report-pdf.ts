import PDFDocument from 'pdfkit';
import type { Bar, SymbolDay } from '../report/daily-data.js';
import { formatNumber, formatPct } from './format.js';

export interface RenderedPdf {
  bytes: Buffer;
  pages: number;
}

const MARGIN = 48;
const UP = '#1a7f4b';
const DOWN = '#c0392b';
const GRID = '#d0d4da';
const INK = '#1f2933';
const MUTED = '#6b7280';

/**
 * The daily report: a title page, a summary table, then a page per symbol with its day's figures
 * and a candlestick chart of its last bars, all vector. The same inputs give the same bytes:
 * the metadata dates are the report's date, fonts are the built-in Helvetica (not embedded).
 */
export function renderDailyReport(date: string, days: readonly SymbolDay[]): Promise<RenderedPdf> {
  const fixed = new Date(`${date}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `WADM daily market report ${date}`,
      Author: 'WADM',
      Subject: `Daily market report for ${days.map((d) => d.symbol).join(', ')}`,
      CreationDate: fixed,
      ModDate: fixed,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let pages = 1;
  titlePage(doc, date, days);
  doc.addPage();
  pages += 1;
  summaryPage(doc, date, days);
  for (const day of days) {
    doc.addPage();
    pages += 1;
    symbolPage(doc, date, day);
  }
  doc.end();
  return done.then((bytes) => ({ bytes, pages }));
}

type Doc = PDFKit.PDFDocument;

function titlePage(doc: Doc, date: string, days: readonly SymbolDay[]): void {
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(30);
  doc.text('WADM', MARGIN, 220);
  doc.fontSize(22).text('Daily market report');
  doc.moveDown(0.5).font('Helvetica').fontSize(16).fillColor(MUTED).text(date);
  doc.moveDown(2).fontSize(11).fillColor(INK);
  doc.text(`Symbols: ${days.map((d) => d.symbol).join(', ')}`);
  doc.text('Daily bars (UTC). Change is against the previous close.');
}

const COLUMNS = [
  { title: 'Symbol', width: 70 },
  { title: 'Open', width: 62 },
  { title: 'High', width: 62 },
  { title: 'Low', width: 62 },
  { title: 'Close', width: 62 },
  { title: 'Change', width: 52 },
  { title: 'Range', width: 70 },
  { title: 'Volume', width: 59 },
] as const;

function summaryRow(d: SymbolDay): string[] {
  if (!d.day) return [d.symbol, 'no bar on this day', '', '', '', '', '', ''];
  const x = d.day;
  return [
    d.symbol,
    formatNumber(x.open),
    formatNumber(x.high),
    formatNumber(x.low),
    formatNumber(x.close),
    formatPct(x.changePct),
    `${formatNumber(x.range)} (${x.rangePct.toFixed(1)}%)`,
    formatNumber(x.volume, 0),
  ];
}

function summaryPage(doc: Doc, date: string, days: readonly SymbolDay[]): void {
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(16).text(`Summary ${date}`, MARGIN, MARGIN);
  const rowHeight = 13;
  let y = MARGIN + 34;
  const row = (cells: readonly string[], bold: boolean): void => {
    let x = MARGIN;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    for (const [i, cell] of cells.entries()) {
      const col = COLUMNS[i];
      if (!col) continue;
      const align = i === 0 ? 'left' : 'right';
      if (i === 5 && cell.startsWith('+')) doc.fillColor(UP);
      else if (i === 5 && cell.startsWith('-')) doc.fillColor(DOWN);
      else doc.fillColor(INK);
      doc.text(cell, x, y, { width: col.width - 4, align, lineBreak: false });
      x += col.width;
    }
    y += rowHeight;
  };
  row(
    COLUMNS.map((c) => c.title),
    true,
  );
  doc
    .moveTo(MARGIN, y - 3)
    .lineTo(MARGIN + COLUMNS.reduce((s, c) => s + c.width, 0), y - 3)
    .strokeColor(GRID)
    .lineWidth(0.5)
    .stroke();
  for (const d of days) row(summaryRow(d), false);
}

function symbolPage(doc: Doc, date: string, d: SymbolDay): void {
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(18).text(d.symbol, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(10).fillColor(MUTED);
  doc.text(`${date} · daily bars${d.source === '1h' ? ' (from hourly)' : ''}`);
  doc.moveDown(0.8).fillColor(INK).fontSize(10);
  if (d.day) {
    const [, open, high, low, close, change, range, volume] = summaryRow(d);
    doc.text(`Open ${open}   High ${high}   Low ${low}   Close ${close}`);
    doc.text(`Change ${change}   Range ${range}   Volume ${volume}`);
  } else {
    doc.text('No bar on this day.');
  }
  const top = MARGIN + 100;
  const width = doc.page.width - 2 * MARGIN;
  candlesticks(doc, d.bars, { x: MARGIN, y: top, width, height: 360 });
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Candles over price gridlines, volume bars below, labelled with prices and dates. */
function candlesticks(doc: Doc, bars: readonly Bar[], box: Box): void {
  doc.font('Helvetica').fontSize(10).fillColor(INK);
  doc.text(`Last ${bars.length} daily bars`, box.x, box.y - 18, { lineBreak: false });
  if (bars.length === 0) return;
  const axis = 52;
  const plot = { x: box.x + axis, y: box.y, width: box.width - axis, height: box.height * 0.78 };
  const vol = { ...plot, y: plot.y + plot.height + 12, height: box.height * 0.18 };
  const lo = Math.min(...bars.map((b) => b.low));
  const hi = Math.max(...bars.map((b) => b.high));
  const span = hi - lo || 1;
  const yOf = (price: number): number => plot.y + ((hi - price) / span) * plot.height;
  doc.lineWidth(0.4).strokeColor(GRID).fontSize(7).fillColor(MUTED);
  for (let k = 0; k <= 4; k++) {
    const price = lo + (span * k) / 4;
    const y = yOf(price);
    doc
      .moveTo(plot.x, y)
      .lineTo(plot.x + plot.width, y)
      .stroke();
    doc.text(formatNumber(price), box.x, y - 3, {
      width: axis - 6,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.rect(plot.x, plot.y, plot.width, plot.height).stroke();
  const step = plot.width / bars.length;
  const body = Math.max(1, step * 0.6);
  const maxVolume = Math.max(...bars.map((b) => b.volume)) || 1;
  for (const [i, b] of bars.entries()) {
    const cx = plot.x + step * (i + 0.5);
    const colour = b.close >= b.open ? UP : DOWN;
    doc.lineWidth(0.6).strokeColor(colour);
    doc.moveTo(cx, yOf(b.high)).lineTo(cx, yOf(b.low)).stroke();
    const top = yOf(Math.max(b.open, b.close));
    const height = Math.max(0.5, yOf(Math.min(b.open, b.close)) - top);
    doc.rect(cx - body / 2, top, body, height).fill(colour);
    const vh = (b.volume / maxVolume) * vol.height;
    doc
      .rect(cx - body / 2, vol.y + vol.height - vh, body, vh)
      .fillOpacity(0.45)
      .fill(colour);
    doc.fillOpacity(1);
  }
  doc.fontSize(7).fillColor(MUTED);
  const first = bars[0];
  const last = bars.at(-1);
  if (first) doc.text(isoDay(first.time), plot.x, vol.y + vol.height + 4, { lineBreak: false });
  if (last) {
    doc.text(isoDay(last.time), plot.x + plot.width - 60, vol.y + vol.height + 4, {
      width: 60,
      align: 'right',
      lineBreak: false,
    });
  }
  doc.text('Volume', box.x, vol.y, { width: axis - 6, align: 'right', lineBreak: false });
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

import PDFDocument from 'pdfkit';
import { registerFonts } from './fonts.js';
import { FONT, PAGE, type Doc } from './style.js';

export interface RenderedPdf {
  bytes: Buffer;
  pages: number;
}

export interface PdfInfo {
  title: string;
  subject: string;
  /** Creation and modification date: the report's, not the clock's, for reproducible bytes. */
  date: Date;
}

/**
 * A4 PDF drawn by `draw`, which starts on the first page and adds the others; it may pause
 * between pages (see daily-report-pdf.ts) and the document ends when it resolves. No margins for
 * PDFKit (every element is placed at coordinates, and PDFKit would otherwise break a line near
 * the bottom onto a page of its own); PAGE.margin is kept by the drawing code.
 */
export async function renderPdf(
  info: PdfInfo,
  draw: (doc: Doc) => Promise<void>,
): Promise<RenderedPdf> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    info: {
      Title: info.title,
      Subject: info.subject,
      Author: 'WADM',
      Creator: 'WADM reports',
      Producer: 'WADM reports (PDFKit)',
      CreationDate: info.date,
      ModDate: info.date,
    },
  });
  registerFonts(doc);
  doc.font(FONT.regular);
  let pages = 1;
  doc.on('pageAdded', () => (pages += 1));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  await draw(doc);
  doc.end();
  return { bytes: await done, pages };
}

/** The y where content starts on a page. */
export const TOP = PAGE.margin;
/** The y content must stay above. */
export const BOTTOM = PAGE.height - PAGE.margin;

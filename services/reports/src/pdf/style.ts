/** A4 portrait in points, and the margin every page keeps. */
export const PAGE = { width: 595.28, height: 841.89, margin: 40 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;

export const COLOUR = {
  ink: '#1f2933',
  muted: '#6b7280',
  grid: '#d0d4da',
  up: '#1a7f4b',
  down: '#c0392b',
  /** The candle colours at half strength on white, for the volume bars. */
  upVolume: '#8cbfa5',
  downVolume: '#df9c95',
  smaFast: '#2563eb',
  smaSlow: '#d97706',
  day: '#eef2f7',
} as const;

/** The embedded faces (see fonts.ts). */
export const FONT = { regular: 'Inter', bold: 'Inter-Bold' } as const;

export type Doc = PDFKit.PDFDocument;

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FONT, type Doc } from './style.js';
import { woffToSfnt } from './woff.js';

const require = createRequire(import.meta.url);
let faces: Record<string, Buffer> | undefined;

/**
 * Registers Inter (from `@fontsource/inter`, SIL Open Font License) under the names in FONT.
 * PDFKit embeds the subset of glyphs used: the PDF shows the same on every viewer, unlike the
 * 14 standard fonts a viewer substitutes. Its subset tags derive from the font's order in the
 * document, not chance, so the bytes stay reproducible. Read and unwrapped once per process.
 */
export function registerFonts(doc: Doc): void {
  faces ??= {
    [FONT.regular]: face('inter-latin-400-normal.woff'),
    [FONT.bold]: face('inter-latin-700-normal.woff'),
  };
  for (const [name, data] of Object.entries(faces)) doc.registerFont(name, data);
}

function face(file: string): Buffer {
  return woffToSfnt(readFileSync(require.resolve(`@fontsource/inter/files/${file}`)));
}

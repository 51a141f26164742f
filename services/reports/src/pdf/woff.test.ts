import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { woffToSfnt } from './woff.js';

const require = createRequire(import.meta.url);
const woff = readFileSync(require.resolve('@fontsource/inter/files/inter-latin-400-normal.woff'));

/** The OpenType table checksum: the sum of the data as big-endian 32-bit words, zero-padded. */
function checksum(data: Buffer): number {
  const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

describe('woffToSfnt', () => {
  it('woffToSfnt - unwraps every table of Inter with the checksum the WOFF recorded for it', () => {
    const sfnt = woffToSfnt(woff);
    const count = woff.readUInt16BE(12);
    expect(sfnt.readUInt32BE(0)).toBe(woff.readUInt32BE(4)); // the flavour: TrueType outlines
    expect(sfnt.readUInt16BE(4)).toBe(count);
    expect(sfnt.length).toBe(woff.readUInt32BE(16)); // totalSfntSize in the WOFF header
    const tags = [];
    for (let i = 0; i < count; i++) {
      const entry = 12 + i * 16;
      const tag = sfnt.toString('latin1', entry, entry + 4);
      const [sum, offset, length] = [4, 8, 12].map((k) => sfnt.readUInt32BE(entry + k)) as [
        number,
        number,
        number,
      ];
      tags.push(tag);
      // head's checksum skips its checkSumAdjustment field, which a whole-file sum fills in.
      const data = Buffer.from(sfnt.subarray(offset, offset + length));
      if (tag === 'head') data.writeUInt32BE(0, 8);
      expect(checksum(data), tag).toBe(sum);
    }
    expect(tags).toEqual(expect.arrayContaining(['glyf', 'cmap', 'head', 'hmtx', 'loca']));
  });

  it('woffToSfnt - refuses what is not WOFF 1.0', () => {
    expect(() => woffToSfnt(Buffer.from('wOF2 and more bytes'))).toThrow(/not a WOFF 1.0 font/);
  });
});

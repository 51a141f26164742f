import { describe, expect, it } from 'vitest';
import { parseByteRange, sliceBytes } from './byte-range.js';

describe('byte ranges', () => {
  it('parseByteRange - first-last, open-ended and suffix ranges, clamped to the size', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseByteRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseByteRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
  });

  it('parseByteRange - past the end is unsatisfiable; what it cannot serve is ignored', () => {
    expect(parseByteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-', 0)).toBe('unsatisfiable');
    for (const header of [
      undefined,
      '',
      'items=0-1',
      'bytes=0-1,5-6',
      'bytes=5-1',
      'bytes=-',
      'bytes=a-b',
    ]) {
      expect(parseByteRange(header, 1000)).toBeNull();
    }
  });

  it('sliceBytes - cuts across chunk borders', async () => {
    async function* chunks() {
      yield Uint8Array.from([0, 1, 2, 3]);
      yield Uint8Array.from([4, 5, 6]);
      yield Uint8Array.from([7, 8, 9]);
      throw new Error('read past the range');
    }
    const out: number[] = [];
    for await (const part of sliceBytes(chunks(), { start: 2, end: 8 })) out.push(...part);
    expect(out).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });
});

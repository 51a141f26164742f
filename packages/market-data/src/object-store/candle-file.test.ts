import { describe, expect, it } from 'vitest';
import { allocateCandles } from '../candles.js';
import { candleFileSize, decodeCandleFile, encodeCandleFile, HEADER_BYTES } from './candle-file.js';

function sample() {
  const candles = allocateCandles(3);
  candles.time.set([1, 2, 3]);
  candles.open.set([0.1, 0.2, 0.3]);
  candles.high.set([1e300, 5, 6]);
  candles.low.set([1e-300, 1, 2]);
  candles.close.set([0.5, 0.6, 0.7]);
  candles.volume.set([0, 7, 8]);
  return candles;
}

describe('candle-file', () => {
  it('encodeCandleFile - writes the header, then each column whole, little-endian', () => {
    const bytes = encodeCandleFile(sample());
    expect(bytes.byteLength).toBe(candleFileSize(3));
    expect(bytes.byteLength).toBe(HEADER_BYTES + 3 * 6 * 8);
    const view = new DataView(bytes.buffer);
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('WCDL');
    expect([view.getUint16(4, true), view.getUint16(6, true), view.getUint32(8, true)]).toEqual([
      1, 6, 3,
    ]);
    expect(view.getFloat64(16 + 2 * 8, true)).toBe(3); // last time
    expect(view.getFloat64(16 + 3 * 8, true)).toBe(0.1); // first open
  });

  it('decodeCandleFile - gives back the same values, as views when aligned', () => {
    const bytes = encodeCandleFile(sample());
    const decoded = decodeCandleFile(bytes);
    expect(decoded).toEqual(sample());
    expect(typeof decoded !== 'string' && decoded.close.buffer).toBe(bytes.buffer);
  });

  it('decodeCandleFile - copies bytes that do not start on an 8-byte boundary', () => {
    const encoded = encodeCandleFile(sample());
    const shifted = Buffer.alloc(encoded.byteLength + 1);
    shifted.set(encoded, 1);
    expect(decodeCandleFile(shifted.subarray(1))).toEqual(sample());
  });

  it('decodeCandleFile - says why bytes are not a candle file', () => {
    const bytes = encodeCandleFile(sample());
    expect(decodeCandleFile(bytes.subarray(0, 10))).toBe('10 bytes, shorter than a header');
    expect(decodeCandleFile(bytes.subarray(0, bytes.byteLength - 8))).toBe(
      '152 bytes, expected 160 for 3 bars',
    );
    const otherVersion = bytes.slice();
    otherVersion[4] = 2;
    expect(decodeCandleFile(otherVersion)).toBe('layout version 2 is not supported');
    expect(decodeCandleFile(new TextEncoder().encode('not a candle file'))).toBe('no WCDL magic');
  });
});

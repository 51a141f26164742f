import { endianness } from 'node:os';
import { CANDLE_COLUMNS, type Candles } from '../candles.js';

/**
 * One series as one object: a 16-byte header, then the six columns (time, open, high, low, close,
 * volume) one after another as little-endian Float64. The header keeps every column 8-byte
 * aligned, so reading is a view over the downloaded bytes, with no parsing or copying.
 *
 * | offset | size | field                        |
 * | ------ | ---- | ---------------------------- |
 * | 0      | 4    | magic `WCDL`                 |
 * | 4      | 2    | layout version, u16 LE (= 1) |
 * | 6      | 2    | column count, u16 LE (= 6)   |
 * | 8      | 4    | bar count n, u32 LE          |
 * | 12     | 4    | reserved, 0                  |
 * | 16     | 48 n | columns, n Float64 each      |
 */
export const CANDLE_FILE_VERSION = 1;
export const HEADER_BYTES = 16;
const MAGIC = [0x57, 0x43, 0x44, 0x4c]; // "WCDL"
const BYTES_PER_BAR = CANDLE_COLUMNS.length * Float64Array.BYTES_PER_ELEMENT;

/** Float64Array uses the host's byte order; the layout is little-endian. */
function assertLittleEndianHost(): void {
  if (endianness() !== 'LE') throw new Error('the candle file layout needs a little-endian host');
}

export function candleFileSize(bars: number): number {
  return HEADER_BYTES + bars * BYTES_PER_BAR;
}

export function encodeCandleFile(candles: Candles): Uint8Array {
  assertLittleEndianHost();
  const n = candles.time.length;
  const buffer = new ArrayBuffer(candleFileSize(n));
  const header = new DataView(buffer, 0, HEADER_BYTES);
  MAGIC.forEach((byte, i) => header.setUint8(i, byte));
  header.setUint16(4, CANDLE_FILE_VERSION, true);
  header.setUint16(6, CANDLE_COLUMNS.length, true);
  header.setUint32(8, n, true);
  CANDLE_COLUMNS.forEach((column, c) => {
    new Float64Array(buffer, HEADER_BYTES + c * n * 8, n).set(candles[column]);
  });
  return new Uint8Array(buffer);
}

/**
 * The bar count from a file's first bytes (at least the header) and the file's whole size, or
 * why they are not a candle file of this version.
 */
export function decodeCandleHeader(head: Uint8Array, fileBytes: number): number | string {
  assertLittleEndianHost();
  if (head.byteLength < HEADER_BYTES) return `${head.byteLength} bytes, shorter than a header`;
  const header = new DataView(head.buffer, head.byteOffset, HEADER_BYTES);
  if (MAGIC.some((byte, i) => header.getUint8(i) !== byte)) return 'no WCDL magic';
  const version = header.getUint16(4, true);
  if (version !== CANDLE_FILE_VERSION) return `layout version ${version} is not supported`;
  const columns = header.getUint16(6, true);
  if (columns !== CANDLE_COLUMNS.length) return `${columns} columns, expected 6`;
  const n = header.getUint32(8, true);
  if (fileBytes !== candleFileSize(n)) {
    return `${fileBytes} bytes, expected ${candleFileSize(n)} for ${n} bars`;
  }
  return n;
}

/**
 * Columns viewing `bytes` (copied first only if misaligned). Returns the reason instead of
 * candles when the bytes are not a candle file of this version.
 */
export function decodeCandleFile(bytes: Uint8Array): Candles | string {
  const n = decodeCandleHeader(bytes, bytes.byteLength);
  if (typeof n === 'string') return n;
  // new Uint8Array(view) copies; Buffer#slice would not.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  const view = (c: number): Float64Array =>
    new Float64Array(aligned.buffer, aligned.byteOffset + HEADER_BYTES + c * n * 8, n);
  return {
    time: view(0),
    open: view(1),
    high: view(2),
    low: view(3),
    close: view(4),
    volume: view(5),
  };
}

/** One byte range of a representation, both ends inclusive (RFC 9110 §14.1.2). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A `Range` header for a representation of `size` bytes: the range to send, `'unsatisfiable'`
 * (416), or null when the whole representation is sent instead — no header, another unit, a
 * syntax it cannot read, or several ranges (a server may ignore a Range it does not support).
 */
export function parseByteRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** The bytes `range` of a stream, dropping the rest; stops reading once past the end. */
export async function* sliceBytes(
  source: AsyncIterable<Uint8Array>,
  range: ByteRange,
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for await (const chunk of source) {
    const chunkStart = offset;
    offset += chunk.byteLength;
    if (offset <= range.start) continue;
    const from = Math.max(0, range.start - chunkStart);
    const to = Math.min(chunk.byteLength, range.end + 1 - chunkStart);
    if (to > from) yield chunk.subarray(from, to);
    if (offset > range.end) return;
  }
}

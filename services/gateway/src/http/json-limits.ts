/** Deep enough for any task's params; deeper JSON only serves to blow recursive code's stack. */
export const MAX_JSON_DEPTH = 64;
/**
 * Object members in one body. A bulk of 1,000 submissions needs about 10,000; parsing costs
 * about a microsecond per distinct key, so 125,000 keys in 1 MiB held the event loop for
 * 150–250 ms per request before this limit.
 */
export const MAX_JSON_MEMBERS = 25_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

export type JsonLimitExceeded = 'depth' | 'members' | null;

/**
 * Which limit a JSON text breaks, found in one pass over its bytes before it is parsed, so a
 * hostile body costs a scan rather than a parse. UTF-8 never puts an ASCII byte inside a
 * multi-byte character, so structural bytes are found without decoding. Malformed JSON is
 * left to the parser.
 */
export function jsonLimitExceeded(
  bytes: Uint8Array,
  maxDepth = MAX_JSON_DEPTH,
  maxMembers = MAX_JSON_MEMBERS,
): JsonLimitExceeded {
  let depth = 0;
  let members = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > maxDepth) return 'depth';
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
    } else if (b === COLON && ++members > maxMembers) {
      return 'members';
    }
  }
  return null;
}

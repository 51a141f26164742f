import { describe, expect, it } from 'vitest';
import { jsonLimitExceeded } from './json-limits.js';

const bytes = (text: string) => Buffer.from(text);

describe('json limits', () => {
  it('jsonLimitExceeded - counts nesting and members outside strings only', () => {
    expect(jsonLimitExceeded(bytes('{"a":[1,{"b":2}]}'), 3, 2)).toBeNull();
    expect(jsonLimitExceeded(bytes('[[[[1]]]]'), 3, 10)).toBe('depth');
    expect(jsonLimitExceeded(bytes('{"a":1,"b":2,"c":3}'), 3, 2)).toBe('members');
    // Brackets, colons and escaped quotes inside strings are text, not structure.
    expect(jsonLimitExceeded(bytes('{"k":"[[[[:::\\"{{{"}'), 2, 1)).toBeNull();
    expect(jsonLimitExceeded(bytes('"\\\\"'), 1, 0)).toBeNull();
    // Multi-byte UTF-8 never hides a structural byte.
    expect(jsonLimitExceeded(bytes('{"ключ":"[значение]"}'), 1, 1)).toBeNull();
  });
});

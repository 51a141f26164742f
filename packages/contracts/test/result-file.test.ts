import { describe, expect, it } from 'vitest';
import { resultFile } from '../src/index.js';

const ref = { store: 'ARTIFACTS', name: 'exports/alice/t1.csv', size: 10, contentType: 'text/csv' };

describe('resultFile', () => {
  it("resultFile - the runtime's resultRef, or a result's artifact in ARTIFACTS", () => {
    expect(resultFile({ resultRef: ref })).toBe(ref);
    expect(resultFile({ result: { artifact: ref, rows: 1 } })).toBe(ref);
    expect(resultFile({ result: { artifact: { ...ref, fileName: 'x.csv' } } })).toEqual({
      ...ref,
      fileName: 'x.csv',
    });
  });

  it('resultFile - anything else is no file', () => {
    for (const result of [
      undefined,
      null,
      'exports/alice/t1.csv',
      { rows: 1 },
      { artifact: { ...ref, store: 'MARKET_DATA' } },
      { artifact: { ...ref, name: '' } },
      { artifact: { ...ref, size: '10' } },
      { artifact: { ...ref, fileName: 3 } },
    ]) {
      expect(resultFile({ result })).toBeNull();
    }
  });
});

import { ErrorCode } from '@wadm/contracts';
import { describe, expect, it } from 'vitest';
import { BacktestSpecError } from '../errors.js';
import { expandGrid } from './grid.js';
import { resolveStrategy } from './registry.js';

/** The field errors of the BacktestSpecError that `fn` throws. */
function fieldsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BacktestSpecError);
    const specError = err as BacktestSpecError;
    expect(specError.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(specError.name).toBe('BacktestSpecError');
    return specError.fields;
  }
  return expect.fail('expected a BacktestSpecError');
}

describe('resolveStrategy', () => {
  it('resolveStrategy - fills in the defaults of absent parameters', () => {
    expect(resolveStrategy('sma_cross')).toEqual({
      name: 'sma_cross',
      params: { fast: 10, slow: 30 },
    });
    expect(resolveStrategy('macd_cross', { signal: 5 })).toEqual({
      name: 'macd_cross',
      params: { fast: 12, slow: 26, signal: 5 },
    });
    expect(resolveStrategy('rsi_reversion', { lower: 25.5 }).params).toEqual({
      period: 14,
      lower: 25.5,
      upper: 70,
    });
  });

  it('resolveStrategy - names the known strategies when the name is unknown', () => {
    const [field] = fieldsOf(() => resolveStrategy('golden_cross'));
    expect(field!.path).toBe('/strategy/name');
    expect(field!.message).toMatch(/unknown strategy "golden_cross".*sma_cross.*donchian_breakout/);
  });

  it('resolveStrategy - refuses fast >= slow on the fast parameter', () => {
    for (const name of ['sma_cross', 'ema_cross', 'macd_cross']) {
      expect(fieldsOf(() => resolveStrategy(name, { fast: 30, slow: 30 }))).toEqual([
        { path: '/strategy/params/fast', message: 'must be less than slow (30), got 30' },
      ]);
    }
    expect(fieldsOf(() => resolveStrategy('sma_cross', { fast: 50 }))[0]!.message).toBe(
      'must be less than slow (30), got 50',
    );
  });

  it('resolveStrategy - refuses an empty RSI band (lower >= upper)', () => {
    expect(fieldsOf(() => resolveStrategy('rsi_reversion', { lower: 70, upper: 30 }))).toEqual([
      { path: '/strategy/params/lower', message: 'must be less than upper (30), got 70' },
    ]);
  });

  it('resolveStrategy - reports every unknown, fractional and out-of-range parameter at once', () => {
    const fields = fieldsOf(() =>
      resolveStrategy('sma_cross', { fats: 5, slow: 2.5, fast: 1 } as Record<string, number>),
    );
    expect(fields).toEqual([
      { path: '/strategy/params/fats', message: 'is not a parameter of sma_cross: use fast, slow' },
      { path: '/strategy/params/fast', message: 'must be an integer from 2 to 100000, got 1' },
      { path: '/strategy/params/slow', message: 'must be an integer from 2 to 100000, got 2.5' },
    ]);
  });

  it('resolveStrategy - refuses values that are not finite numbers', () => {
    const params = { period: Number.NaN, stddev: '2' } as unknown as Record<string, number>;
    expect(fieldsOf(() => resolveStrategy('bollinger_reversion', params))).toEqual([
      { path: '/strategy/params/period', message: 'must be an integer from 2 to 100000, got NaN' },
      { path: '/strategy/params/stddev', message: 'must be a number from 0.01 to 100, got "2"' },
    ]);
  });

  it('resolveStrategy - does not take inherited names for parameters', () => {
    const fields = fieldsOf(() => resolveStrategy('donchian_breakout', { toString: 3 }));
    expect(fields[0]!.path).toBe('/strategy/params/toString');
    expect(() => resolveStrategy('constructor')).toThrow(BacktestSpecError);
  });

  it('BacktestSpecError - lists every field in its message', () => {
    expect(() => resolveStrategy('ema_cross', { fast: 26 })).toThrow(
      'invalid backtest spec: /strategy/params/fast must be less than slow (26), got 26',
    );
  });
});

describe('expandGrid', () => {
  it('expandGrid - lists every valid combination, last key fastest, defaults for the rest', () => {
    const specs = expandGrid('sma_cross', { fast: [5, 20], slow: [10, 50] });
    expect(specs.map((s) => s.params)).toEqual([
      { fast: 5, slow: 10 },
      { fast: 5, slow: 50 },
      { fast: 20, slow: 50 }, // fast 20 ≥ slow 10 is skipped
    ]);
    expect(expandGrid('macd_cross', { signal: [3, 4] }).map((s) => s.params)).toEqual([
      { fast: 12, slow: 26, signal: 3 },
      { fast: 12, slow: 26, signal: 4 },
    ]);
  });

  it('expandGrid - refuses a grid without any valid combination (an empty range)', () => {
    expect(fieldsOf(() => expandGrid('sma_cross', { fast: [50, 60], slow: [20, 30] }))).toEqual([
      {
        path: '/strategy/grid',
        message: 'has no valid combination of fast, slow (is fast < slow, lower < upper?)',
      },
    ]);
  });

  it('expandGrid - refuses empty lists, unknown keys and values out of range', () => {
    expect(
      fieldsOf(() => expandGrid('ema_cross', { fast: [], slowest: [3], slow: [5, 0] })),
    ).toEqual([
      { path: '/strategy/grid/fast', message: 'must list at least one value' },
      {
        path: '/strategy/grid/slowest',
        message: 'is not a parameter of ema_cross: use fast, slow',
      },
      { path: '/strategy/grid/slow/1', message: 'must be an integer from 2 to 100000, got 0' },
    ]);
    expect(fieldsOf(() => expandGrid('nope', { fast: [5] }))[0]!.path).toBe('/strategy/name');
  });

  it('expandGrid - refuses a grid larger than the ceiling', () => {
    const many = Array.from({ length: 20 }, (_, i) => i + 2);
    const fields = fieldsOf(() =>
      expandGrid('macd_cross', { fast: many, slow: many, signal: many }, 1000),
    );
    expect(fields).toEqual([
      { path: '/strategy/grid', message: 'has 8000 combinations, more than 1000: narrow it' },
    ]);
  });
});

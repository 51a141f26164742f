import { describe, expect, it } from 'vitest';
import { WeightedPicker } from '../../src/worker/weighted-picker.js';

describe('WeightedPicker', () => {
  it('shares picks by weight among keys with work', () => {
    const picker = new WeightedPicker({ high: 6, normal: 3, low: 1 });
    const counts = { high: 0, normal: 0, low: 0 };
    for (let i = 0; i < 100; i++) counts[picker.pick(['high', 'normal', 'low']) ?? 'high']++;
    expect(counts).toEqual({ high: 60, normal: 30, low: 10 });
  });

  it('never lets low wait more than one round', () => {
    const picker = new WeightedPicker({ high: 6, normal: 3, low: 1 });
    const picks = Array.from({ length: 10 }, () => picker.pick(['high', 'normal', 'low']));
    expect(picks).toContain('low');
  });

  it('serves whoever has work, and nothing when nobody does', () => {
    const picker = new WeightedPicker({ high: 6, normal: 3, low: 1 });
    expect(picker.pick(['low'])).toBe('low');
    expect(picker.pick([])).toBeUndefined();
  });
});

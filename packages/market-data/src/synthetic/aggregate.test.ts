import { describe, expect, it } from 'vitest';
import { allocateCandles } from '../candles.js';
import { aggregateCandles } from './aggregate.js';

const H = 3_600_000;
const DAY = 24 * H;

describe('aggregate', () => {
  it('aggregateCandles - builds each period from its bars: first open, extremes, last close, summed volume', () => {
    const hourly = allocateCandles(4);
    hourly.time.set([DAY - H, DAY, DAY + H, DAY + 2 * H]);
    hourly.open.set([10, 20, 21, 19]);
    hourly.high.set([11, 25, 22, 20]);
    hourly.low.set([9, 19, 18, 17]);
    hourly.close.set([10.5, 21, 19, 18.5]);
    hourly.volume.set([1, 2, 3, 4.25]);
    const daily = aggregateCandles(hourly, '1d');
    expect(daily).toEqual({
      time: Float64Array.from([0, DAY]),
      open: Float64Array.from([10, 20]),
      high: Float64Array.from([11, 25]),
      low: Float64Array.from([9, 17]),
      close: Float64Array.from([10.5, 18.5]),
      volume: Float64Array.from([1, 9.25]),
    });
  });
});

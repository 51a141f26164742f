import { allocateCandles, CANDLE_COLUMNS, type Candles } from './candles.js';

/** Collects bars one at a time into columns that grow by doubling, for readers of unknown size. */
export class CandleBuilder {
  private columns: Candles;
  private size = 0;

  constructor(capacity = 1024) {
    this.columns = allocateCandles(Math.max(1, capacity));
  }

  get length(): number {
    return this.size;
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.size === this.columns.time.length) this.grow();
    const i = this.size++;
    const c = this.columns;
    c.time[i] = time;
    c.open[i] = open;
    c.high[i] = high;
    c.low[i] = low;
    c.close[i] = close;
    c.volume[i] = volume;
  }

  /** Exact-size copies: the spare capacity is not kept alive by the result. */
  build(): Candles {
    const out = allocateCandles(this.size);
    for (const column of CANDLE_COLUMNS)
      out[column].set(this.columns[column].subarray(0, this.size));
    return out;
  }

  private grow(): void {
    const bigger = allocateCandles(this.columns.time.length * 2);
    for (const column of CANDLE_COLUMNS) bigger[column].set(this.columns[column]);
    this.columns = bigger;
  }
}

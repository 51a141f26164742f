/** `binance`: kline columns (open time first, 12 columns); `ohlcv`: timestamp,open,…,volume. */
export type CsvFormat = 'binance' | 'ohlcv';

export const CSV_VALUES = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CsvValue = (typeof CSV_VALUES)[number];

/** Where each value sits in a row. */
export interface CsvColumns {
  format: CsvFormat;
  header: boolean;
  index: Readonly<Record<CsvValue, number>>;
  /** Fields a row needs to reach every column. */
  minFields: number;
}

/** Names a header may give the time column: ours, Binance's, and common exports'. */
const TIME_NAMES = ['timestamp', 'open_time', 'time', 'date', 'datetime'];
const BINANCE_COLUMNS = 12;

/**
 * Reads the layout from the first non-blank row. A row naming an `open` column is a header and
 * columns are found by name; otherwise the row is data in Binance's order, which starts with
 * the same six values as `timestamp,open,high,low,close,volume`. A string is what is wrong.
 */
export function findColumns(first: readonly string[]): CsvColumns | string {
  const names = first.map((field) => field.toLowerCase());
  if (!names.includes('open')) {
    return {
      format: first.length >= BINANCE_COLUMNS ? 'binance' : 'ohlcv',
      header: false,
      index: { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 },
      minFields: 6,
    };
  }
  const index = {
    time: names.findIndex((name) => TIME_NAMES.includes(name)),
    open: names.indexOf('open'),
    high: names.indexOf('high'),
    low: names.indexOf('low'),
    close: names.indexOf('close'),
    volume: names.indexOf('volume'),
  };
  const missing = CSV_VALUES.filter((value) => index[value] < 0);
  if (missing.length > 0) {
    const what = missing.map((m) => (m === 'time' ? 'timestamp' : m)).join(', ');
    return `the header has no ${what} column (expected timestamp,open,high,low,close,volume or Binance's open_time,…)`;
  }
  return {
    format: names.includes('open_time') || names.includes('close_time') ? 'binance' : 'ohlcv',
    header: true,
    index,
    minFields: Math.max(...Object.values(index)) + 1,
  };
}

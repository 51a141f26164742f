export * from './candles.js';
export * from './candle-store.js';
export * from './errors.js';
export * from './timeframe.js';
export { checkCandle } from './candle-check.js';
export { assertSeries } from './series.js';
export {
  ObjectCandleStore,
  type ObjectCandleStoreOptions,
} from './object-store/object-candle-store.js';
export {
  MongoCandleStore,
  type CandleDocument,
  type MongoCandleStoreOptions,
} from './mongo/mongo-candle-store.js';
export * from './open-candle-store.js';
export type { CsvFormat } from './csv/csv-columns.js';
export type { CandleGap } from './csv/spacing.js';
export { parseCandlesCsv, type ParsedCandlesCsv } from './csv/parse-candles-csv.js';
export {
  checkCandlesCsv,
  importCandlesCsv,
  storeCandlesCsv,
  type CheckedCandlesCsv,
  type CsvImportResult,
} from './csv/import-candles-csv.js';
export * from './synthetic/generate.js';
export { aggregateCandles } from './synthetic/aggregate.js';
export * from './synthetic/demo.js';
export { describeMissingSeries } from './missing-series.js';

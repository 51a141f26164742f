export { assertCandles, sliceCandles, type Candles } from './candles.js';
export { AnalysisOptionsError, describeValue } from './errors.js';
export * from './indicators/index.js';
export { isoTimes } from './iso-time.js';
export { periodsPerYear, TIMEFRAME_MS, YEAR_MS, type Timeframe } from './timeframe.js';
export {
  analyzeHistory,
  type HistoryAnalysis,
  type HistoryOptions,
  type Recent,
} from './history/history.js';
export { drawdownEpisodes, type DrawdownEpisode } from './history/drawdowns.js';
export {
  closeReturns,
  percentile,
  returnDistribution,
  type ReturnDistribution,
} from './history/returns.js';
export {
  fairValueGaps,
  structureBreaks,
  swingPoints,
  type FairValueGap,
  type StructureBreak,
  type SwingPoint,
} from './history/structure.js';
export {
  periodStart,
  volatilityByPeriod,
  type PeriodVolatility,
  type VolatilityPeriod,
} from './history/volatility.js';

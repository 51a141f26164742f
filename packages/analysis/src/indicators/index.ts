export { atr, trueRange } from './atr.js';
export { bollinger, type BollingerBands } from './bollinger.js';
export { donchian, rollingMax, rollingMin, type DonchianChannel } from './donchian.js';
export { macd, type MacdSeries } from './macd.js';
export { ema, sma } from './moving-average.js';
export { MAX_PERIOD } from './period.js';
export { rsi } from './rsi.js';

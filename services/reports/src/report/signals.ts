import type { DayStructure } from './day-structure.js';
import type { DayFigures } from './figures.js';

/** RSI levels read as overbought and oversold. */
export const RSI_OVERBOUGHT = 70;
export const RSI_OVERSOLD = 30;
/** A day's volume this many times its 20-day average is called out. */
export const VOLUME_SPIKE = 2;

/** What stands out in a symbol's day, in short phrases for the summary and its page. */
export function daySignals(f: DayFigures, structure: DayStructure | null): string[] {
  const out: string[] = [];
  if (f.rsi !== null && f.rsi >= RSI_OVERBOUGHT) out.push(`RSI ${f.rsi.toFixed(1)} overbought`);
  if (f.rsi !== null && f.rsi <= RSI_OVERSOLD) out.push(`RSI ${f.rsi.toFixed(1)} oversold`);
  if (f.macd?.cross) out.push(`MACD ${f.macd.cross} cross`);
  if (f.smaCross) out.push(`${f.smaCross === 'golden' ? 'Golden' : 'Death'} cross (SMA 50/200)`);
  for (const cross of f.closeCrosses) out.push(`Close crossed ${cross}`);
  if (f.volumeRatio !== null && f.volumeRatio >= VOLUME_SPIKE) {
    out.push(`Volume ${f.volumeRatio.toFixed(1)}x its 20-day average`);
  }
  for (const direction of ['bullish', 'bearish'] as const) {
    const count = structure?.breaks.filter((b) => b.direction === direction).length ?? 0;
    if (count > 0) out.push(`${count} ${direction} break${count > 1 ? 's' : ''} of structure`);
  }
  return out;
}

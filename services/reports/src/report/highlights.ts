import type { SymbolReport } from './symbol-report.js';

/** The summary's headline: best and worst change, biggest range. */
export interface Highlights {
  best: SymbolReport;
  worst: SymbolReport;
  biggestRange: SymbolReport;
}

/** Ties go to the symbol listed first, so the same inputs pick the same symbols. */
export function highlights(reports: readonly SymbolReport[]): Highlights | undefined {
  const [first] = reports;
  if (!first) return undefined;
  const pick = (better: (a: SymbolReport, b: SymbolReport) => boolean) =>
    reports.reduce((best, r) => (better(r, best) ? r : best), first);
  return {
    best: pick((a, b) => a.figures.changePct > b.figures.changePct),
    worst: pick((a, b) => a.figures.changePct < b.figures.changePct),
    biggestRange: pick((a, b) => a.figures.rangePct > b.figures.rangePct),
  };
}

import type { BacktestMetrics } from '@wadm/contracts';

/** One combination of a sweep's result. */
export interface RankedCombination {
  params: Record<string, number>;
  metrics: BacktestMetrics;
}

interface Entry extends RankedCombination {
  /** Position in the grid: ties go to the earlier combination, whatever order chunks finish in. */
  index: number;
  score: number;
}

/**
 * The best `limit` combinations by the metric `objective`, highest first, kept as results
 * arrive so a sweep of 100 000 combinations holds `limit` of them, not all. A metric that is
 * missing or NaN ranks after every number.
 */
export class TopCombinations {
  private readonly entries: Entry[] = [];

  constructor(
    private readonly objective: string,
    private readonly limit: number,
  ) {}

  offer(index: number, params: Readonly<Record<string, number>>, metrics: BacktestMetrics): void {
    const value: unknown = Reflect.get(metrics, this.objective);
    const entry: Entry = {
      index,
      score: typeof value === 'number' ? value : NaN,
      params: { ...params },
      metrics,
    };
    const { entries } = this;
    const last = entries.at(-1);
    if (entries.length >= this.limit && last && !ranksBefore(entry, last)) return;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ranksBefore(entries[mid]!, entry)) lo = mid + 1;
      else hi = mid;
    }
    entries.splice(lo, 0, entry);
    if (entries.length > this.limit) entries.pop();
  }

  results(): RankedCombination[] {
    return this.entries.map(({ params, metrics }) => ({ params, metrics }));
  }
}

function ranksBefore(a: Entry, b: Entry): boolean {
  const aMissing = Number.isNaN(a.score);
  if (aMissing !== Number.isNaN(b.score)) return !aMissing;
  if (!aMissing && a.score !== b.score) return a.score > b.score;
  return a.index < b.index;
}

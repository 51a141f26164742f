/**
 * Smooth weighted round-robin (nginx's): among the keys that have work, each pick goes to the
 * one with the highest running credit. Shares follow the weights and no key with work starves.
 */
export class WeightedPicker<K extends string> {
  private readonly credit = new Map<K, number>();

  constructor(private readonly weights: Readonly<Record<K, number>>) {}

  /** `candidates` in precedence order: ties go to the earlier one. */
  pick(candidates: readonly K[]): K | undefined {
    let best: K | undefined;
    let bestCredit = -Infinity;
    let total = 0;
    for (const key of candidates) {
      const weight = this.weights[key];
      const credit = (this.credit.get(key) ?? 0) + weight;
      this.credit.set(key, credit);
      total += weight;
      if (credit > bestCredit) {
        best = key;
        bestCredit = credit;
      }
    }
    if (best !== undefined) this.credit.set(best, bestCredit - total);
    return best;
  }
}

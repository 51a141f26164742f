import type { FieldError } from '@wadm/contracts';
import { BacktestSpecError } from '../errors.js';
import type { StrategyDefinition } from './definition.js';
import {
  paramProblem,
  resolveStrategy,
  strategyDefinition,
  unknownParam,
  type StrategySpec,
} from './registry.js';

/** Ceiling of a sweep's grid size: beyond it a sweep would not finish in its time limit. */
export const MAX_SWEEP_COMBINATIONS = 100_000;

/**
 * Every valid strategy of a sweep grid such as `{fast: [5, 10], slow: [20, 50]}`, the last key
 * varying fastest; absent parameters take their defaults. Combinations that break a rule between
 * parameters (`fast >= slow`) are skipped, since a grid over both naturally holds some. Throws a
 * `BacktestSpecError` for an unknown strategy or parameter, an empty list, a value out of range,
 * a grid of more than `maxCombinations`, or one with no valid combination (an empty range).
 */
export function expandGrid(
  name: string,
  grid: Readonly<Record<string, readonly number[]>>,
  maxCombinations = MAX_SWEEP_COMBINATIONS,
): StrategySpec[] {
  const definition = strategyDefinition(name);
  const keys = Object.keys(grid);
  const lists = keys.map((key) => grid[key] ?? []);
  const problems = keys.flatMap((key, k) => listProblems(name, definition, key, lists[k]!));
  if (problems.length > 0) throw new BacktestSpecError(problems);

  const total = lists.reduce((product, list) => product * list.length, 1);
  if (total > maxCombinations) {
    const message = `has ${total} combinations, more than ${maxCombinations}: narrow it`;
    throw new BacktestSpecError([{ path: '/strategy/grid', message }]);
  }
  const defaults = Object.entries(definition.params).map(([key, rule]) => [key, rule.default]);
  const specs: StrategySpec[] = [];
  for (let index = 0; index < total; index++) {
    const params: Record<string, number> = Object.fromEntries(defaults);
    let rest = index;
    for (let k = keys.length - 1; k >= 0; k--) {
      const list = lists[k]!;
      params[keys[k]!] = list[rest % list.length]!;
      rest = Math.floor(rest / list.length);
    }
    if ((definition.relations?.(params) ?? []).length === 0) {
      specs.push(resolveStrategy(name, params));
    }
  }
  if (specs.length === 0) {
    const message = `has no valid combination of ${keys.join(', ')} (is fast < slow, lower < upper?)`;
    throw new BacktestSpecError([{ path: '/strategy/grid', message }]);
  }
  return specs;
}

function listProblems(
  name: string,
  definition: StrategyDefinition,
  key: string,
  values: readonly number[],
): FieldError[] {
  const path = `/strategy/grid/${key}`;
  if (!Object.hasOwn(definition.params, key)) return [unknownParam(name, definition, path)];
  if (values.length === 0) return [{ path, message: 'must list at least one value' }];
  const rule = definition.params[key]!;
  return values.flatMap((value, i) => {
    const message = paramProblem(rule, value);
    return message ? [{ path: `${path}/${i}`, message }] : [];
  });
}

import { STRATEGY_NAMES, type FieldError, type StrategyName } from '@wadm/contracts';
import { describeValue, type Candles } from '@wadm/analysis';
import { BacktestSpecError } from '../errors.js';
import { donchianBreakout } from './breakout.js';
import { emaCross, macdCross, smaCross } from './cross.js';
import type { ParamRule, StrategyDefinition } from './definition.js';
import { bollingerReversion, rsiReversion } from './reversion.js';

/** Every strategy of the contracts' `StrategyName`, by name. */
export const STRATEGIES = {
  sma_cross: smaCross,
  ema_cross: emaCross,
  rsi_reversion: rsiReversion,
  macd_cross: macdCross,
  bollinger_reversion: bollingerReversion,
  donchian_breakout: donchianBreakout,
} satisfies Record<StrategyName, StrategyDefinition>;

type ParamsOf<D> = D extends StrategyDefinition<infer K> ? Readonly<Record<K, number>> : never;

/** A strategy with all its parameters, valid: `{name: 'sma_cross', params: {fast, slow}}`. */
export type StrategySpec = {
  [N in StrategyName]: { name: N; params: ParamsOf<(typeof STRATEGIES)[N]> };
}[StrategyName];

/**
 * Checks a strategy name and its parameters and fills in defaults. Throws every problem that
 * `strategyProblems` finds as one `BacktestSpecError`.
 */
export function resolveStrategy(
  name: string,
  params: Readonly<Record<string, number>> = {},
  path = '/strategy',
): StrategySpec {
  const problems = strategyProblems(name, params, path);
  if (problems.length > 0) throw new BacktestSpecError(problems);
  const resolved: Record<string, number> = {};
  for (const [key, rule] of Object.entries(strategyDefinition(name, path).params)) {
    resolved[key] = params[key] ?? rule.default;
  }
  return { name, params: resolved } as StrategySpec;
}

/**
 * Every problem of a strategy name and its parameters (none when they are valid): an unknown
 * strategy or parameter, a value that is not a number, not an integer or out of range, and once
 * each value is in range a broken rule between them (`fast >= slow`, `lower >= upper`). Field
 * paths start with `path`.
 */
export function strategyProblems(
  name: string,
  params: Readonly<Record<string, number>>,
  path = '/strategy',
): FieldError[] {
  if (!Object.hasOwn(STRATEGIES, name)) return [unknownStrategy(name, path)];
  const definition: StrategyDefinition = STRATEGIES[name as StrategyName];
  const problems: FieldError[] = [];
  for (const key of Object.keys(params)) {
    if (!Object.hasOwn(definition.params, key)) {
      problems.push(unknownParam(name, definition, `${path}/params/${key}`));
    }
  }
  const values: Record<string, number> = {};
  for (const [key, rule] of Object.entries(definition.params)) {
    const value = params[key] ?? rule.default;
    const message = paramProblem(rule, value);
    if (message) problems.push({ path: `${path}/params/${key}`, message });
    values[key] = value;
  }
  if (problems.length > 0 || !definition.relations) return problems;
  return definition.relations(values).map((p) => ({
    path: `${path}/params/${p.param}`,
    message: p.message,
  }));
}

/** The definition of strategy `name`; a `BacktestSpecError` at `${path}/name` if there is none. */
export function strategyDefinition(name: string, path = '/strategy'): StrategyDefinition {
  if (Object.hasOwn(STRATEGIES, name)) return STRATEGIES[name as StrategyName];
  throw new BacktestSpecError([unknownStrategy(name, path)]);
}

function unknownStrategy(name: string, path: string): FieldError {
  const message = `unknown strategy ${JSON.stringify(name)}: use one of ${STRATEGY_NAMES.join(', ')}`;
  return { path: `${path}/name`, message };
}

/** Why `value` breaks `rule`, or undefined when it does not. */
export function paramProblem(rule: ParamRule, value: unknown): string | undefined {
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    value >= rule.min &&
    value <= rule.max;
  if (valid) return undefined;
  const kind = rule.integer ? 'an integer' : 'a number';
  return `must be ${kind} from ${rule.min} to ${rule.max}, got ${describeValue(value)}`;
}

export function unknownParam(
  name: string,
  definition: StrategyDefinition,
  path: string,
): FieldError {
  const known = Object.keys(definition.params).join(', ');
  return { path, message: `is not a parameter of ${name}: use ${known}` };
}

/** The strategy's `Signal` flags for every bar of `candles`. */
export function strategySignals(candles: Candles, strategy: StrategySpec): Uint8Array {
  const definition: StrategyDefinition = STRATEGIES[strategy.name];
  return definition.signals(candles, strategy.params);
}

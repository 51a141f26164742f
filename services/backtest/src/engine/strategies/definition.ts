import { MAX_PERIOD, type Candles } from '@wadm/analysis';

/** Bounds and default of one numeric strategy parameter. */
export interface ParamRule {
  /** Taken when the parameter is absent. */
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/** A broken rule between parameters, reported on `param`. */
export interface ParamProblem<K extends string> {
  param: K;
  message: string;
}

/** A strategy: its parameters (named `K`) and its signals. */
export interface StrategyDefinition<K extends string = string> {
  readonly params: Readonly<Record<K, ParamRule>>;
  /** Rules across parameters, such as `fast < slow`; checked once each one is in range. */
  relations?(params: Readonly<Record<K, number>>): ParamProblem<K>[];
  /** `Signal` flags for every bar, each from data up to and including that bar. */
  signals(candles: Candles, params: Readonly<Record<K, number>>): Uint8Array;
}

/** Infers the parameter names `K` from the `params` table. */
export function defineStrategy<K extends string>(definition: StrategyDefinition<K>) {
  return definition;
}

/** A look-back period: an integer from `min` (TA-Lib's least, 2, by default) to TA-Lib's most. */
export function periodRule(defaultValue: number, min = 2): ParamRule {
  return { default: defaultValue, min, max: MAX_PERIOD, integer: true };
}

/** `param` must be below `other`; the message names both values. */
export function lessThan<K extends string>(
  params: Readonly<Record<K, number>>,
  param: K,
  other: K,
): ParamProblem<K>[] {
  return params[param] < params[other]
    ? []
    : [{ param, message: `must be less than ${other} (${params[other]}), got ${params[param]}` }];
}

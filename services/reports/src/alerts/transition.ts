import type { AlertRule, AlertState } from '@wadm/contracts';
import type { Observation } from './conditions.js';

/** What one evaluation of one rule does: the state to write (none: unchanged) and why. */
export interface Step {
  next: AlertState | undefined;
  outcome: 'baseline' | 'unchanged' | 'rearmed' | 'triggered' | 'suppressed';
}

/**
 * The rule's state machine. A level condition is armed while not met and triggers when it
 * becomes met, then waits to re-arm (not met again) before it can trigger again; an event
 * condition triggers on each event newer than the last one seen. The first look at a rule (or
 * at an edited one) only records where things stand: a rule saved while its level is already
 * crossed has seen no crossing. A trigger within `cooldownSeconds` of the last notified one is
 * suppressed: recorded, not notified, and the rule waits to re-arm as after a trigger.
 *
 * Counters and the last trigger survive an edit, so trigger numbers (and the notification ids
 * derived from them) never repeat for a rule, and the cool-down still holds.
 */
export function step(
  rule: AlertRule,
  state: AlertState | undefined,
  seen: Observation,
  bar: number,
  now: number,
): Step {
  const armedNow = seen.kind === 'level' ? !seen.met : true;
  if (!state || state.ruleVersion !== rule.updatedAt) {
    return {
      next: {
        armed: armedNow,
        value: seen.value,
        bar,
        ruleVersion: rule.updatedAt,
        triggers: state?.triggers ?? 0,
        suppressed: state?.suppressed ?? 0,
        ...(state?.lastTrigger ? { lastTrigger: state.lastTrigger } : {}),
      },
      outcome: 'baseline',
    };
  }
  const crossed = seen.kind === 'level' ? state.armed && seen.met : seen.value > state.value;
  if (!crossed) {
    if (seen.kind === 'level' && !state.armed && !seen.met) {
      return { next: { ...state, armed: true, value: seen.value, bar }, outcome: 'rearmed' };
    }
    return { next: undefined, outcome: 'unchanged' };
  }
  const last = state.lastTrigger ? Date.parse(state.lastTrigger.at) : Number.NEGATIVE_INFINITY;
  const disarmed = { ...state, armed: seen.kind === 'event', value: seen.value, bar };
  if (now - last < rule.cooldownSeconds * 1000) {
    return { next: { ...disarmed, suppressed: state.suppressed + 1 }, outcome: 'suppressed' };
  }
  const number = state.triggers + 1;
  return {
    next: {
      ...disarmed,
      triggers: number,
      lastTrigger: {
        key: triggerKey(rule.id, number),
        at: new Date(now).toISOString(),
        value: seen.value,
        notified: false,
      },
    },
    outcome: 'triggered',
  };
}

/** The trigger's name, from which its notifications' idempotency keys derive. */
export function triggerKey(ruleId: string, number: number): string {
  return `alert-${ruleId}-${number}`;
}

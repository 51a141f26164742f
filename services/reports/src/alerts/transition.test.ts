import type { AlertRule, AlertState } from '@wadm/contracts';
import { describe, expect, it } from 'vitest';
import type { Observation } from './conditions.js';
import { step } from './transition.js';

const rule: AlertRule = {
  id: 'r1',
  owner: 'alice',
  symbol: 'BTCUSDT',
  timeframe: '1h',
  condition: { kind: 'price_cross', direction: 'up', level: 100 },
  channels: { email: true },
  cooldownSeconds: 600,
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const level = (met: boolean, value: number): Observation => ({ kind: 'level', met, value });
const MIN = 60_000;

/** Runs the observations in order, one bar a minute apart, and lists the outcomes. */
function run(observations: Observation[], r: AlertRule = rule, start?: AlertState) {
  let state = start;
  return observations.map((seen, i) => {
    const { next, outcome } = step(r, state, seen, i * MIN, i * MIN);
    state = next ?? state;
    return outcome;
  });
}

describe('alert transitions', () => {
  it('step - a level triggers when it becomes met, and again only after re-arming', () => {
    expect(
      run(
        [level(false, 99), level(true, 101), level(true, 102), level(false, 98), level(true, 101)],
        {
          ...rule,
          cooldownSeconds: 0,
        },
      ),
    ).toEqual(['baseline', 'triggered', 'unchanged', 'rearmed', 'triggered']);
  });

  it('step - a rule first seen already crossed waits for a crossing', () => {
    expect(run([level(true, 101), level(true, 105), level(false, 99), level(true, 101)])).toEqual([
      'baseline',
      'unchanged',
      'rearmed',
      'triggered',
    ]);
  });

  it('step - within the cool-down a crossing is suppressed, and the rule must re-arm again', () => {
    const outcomes = run([
      level(false, 99),
      level(true, 101), // minute 1: notified
      level(false, 99),
      level(true, 101), // minute 3: inside 10 minutes
      level(false, 99),
      ...Array.from({ length: 8 }, () => level(false, 99)),
      level(true, 101), // minute 13: cool-down over
    ]);
    expect(outcomes.filter((o) => o === 'triggered' || o === 'suppressed')).toEqual([
      'triggered',
      'suppressed',
      'triggered',
    ]);
  });

  it('step - trigger keys never repeat for a rule, across edits', () => {
    const first = step(rule, undefined, level(false, 99), 0, 0).next as AlertState;
    const fired = step(rule, first, level(true, 101), MIN, MIN).next as AlertState;
    expect(fired.lastTrigger).toMatchObject({ key: 'alert-r1-1', notified: false, value: 101 });
    const edited = { ...rule, updatedAt: '2026-01-02T00:00:00.000Z', cooldownSeconds: 0 };
    const rebased = step(edited, fired, level(false, 99), 2 * MIN, 2 * MIN);
    expect(rebased).toMatchObject({ outcome: 'baseline', next: { triggers: 1, armed: true } });
    const again = step(edited, rebased.next, level(true, 101), 3 * MIN, 3 * MIN).next;
    expect(again?.lastTrigger?.key).toBe('alert-r1-2');
  });

  it('step - an event condition triggers on each newer event only', () => {
    const bos: AlertRule = { ...rule, cooldownSeconds: 0, condition: { kind: 'structure_break' } };
    const event = (value: number): Observation => ({ kind: 'event', value });
    expect(run([event(5), event(5), event(9), event(9), event(12)], bos)).toEqual([
      'baseline',
      'unchanged',
      'triggered',
      'unchanged',
      'triggered',
    ]);
  });
});

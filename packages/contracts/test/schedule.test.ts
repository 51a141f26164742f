import { describe, expect, it } from 'vitest';
import {
  fireIdempotencyKey,
  InvalidSubjectTokenError,
  parseScheduleKey,
  scheduleKey,
  scheduleKeysOf,
  scheduleSpecErrors,
  withFire,
  type ScheduleFire,
} from '../src/index.js';

describe('schedule contracts', () => {
  it('scheduleKey - builds <owner>.<id> and parses it back', () => {
    expect(scheduleKey('system', 'daily-report')).toBe('system.daily-report');
    expect(parseScheduleKey('alice.nightly_1')).toEqual({
      owner: 'alice',
      scheduleId: 'nightly_1',
    });
    expect(parseScheduleKey('alice.a.b')).toBeNull();
    expect(parseScheduleKey('alice')).toBeNull();
    expect(scheduleKeysOf('alice')).toBe('alice.>');
    expect(scheduleKeysOf('*')).toBe('>');
    expect(() => scheduleKey('alice', 'a.b')).toThrow(InvalidSubjectTokenError);
    expect(() => scheduleKey('alice', 'x'.repeat(65))).toThrow(/invalid schedule id/);
  });

  it('scheduleSpecErrors - fills defaults and names the failing field', () => {
    const spec: Record<string, unknown> = {
      id: 'probe',
      every: 1000,
      task: { type: 'diagnostics.echo', params: {} },
    };
    expect(scheduleSpecErrors(spec)).toEqual([]);
    expect(spec).toMatchObject({
      timezone: 'UTC',
      enabled: true,
      overlap: 'skip',
      catchupWindowMs: 0,
      task: { priority: 'normal' },
    });
    const path = (s: unknown) => scheduleSpecErrors(s).map((f) => f.path);
    const task = { type: 'diagnostics.echo', params: {} };
    expect(path({ id: 'p', task })).toEqual(['/cron']);
    expect(path({ id: 'p', cron: '* * * * *', every: 1000, task })).toEqual(['/cron']);
    expect(path({ id: 'p', every: 999, task })).toEqual(['/every']);
    expect(path({ id: 'p', cron: '* * * *', task })).toEqual(['/cron']);
    expect(path({ id: 'p', every: 1000, task: { type: 'x.y', params: {} } })).toEqual([
      '/task/type',
    ]);
    expect(
      path({ id: 'p', every: 1000, task: { type: 'diagnostics.echo', params: { sleepMs: -1 } } }),
    ).toEqual(['/task/params/sleepMs']);
    expect(path({ id: 'p', every: 1000, task, overlap: 'queue' })).toEqual(['/overlap']);
  });

  it('withFire - one entry per fire time, a submission wins, the newest 20 kept', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const fire = (s: number, outcome: ScheduleFire['outcome']): ScheduleFire => ({
      scheduledAt: at(s),
      outcome,
      ...(outcome === 'submitted' ? { taskId: `t${s}` } : {}),
    });
    let history: ScheduleFire[] = [];
    for (let s = 0; s < 25; s++) history = withFire(history, fire(s, 'missed')) ?? history;
    expect(history).toHaveLength(20);
    expect(history[0]?.scheduledAt).toBe(at(5));
    expect(withFire(history, fire(24, 'missed'))).toBeNull();
    expect(withFire(history, fire(24, 'submitted'))?.at(-1)).toEqual(fire(24, 'submitted'));
    expect(withFire(history, fire(1, 'submitted'))).toBeNull();
    expect(withFire(history, fire(12, 'skipped-overlap'))).toBeNull();
    expect(fireIdempotencyKey('daily', new Date(at(3)))).toBe(`daily@${at(3)}`);
  });
});

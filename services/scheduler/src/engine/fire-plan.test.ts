import { describe, expect, it } from 'vitest';
import { jitterOffsetMs, scheduleTimer } from '@wadm/runtime';
import { planFires } from './fire-plan.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const every10s = scheduleTimer({ every: 10_000, timezone: 'UTC' });
const iso = (dates: Date[]) => dates.map((d) => d.toISOString().slice(11, 19));

describe('planFires', () => {
  it('planFires - fires every on-time fire, each once', () => {
    const plan = planFires({
      timer: every10s,
      from: new Date(T0),
      now: new Date(T0 + 21_000),
      catchupWindowMs: 0,
      graceMs: 12_000,
    });
    expect(iso(plan.fire)).toEqual(['00:00:10', '00:00:20']);
    expect(plan.missed).toEqual([]);
    expect(plan.cursor.getTime()).toBe(T0 + 21_000);
  });

  it('planFires - without a catch-up window, late fires are missed', () => {
    const plan = planFires({
      timer: every10s,
      from: new Date(T0),
      now: new Date(T0 + 45_000),
      catchupWindowMs: 0,
      graceMs: 1_000,
    });
    expect(plan.fire).toEqual([]);
    expect(iso(plan.missed)).toEqual(['00:00:10', '00:00:20', '00:00:30', '00:00:40']);
  });

  it('planFires - the latest fire within the window runs once, the rest are missed', () => {
    const plan = planFires({
      timer: every10s,
      from: new Date(T0),
      now: new Date(T0 + 45_000),
      catchupWindowMs: 25_000,
      graceMs: 1_000,
    });
    expect(iso(plan.fire)).toEqual(['00:00:40']);
    expect(iso(plan.missed)).toEqual(['00:00:10', '00:00:20', '00:00:30']);
  });

  it('planFires - an on-time fire supersedes the catch-up', () => {
    const plan = planFires({
      timer: every10s,
      from: new Date(T0),
      now: new Date(T0 + 40_500),
      catchupWindowMs: 25_000,
      graceMs: 1_000,
    });
    expect(iso(plan.fire)).toEqual(['00:00:40']);
    expect(iso(plan.missed)).toEqual(['00:00:10', '00:00:20', '00:00:30']);
  });

  it('planFires - records at most the history length of missed fires', () => {
    const plan = planFires({
      timer: scheduleTimer({ every: 1_000, timezone: 'UTC' }),
      from: new Date(T0),
      now: new Date(T0 + 3_600_000),
      catchupWindowMs: 0,
      graceMs: 1_000,
    });
    expect(plan.missed).toHaveLength(20);
    expect(plan.fire.map((d) => d.getTime())).toEqual([T0 + 3_599_000, T0 + 3_600_000]);
  });

  it('planFires - cron fires in the schedule time zone', () => {
    const plan = planFires({
      timer: scheduleTimer({ cron: '0 8 * * *', timezone: 'Europe/Madrid' }),
      from: new Date(T0),
      now: new Date(Date.parse('2026-01-01T07:00:30Z')),
      catchupWindowMs: 0,
      graceMs: 60_000,
    });
    expect(plan.fire.map((d) => d.toISOString())).toEqual(['2026-01-01T07:00:00.000Z']);
  });
  it('planFires - across DST a missing local time fires once, shifted; a repeated one once', () => {
    const timer = scheduleTimer({ cron: '30 2 * * *', timezone: 'Europe/Madrid' });
    const fires = (from: string, to: string) =>
      planFires({
        timer,
        from: new Date(from),
        now: new Date(to),
        catchupWindowMs: 0,
        graceMs: 5 * 86_400_000,
      }).fire.map((d) => d.toISOString());
    // 29 March 2026: 02:00 → 03:00 local; 02:30 does not exist and fires at 03:00 (01:00Z).
    expect(fires('2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z')).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
    ]);
    // 25 October 2026: 03:00 → 02:00 local; 02:30 happens twice and fires the first time.
    expect(fires('2026-10-23T12:00:00Z', '2026-10-27T12:00:00Z')).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
      '2026-10-27T01:30:00.000Z',
    ]);
  });

  it('planFires - 08:00 Europe/Madrid fires once a day at 08:00 local across both clock changes', () => {
    const timer = scheduleTimer({ cron: '0 8 * * *', timezone: 'Europe/Madrid' });
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Madrid',
      dateStyle: 'short',
      timeStyle: 'short',
    });
    for (const [from, to, switchDay] of [
      ['2026-03-24T12:00:00Z', '2026-04-03T12:00:00Z', '2026-03-29'],
      ['2026-10-20T12:00:00Z', '2026-10-30T12:00:00Z', '2026-10-25'],
    ] as const) {
      // One plan over the whole range, as croner computes it (no waiting).
      const fires = planFires({
        timer,
        from: new Date(from),
        now: new Date(to),
        catchupWindowMs: 0,
        graceMs: 30 * 86_400_000,
      }).fire;
      expect(fires).toHaveLength(10);
      const days = fires.map((d) => local.format(d));
      expect(new Set(days.map((d) => d.split(',')[0])).size).toBe(10);
      expect(days.every((d) => d.endsWith(', 08:00'))).toBe(true);
      // The UTC time moves by the hour on the day of the change, and only then.
      const utcHours = fires.map((d) => d.getUTCHours());
      const changeAt = fires.findIndex((d) => d.toISOString().startsWith(switchDay));
      const [before, after] = from.startsWith('2026-03') ? [7, 6] : [6, 7];
      expect(utcHours.slice(0, changeAt).every((h) => h === before)).toBe(true);
      expect(utcHours.slice(changeAt).every((h) => h === after)).toBe(true);
    }
  });

  it('planFires - jitter delays each fire by its own offset; the fire keeps its time', () => {
    const delayOf = (at: Date) => jitterOffsetMs('u.j', at, 5_000);
    const offsets = [1, 2, 3].map((i) => delayOf(new Date(T0 + i * 10_000)));
    expect(offsets.every((o) => o >= 0 && o < 5_000)).toBe(true);
    expect(new Set(offsets).size).toBeGreaterThan(1);
    const first = new Date(T0 + 10_000);
    const at = (ms: number) =>
      planFires({
        timer: every10s,
        from: new Date(T0),
        now: new Date(ms),
        catchupWindowMs: 0,
        graceMs: 1_000,
        delayOf,
      });
    const before = at(first.getTime() + delayOf(first) - 1);
    expect(before.fire).toEqual([]);
    // Not yet due: the next plan looks at the same time again.
    expect(before.cursor.getTime()).toBe(T0);
    const dueAt = first.getTime() + delayOf(first);
    const due = at(dueAt);
    expect(due.fire).toEqual([first]);
    expect(due.cursor.getTime()).toBe(dueAt);
  });
});

import { describe, expect, it } from 'vitest';
import {
  InvalidSubjectTokenError,
  parseCancelSubject,
  parseEventSubject,
  parseStateKey,
  parseTaskSubject,
  stateKey,
  stateKeysOf,
  stateKeysWithId,
  subjects,
} from '../src/index.js';

describe('subjects', () => {
  it('builds the subjects the streams capture', () => {
    expect(subjects.task('backtest', 'high')).toBe('tasks.backtest.high');
    expect(subjects.event('alice', 't-1')).toBe('events.tasks.alice.t-1');
    expect(subjects.eventsOf('alice')).toBe('events.tasks.alice.>');
    expect(subjects.cancel('alice', 't-1')).toBe('control.cancel.alice.t-1');
    expect(subjects.dlq('exports')).toBe('dlq.tasks.exports');
  });

  it('refuses tokens that would change the subject', () => {
    expect(() => subjects.event('alice.bob', 't')).toThrow(InvalidSubjectTokenError);
    expect(() => subjects.event('*', 't')).toThrow(/invalid owner "\*"/);
    expect(() => subjects.event('alice', '>')).toThrow(/invalid task id/);
    expect(() => subjects.event('', 't')).toThrow(InvalidSubjectTokenError);
    expect(() => subjects.task('nope' as never, 'high')).toThrow(/invalid queue "nope"/);
  });

  it('parses task subjects and state keys back', () => {
    expect(parseTaskSubject('tasks.reports.low')).toEqual({ queue: 'reports', priority: 'low' });
    expect(parseTaskSubject('tasks.reports.urgent')).toBeNull();
    expect(parseTaskSubject('tasks.reports.low.extra')).toBeNull();
    expect(parseStateKey(stateKey('alice', 'abc'))).toEqual({ owner: 'alice', taskId: 'abc' });
    expect(parseStateKey('alice.abc.def')).toBeNull();
  });

  it('parses event and cancel subjects back, and nothing else', () => {
    expect(parseEventSubject(subjects.event('alice', 't-1'))).toEqual({
      owner: 'alice',
      taskId: 't-1',
    });
    expect(parseCancelSubject(subjects.cancel('bob', 'x_2'))).toEqual({
      owner: 'bob',
      taskId: 'x_2',
    });
    expect(parseEventSubject('control.cancel.alice.t-1')).toBeNull();
    expect(parseCancelSubject('control.cancel.alice')).toBeNull();
    expect(parseCancelSubject('control.cancel.alice.t.1')).toBeNull();
    expect(parseEventSubject('events.tasks.al ice.t')).toBeNull();
  });

  it('builds the KV key filters of an owner and of an id', () => {
    expect(stateKeysOf('alice')).toBe('alice.>');
    expect(stateKeysOf('*')).toBe('>');
    expect(stateKeysWithId('t-1')).toBe('*.t-1');
    expect(() => stateKeysOf('a.b')).toThrow(InvalidSubjectTokenError);
    expect(() => stateKeysWithId('>')).toThrow(InvalidSubjectTokenError);
  });
});

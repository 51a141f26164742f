import { describe, expect, it } from 'vitest';
import { ConnectionLimit } from './connection-limit.js';

describe('ConnectionLimit', () => {
  it('connection limit - refuses a user past the max while others still get slots', () => {
    const limit = new ConnectionLimit(2);
    expect(limit.acquire('ann')).not.toBeNull();
    expect(limit.acquire('ann')).not.toBeNull();
    expect(limit.acquire('ann')).toBeNull();
    expect(limit.acquire('ben')).not.toBeNull();
    expect(limit.count('ann')).toBe(2);
    expect(limit.count('ben')).toBe(1);
  });

  it('connection limit - a released slot can be taken again', () => {
    const limit = new ConnectionLimit(1);
    const release = limit.acquire('ann');
    expect(limit.acquire('ann')).toBeNull();
    release?.();
    expect(limit.acquire('ann')).not.toBeNull();
  });

  it('connection limit - releasing twice frees one slot only', () => {
    const limit = new ConnectionLimit(2);
    const first = limit.acquire('ann');
    limit.acquire('ann');
    first?.();
    first?.();
    expect(limit.count('ann')).toBe(1);
    expect(limit.acquire('ann')).not.toBeNull();
    expect(limit.acquire('ann')).toBeNull();
  });

  it('connection limit - forgets a user whose last socket closed', () => {
    const limit = new ConnectionLimit(3);
    const releases = [limit.acquire('ann'), limit.acquire('ann')];
    for (const release of releases) release?.();
    expect(limit.count('ann')).toBe(0);
    expect(limit.users).toBe(0);
  });
});

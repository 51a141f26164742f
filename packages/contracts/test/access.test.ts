import { describe, expect, it } from 'vitest';
import {
  paramRefusal,
  SubmitterRole,
  submittableTypes,
  TASK_CATALOG,
  TASK_TYPES,
  typeRefusal,
} from '../src/index.js';

const { USER, ADMIN, SYSTEM } = SubmitterRole;

describe('submit access', () => {
  it('catalog - every type names who may submit it, and the system may submit every type', () => {
    for (const type of TASK_TYPES) {
      expect(TASK_CATALOG[type].roles.length, type).toBeGreaterThan(0);
      expect(typeRefusal(type, SYSTEM), type).toBeNull();
    }
  });

  it('typeRefusal - maintenance, diagnostics and alerts are for operators only', () => {
    const userTypes = submittableTypes(USER);
    for (const type of TASK_TYPES) {
      const operatorOnly = /^(maintenance|diagnostics|alerts)\./.test(type);
      expect(userTypes.includes(type), type).toBe(!operatorOnly);
      expect(typeRefusal(type, ADMIN), type).toBeNull();
    }
    expect(typeRefusal('maintenance.cleanup', USER)).toEqual({
      path: '/type',
      message: 'maintenance.cleanup may be submitted by admin or system, not by user',
    });
  });

  it('paramRefusal - operator-only params name their field; ordinary use passes', () => {
    expect(paramRefusal('diagnostics.echo', { crash: true }, ADMIN)?.path).toBe('/params/crash');
    expect(paramRefusal('diagnostics.echo', { crash: true }, SYSTEM)).toBeNull();
    expect(paramRefusal('diagnostics.echo', { sleepMs: 60_001 }, ADMIN)?.path).toBe(
      '/params/sleepMs',
    );
    expect(paramRefusal('diagnostics.echo', { sleepMs: 60_000 }, ADMIN)).toBeNull();
    expect(paramRefusal('diagnostics.echo', { resultBytes: 2_000_000 }, ADMIN)?.path).toBe(
      '/params/resultBytes',
    );
    expect(paramRefusal('diagnostics.echo', { crash: false, payload: 1 }, ADMIN)).toBeNull();
    expect(
      paramRefusal('reports.daily', { symbols: ['BTCUSDT'], emailTo: ['a@b.co'] }, USER)?.path,
    ).toBe('/params/emailTo');
    expect(paramRefusal('reports.daily', { symbols: ['BTCUSDT'], emailTo: [] }, USER)).toBeNull();
    expect(
      paramRefusal('reports.daily', { symbols: ['BTCUSDT'], emailTo: ['a@b.co'] }, ADMIN),
    ).toBeNull();
  });

  it('paramRefusal - a user notifies only their own address and registered webhooks', () => {
    const mail = (to: string[]) => ({ to, subject: 's', text: 't' });
    const own = { email: 'Alice@Example.com' };
    expect(paramRefusal('notify.email', mail(['alice@example.com']), USER, own)).toBeNull();
    expect(paramRefusal('notify.email', mail(['alice@example.com', 'b@c.co']), USER, own)).toEqual({
      path: '/params/to',
      message: expect.stringContaining('own address'),
    });
    // Claims unknown (e.g. a caller that passes none): refused, not let through.
    expect(paramRefusal('notify.email', mail(['alice@example.com']), USER)?.path).toBe(
      '/params/to',
    );
    expect(paramRefusal('notify.email', mail(['b@c.co']), ADMIN)).toBeNull();
    expect(
      paramRefusal(
        'reports.daily',
        { symbols: ['BTCUSDT'], emailTo: ['alice@example.com'] },
        USER,
        own,
      ),
    ).toBeNull();
    expect(paramRefusal('notify.webhook', { url: 'https://x.co/h', body: {} }, USER)?.path).toBe(
      '/params/url',
    );
    expect(paramRefusal('notify.webhook', { webhook: 'w1', body: {} }, USER)).toBeNull();
    expect(paramRefusal('notify.webhook', { url: 'https://x.co/h', body: {} }, ADMIN)).toBeNull();
  });
});

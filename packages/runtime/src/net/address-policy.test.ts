import { EnvError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { parseAllowList, refusal, refusedKind } from './address-policy.js';

describe('address policy', () => {
  it('refusedKind - names loopback, private, link-local, unique-local and unspecified addresses', () => {
    expect(refusedKind('127.0.0.1')).toBe('loopback');
    expect(refusedKind('127.10.0.1')).toBe('loopback');
    expect(refusedKind('10.0.0.1')).toBe('private');
    expect(refusedKind('172.31.255.255')).toBe('private');
    expect(refusedKind('192.168.1.1')).toBe('private');
    expect(refusedKind('169.254.169.254')).toBe('link-local');
    expect(refusedKind('0.0.0.0')).toBe('unspecified');
    expect(refusedKind('::')).toBe('unspecified');
    expect(refusedKind('::1')).toBe('loopback');
    expect(refusedKind('fe80::1%eth0')).toBe('link-local');
    expect(refusedKind('febf::1')).toBe('link-local');
    expect(refusedKind('fd12:3456::1')).toBe('unique-local');
    expect(refusedKind('100.64.0.1')).toBe('shared address space');
  });

  it('refusedKind - judges IPv4 inside IPv6 (mapped, compatible, NAT64) as IPv4', () => {
    expect(refusedKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(refusedKind('::ffff:7f00:1')).toBe('loopback');
    expect(refusedKind('::ffff:a9fe:a9fe')).toBe('link-local');
    expect(refusedKind('64:ff9b::10.0.0.1')).toBe('private');
    expect(refusedKind('::ffff:8.8.8.8')).toBeUndefined();
  });

  it('refusedKind - lets public addresses through', () => {
    expect(refusedKind('8.8.8.8')).toBeUndefined();
    expect(refusedKind('172.32.0.1')).toBeUndefined();
    expect(refusedKind('2606:4700:4700::1111')).toBeUndefined();
  });

  it('refusal - host:port, bare addresses and CIDRs of the allow-list let a request through', () => {
    const allow = parseAllowList('hooks.internal:8443, 127.0.0.1 ,10.20.0.0/16,[::1]:9000', 'X');
    expect(refusal(new URL('https://hooks.internal:8443/a'), ['10.9.9.9'], allow)).toBeUndefined();
    expect(refusal(new URL('https://hooks.internal/a'), ['10.9.9.9'], allow)).toMatchObject({
      kind: 'private',
    });
    expect(refusal(new URL('http://localhost:1/'), ['127.0.0.1'], allow)).toBeUndefined();
    expect(refusal(new URL('http://x.test/'), ['10.20.3.4'], allow)).toBeUndefined();
    expect(refusal(new URL('http://[::1]:9000/'), ['::1'], allow)).toBeUndefined();
    expect(refusal(new URL('http://[::1]:9001/'), ['::1'], allow)).toMatchObject({
      address: '::1',
      kind: 'loopback',
    });
  });

  it('refusal - one refused address among public ones refuses the host', () => {
    const allow = parseAllowList('', 'X');
    expect(refusal(new URL('http://x.test/'), ['8.8.8.8', '10.0.0.1'], allow)).toEqual({
      address: '10.0.0.1',
      kind: 'private',
    });
  });

  it('parseAllowList - a bad entry names the variable', () => {
    expect(() => parseAllowList('10.0.0.0/40', 'WADM_WEBHOOK_ALLOW')).toThrow(EnvError);
    expect(() => parseAllowList('host:99999', 'WADM_WEBHOOK_ALLOW')).toThrow(/WADM_WEBHOOK_ALLOW/);
    expect(() => parseAllowList('http://x', 'WADM_WEBHOOK_ALLOW')).toThrow(/WADM_WEBHOOK_ALLOW/);
  });
});

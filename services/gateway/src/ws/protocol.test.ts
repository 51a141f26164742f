import { describe, expect, it } from 'vitest';
import { closeReason, parseClientMessage, parseResumeFrom, toOutbound } from './protocol.js';

const text = (s: string): ArrayBuffer => new TextEncoder().encode(s).buffer as ArrayBuffer;

describe('ws protocol', () => {
  it('protocol - passes the event through and adds its stream_seq', () => {
    const event = {
      task_id: 't1',
      type: 'diagnostics.echo',
      status: 'SUCCESS',
      progress: 1,
      result: { ok: true },
      error: null,
      seq: 4,
      ts: '2025-01-01T00:00:00.000Z',
      attempts: 1,
    };
    const out = toOutbound(new TextEncoder().encode(JSON.stringify(event)), 42);
    expect(out).toMatchObject({ key: 42, taskId: 't1', terminal: true });
    expect(JSON.parse(out?.text ?? '')).toEqual({ ...event, stream_seq: 42 });
    expect(out?.bytes).toBe(Buffer.byteLength(out?.text ?? ''));
    const progress = toOutbound(
      new TextEncoder().encode(JSON.stringify({ ...event, status: 'STARTED' })),
      43,
    );
    expect(progress?.terminal).toBe(false);
  });

  it('protocol - skips payloads that are not task events', () => {
    const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
    expect(toOutbound(new TextEncoder().encode('hi'), 1)).toBeNull();
    expect(toOutbound(enc([1]), 1)).toBeNull();
    expect(toOutbound(enc({ task_id: 'a b', status: 'SUCCESS' }), 1)).toBeNull();
    expect(toOutbound(enc({ task_id: 'a', status: 'DONE' }), 1)).toBeNull();
  });

  it('protocol - reads {"resume_from"} and explains anything else', () => {
    expect(parseClientMessage(text('{"resume_from":12}'), false)).toEqual({
      kind: 'resume',
      from: 12,
    });
    expect(parseClientMessage(text('{"resume_from":12}'), true)).toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    expect(parseClientMessage(text('{'), false)).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(parseClientMessage(text('{"ping":1}'), false)).toMatchObject({
      code: 'INVALID_MESSAGE',
    });
    for (const bad of ['-1', '1.5', '"x"', 'null', '1e300']) {
      expect(parseClientMessage(text(`{"resume_from":${bad}}`), false)).toMatchObject({
        code: 'INVALID_RESUME',
      });
    }
    expect(parseResumeFrom('0')).toBe(0);
    expect(parseResumeFrom('007')).toBe(7);
    expect(parseResumeFrom('soon')).toBeNull();
  });

  it('protocol - keeps close reasons within a control frame', () => {
    expect(closeReason('short')).toBe('short');
    const long = closeReason('é'.repeat(100));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(123);
    expect(long.endsWith('…')).toBe(true);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConformanceChecker, type Exchange } from '@wadm/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../src/http/openapi.js';
import { send } from './harness.js';

const doc = buildOpenApi();
const checker = new ConformanceChecker(doc);

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const PROBLEM_TYPE = { 'content-type': 'application/problem+json' };
const accepted = {
  task_id: 't1',
  status: 'PENDING',
  duplicate: false,
  links: { self: '/api/v1/tasks/t1', result: 'r', cancel: 'c', retry: 'x' },
};
const problem = (status: number, code: string) => ({
  type: '/docs#x',
  title: 'T',
  status,
  detail: 'd',
  code,
});

function exchange(over: Partial<Exchange> & { body?: unknown }): Exchange {
  const { body, ...rest } = over;
  return {
    method: 'POST',
    path: '/api/v1/tasks',
    status: 202,
    headers: { ...JSON_TYPE, location: '/api/v1/tasks/t1' },
    text: body === undefined ? JSON.stringify(accepted) : JSON.stringify(body),
    ...rest,
  };
}

describe('conformance checker', () => {
  it('conforming - a documented answer has no mismatch', () => {
    expect(checker.check(exchange({}))).toEqual([]);
    expect(
      checker.check(
        exchange({
          method: 'GET',
          path: '/api/v1/tasks/t1?x=1',
          status: 404,
          headers: PROBLEM_TYPE,
          body: problem(404, 'TASK_NOT_FOUND'),
        }),
      ),
    ).toEqual([]);
  });

  it('body - a missing or mistyped field is named with the route', () => {
    const withoutId: Record<string, unknown> = { ...accepted };
    delete withoutId['task_id'];
    expect(checker.check(exchange({ body: withoutId }))).toEqual([
      "POST /api/v1/tasks → 202: body/ must have required property 'task_id'",
    ]);
    const wrong = checker.check(exchange({ body: { ...accepted, duplicate: 'no' } }));
    expect(wrong).toEqual(['POST /api/v1/tasks → 202: body/duplicate must be boolean']);
  });

  it('status - one the operation does not list is a mismatch', () => {
    const [line] = checker.check(
      exchange({ method: 'GET', path: '/api/v1/tasks/t1', status: 418, headers: PROBLEM_TYPE }),
    );
    expect(line).toMatch(/^GET \/api\/v1\/tasks\/\{task_id\} → 418: status 418 is not documented/);
  });

  it('problem - a code the response does not list is a mismatch', () => {
    const found = checker.check(
      exchange({
        method: 'GET',
        path: '/api/v1/tasks/t1',
        status: 404,
        headers: PROBLEM_TYPE,
        body: problem(404, 'FORBIDDEN'),
      }),
    );
    expect(found).toEqual([
      'GET /api/v1/tasks/{task_id} → 404: body/code must be equal to one of the allowed values ["TASK_NOT_FOUND"]',
    ]);
  });

  it('headers - a required header missing or malformed is a mismatch', () => {
    expect(checker.check(exchange({ headers: JSON_TYPE }))).toEqual([
      'POST /api/v1/tasks → 202: header Location is missing',
    ]);
    const quota = exchange({
      status: 429,
      headers: { ...PROBLEM_TYPE, 'retry-after': 'soon' },
      body: problem(429, 'QUOTA_EXCEEDED'),
    });
    expect(checker.check(quota)).toEqual([
      expect.stringMatching(/^POST \/api\/v1\/tasks → 429: header Retry-After "soon" /),
    ]);
  });

  it('media type - an undocumented one is a mismatch', () => {
    const headers = { 'content-type': 'text/plain', location: '/api/v1/tasks/t1' };
    expect(checker.check(exchange({ headers }))).toEqual([
      expect.stringMatching(
        /^POST \/api\/v1\/tasks → 202: content type text\/plain is not documented/,
      ),
    ]);
  });

  it('undocumented routes - only a problem may answer them', () => {
    const path = '/api/v1/nowhere';
    expect(checker.check(exchange({ path, status: 200 }))).toEqual([
      'POST /api/v1/nowhere (undocumented): 200 from a route not in the document',
    ]);
    const notFound = exchange({
      path,
      status: 404,
      headers: PROBLEM_TYPE,
      body: problem(404, 'NOT_FOUND'),
    });
    expect(checker.check(notFound)).toEqual([]);
  });
});

describe('harness send()', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // A server that serves the real document but answers a task with a wrong field.
    server = createServer((req, res) => {
      const body =
        req.url === '/openapi.json' ? JSON.stringify(doc) : JSON.stringify({ task_id: 5 });
      res.writeHead(200, JSON_TYPE).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('send - fails on a response the document does not describe, naming route and field', async () => {
    const failed = await send(port, 'GET', '/api/v1/tasks/abc').catch((err: Error) => err);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain(
      'GET /api/v1/tasks/{task_id} → 200: body/task_id must be string',
    );
  });
});

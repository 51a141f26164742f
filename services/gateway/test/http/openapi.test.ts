/* eslint-disable @typescript-eslint/no-explicit-any -- walks the served JSON */
import SwaggerParser from '@apidevtools/swagger-parser';
import { TASK_TYPES, validate } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_SCRIPT_PATH } from '../../src/http/docs-page.js';
import { componentName } from '../../src/http/openapi.js';
import { PROBLEM_CODES, problemType } from '../../src/http/problem.js';
import * as S from '../../src/http/schemas.js';
import { send, startHarness, token, uniqueUser, type Harness } from './harness.js';

let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp());
});
afterAll(() => h?.close());

describe('OpenAPI', () => {
  it('openapi.json - is a valid OpenAPI 3.1 document', async () => {
    const r = await send(port, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    // Throws with the reasons when the document breaks the OpenAPI schema or a $ref dangles.
    const api = await SwaggerParser.validate(structuredClone(r.json));
    expect(api.info.title).toBe('WADM task gateway');
    expect(r.json.openapi).toBe('3.1.0');
  });

  it('openapi.json - describes every task type from the catalog', async () => {
    const { json } = await send(port, 'GET', '/openapi.json');
    const schemas = json.components.schemas;
    const mapping = schemas.SubmitRequest.discriminator.mapping;
    for (const type of TASK_TYPES) {
      const name = componentName(type);
      expect(schemas[`${name}Params`], type).toBeDefined();
      expect(schemas[`${name}Result`], type).toBeDefined();
      expect(schemas[`Submit${name}`].properties.type.const).toBe(type);
      expect(mapping[type]).toBe(`#/components/schemas/Submit${name}`);
    }
    expect(Object.keys(mapping)).toHaveLength(TASK_TYPES.length);
    for (const shortcut of ['backtest', 'report', 'export', 'analysis']) {
      expect(json.paths[`/api/v1/tasks/${shortcut}`].post).toBeDefined();
    }
  });

  it('docs - Redoc renders the document from assets the gateway serves itself', async () => {
    const r = await send(port, 'GET', '/docs');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    // Offline: nothing but this origin, and no inline script.
    expect(r.text).not.toMatch(/https?:\/\//i);
    expect(r.text).not.toMatch(/<script>/);
    expect(r.text).toContain('spec-url="/openapi.json"');
    const src = /<script src="([^"]+)"><\/script>/.exec(r.text)?.[1];
    expect(src).toBe(DOCS_SCRIPT_PATH);
    const script = await send(port, 'GET', src ?? '');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(Number(script.headers['content-length'])).toBeGreaterThan(100_000);
    expect(script.text).toContain('Redoc');
  });

  it('docs - each problem code has the anchor its type URI points at', async () => {
    const { json } = await send(port, 'GET', '/openapi.json');
    for (const code of PROBLEM_CODES) {
      const anchor = problemType(code).split('#')[1];
      expect(json.info.description, code).toContain(`<a id="${anchor}"></a>\`${code}\``);
    }
  });

  it('openapi.json - every /api operation lists its problems, each with its codes', async () => {
    const { json } = await send(port, 'GET', '/openapi.json');
    for (const [path, item] of Object.entries<Record<string, any>>(json.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (method === 'parameters') continue;
        const where = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('4')),
          where,
        ).toBe(true);
        if (path.startsWith('/api/')) expect(statuses, where).toContain('401');
        // /readyz answers 503 with its Health body: probes read it, not a problem.
        const problemStatuses = statuses.filter((s) => Number(s) >= 400 && path !== '/readyz');
        for (const s of problemStatuses) {
          const schema = op.responses[s].content['application/problem+json'].schema;
          expect(schema.properties.code.enum.length, `${where} ${s}`).toBeGreaterThan(0);
          for (const code of schema.properties.code.enum) expect(PROBLEM_CODES).toContain(code);
        }
        // A 202 for one task says where to follow it (many tasks: each result links its own).
        const oneTask = /"#\/components\/schemas\/(TaskAccepted|CancelResult)"/;
        if (oneTask.test(JSON.stringify(op.responses['202'] ?? {}))) {
          expect(op.responses['202'].headers?.Location?.required, where).toBe(true);
        }
        if (op.responses['429']) {
          expect(op.responses['429'].headers['Retry-After'], where).toBeDefined();
        }
      }
    }
  });

  it('asyncapi.json - the WebSocket messages as an AsyncAPI 3 document', async () => {
    const r = await send(port, 'GET', '/asyncapi.json');
    expect(r.status).toBe(200);
    expect(r.json.asyncapi).toBe('3.0.0');
    expect(r.json.channels.taskEvents.address).toBe('/ws/tasks/{user_id}');
    const event = r.json.components.messages.taskEvent.payload;
    expect(event.required).toEqual(expect.arrayContaining(['task_id', 'status', 'stream_seq']));
    for (const code of [1001, 4008, 4401, 4403, 4413, 4429]) {
      expect(r.json.info.description).toContain(`\`${code}\``);
    }
  });

  it('responses - match the schemas the document publishes', async () => {
    const t = await token(uniqueUser(), true);
    const accepted = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body: { type: 'diagnostics.echo', params: { payload: [1, 2] } },
    });
    expect(validate(S.TaskAccepted, accepted.json)).toEqual([]);
    const task = await send(port, 'GET', `/api/v1/tasks/${accepted.json.task_id}`, { token: t });
    expect(validate(S.TaskView, task.json)).toEqual([]);
    const page = await send(port, 'GET', '/api/v1/tasks', { token: t });
    expect(validate(S.TaskPage, page.json)).toEqual([]);
    const bulk = await send(port, 'POST', '/api/v1/tasks/bulk', {
      token: t,
      body: { tasks: [{ type: 'diagnostics.echo' }, { type: 'x' }] },
    });
    expect(validate(S.BulkSubmitResult, bulk.json)).toEqual([]);
    const problem = await send(port, 'GET', '/api/v1/tasks/none', { token: t });
    expect(validate(S.Problem, problem.json)).toEqual([]);
    const cancelled = await send(port, 'DELETE', `/api/v1/tasks/${accepted.json.task_id}`, {
      token: t,
    });
    expect(validate(S.CancelResult, cancelled.json)).toEqual([]);
  });
});

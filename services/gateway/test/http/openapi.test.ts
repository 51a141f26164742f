import SwaggerParser from '@apidevtools/swagger-parser';
import { TASK_TYPES, validate } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentName } from '../../src/http/openapi.js';
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

  it('docs - a self-contained page listing every operation and task type', async () => {
    const r = await send(port, 'GET', '/docs');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    // Nothing to fetch: no scripts, no external stylesheets or images.
    expect(r.text).not.toMatch(/<script|<link|<img|https?:\/\//i);
    const { json } = await send(port, 'GET', '/openapi.json');
    for (const path of Object.keys(json.paths)) {
      expect(r.text, path).toContain(`<code>${path}</code>`);
    }
    for (const type of TASK_TYPES) expect(r.text, type).toContain(`${componentName(type)}Params`);
    expect(r.text).toContain('id="problem-validation-failed"');
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

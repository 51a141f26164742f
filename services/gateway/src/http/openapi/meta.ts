import { DOCS_SCRIPT_PATH } from '../docs-page.js';
import * as S from '../schemas.js';
import { json, plain, problemResponses, ref, type ApiArea, type Json } from './common.js';

const publicGet = (operationId: string, summary: string, ok: Json, more: Json = {}) => ({
  get: {
    operationId,
    tags: ['service'],
    summary,
    security: [],
    responses: { '200': { description: 'OK', ...ok }, ...more, ...problemResponses() },
  },
});

/** Unauthenticated routes: probes, the documents and the docs page. */
export function metaArea(): ApiArea {
  return {
    tags: [{ name: 'service', description: 'Health, readiness, the API documents' }],
    paths: {
      '/healthz': publicGet('healthz', 'The process is alive', { content: json(ref('Health')) }),
      '/readyz': publicGet(
        'readyz',
        'Connected to NATS and provisioned',
        { content: json(ref('Health')) },
        { '503': { description: 'Not ready', content: json(ref('Health')) } },
      ),
      '/openapi.json': publicGet('openapi', 'This document (OpenAPI 3.1)', {
        content: json({ type: 'object' }),
      }),
      '/asyncapi.json': publicGet(
        'asyncapi',
        'The WebSocket event stream, `/ws/tasks/{user_id}`, as an AsyncAPI 3 document',
        { content: json({ type: 'object' }) },
      ),
      '/docs': publicGet('docs', 'This document rendered by Redoc', {
        content: { 'text/html': { schema: { type: 'string' } } },
      }),
      [DOCS_SCRIPT_PATH]: publicGet('docs_script', 'The viewer `/docs` runs (Redoc)', {
        content: { 'text/javascript': { schema: { type: 'string' } } },
      }),
    },
    schemas: { Health: plain(S.Health) },
  };
}

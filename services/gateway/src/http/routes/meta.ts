import type Router from '@koa/router';
import type { GatewayDeps } from '../../deps.js';
import { DOCS_CSP, renderDocs } from '../docs-page.js';
import { buildOpenApi } from '../openapi.js';

/** Unauthenticated: probes for the orchestrator, the API description for humans and tools. */
export function metaRoutes(router: Router, deps: GatewayDeps): void {
  // Built once: the document depends only on the code.
  const spec = JSON.stringify(buildOpenApi());
  const docs = renderDocs(JSON.parse(spec) as ReturnType<typeof buildOpenApi>);

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const ready = deps.ready();
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready' };
  });
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = spec;
  });
  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = docs;
  });
}

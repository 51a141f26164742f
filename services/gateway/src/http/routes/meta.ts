import type Router from '@koa/router';
import type { GatewayDeps } from '../../deps.js';
import { buildAsyncApi } from '../asyncapi.js';
import { DOCS_CSP, DOCS_SCRIPT_PATH, docsPage, loadDocsScript } from '../docs-page.js';
import { buildOpenApi, readPackageVersion } from '../openapi.js';

/** Unauthenticated: probes for the orchestrator, the API documents for humans and tools. */
export function metaRoutes(router: Router, deps: GatewayDeps): void {
  // Built once: the documents depend only on the code.
  const openapi = buildOpenApi();
  const spec = JSON.stringify(openapi);
  const asyncapi = JSON.stringify(buildAsyncApi(readPackageVersion()));
  const docs = docsPage(String(openapi['info']['title']));
  const script = loadDocsScript();

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
  router.get('/asyncapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = asyncapi;
  });
  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = docs;
  });
  router.get(DOCS_SCRIPT_PATH, (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    // The bundle changes only with the gateway's release: caches may keep it a day.
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = script;
  });
}

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * `/docs`: the OpenAPI document rendered in the browser by Redoc, a maintained viewer. Its
 * bundle is served by the gateway itself from node_modules, so the page works offline and
 * behind proxies: nothing is fetched from anywhere but this origin.
 */
export const DOCS_SCRIPT_PATH = '/docs/redoc.standalone.js';

/**
 * Redoc needs inline styles (styled-components) and runs its search index in a blob: worker;
 * everything else is this origin's.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Redoc's self-contained browser bundle, read once. */
export function loadDocsScript(): Buffer {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'));
}

function esc(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The page: Redoc reads `/openapi.json` and renders it; no inline script. */
export function docsPage(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(title)} — API</title></head>
<body>
<redoc spec-url="/openapi.json" hide-download-button="false" path-in-middle-panel="true"></redoc>
<noscript><p>This page needs JavaScript. The API is described by <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1) and <a href="/asyncapi.json">/asyncapi.json</a> (AsyncAPI 3).</p></noscript>
<script src="${DOCS_SCRIPT_PATH}"></script>
</body></html>
`;
}

import type { OpenApiDocument } from './openapi.js';
import { PROBLEM_CODES, problemTitle, problemType } from './problem.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- walks free-form OpenAPI JSON */
type Schema = Record<string, any>;

/**
 * `/docs`: the OpenAPI document rendered to one HTML page on the server. No script, no CDN,
 * nothing fetched: it reads the same offline, behind a proxy, or with JavaScript turned off.
 */
export const DOCS_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function esc(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function refName(ref: string): string {
  return ref.split('/').at(-1) ?? ref;
}

function constraints(s: Schema): string {
  const parts: string[] = [];
  for (const key of ['format', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'minLength']) {
    if (s[key] !== undefined) parts.push(`${key} ${s[key]}`);
  }
  if (s['maxLength'] !== undefined) parts.push(`maxLength ${s['maxLength']}`);
  if (s['minItems'] !== undefined) parts.push(`${s['minItems']}…${s['maxItems'] ?? '∞'} items`);
  if (s['default'] !== undefined) parts.push(`default ${JSON.stringify(s['default'])}`);
  return parts.length > 0 ? ` <small>(${esc(parts.join(', '))})</small>` : '';
}

/** A schema as a short type expression; objects nest up to `depth` levels, then read `object`. */
function typeExpr(s: Schema | undefined, depth = 2): string {
  if (!s || Object.keys(s).length === 0 || (s['description'] && Object.keys(s).length === 1)) {
    return '<code>any</code>';
  }
  if (typeof s['$ref'] === 'string') {
    const name = refName(s['$ref']);
    return `<a href="#schema-${esc(name)}"><code>${esc(name)}</code></a>`;
  }
  if (s['const'] !== undefined) return `<code>${esc(JSON.stringify(s['const']))}</code>`;
  const alts = (s['anyOf'] ?? s['oneOf']) as Schema[] | undefined;
  if (alts) return alts.map((a) => typeExpr(a, depth)).join(' | ');
  if (s['type'] === 'array') {
    const items = s['items'] as Schema | Schema[] | undefined;
    const inner = Array.isArray(items)
      ? `[${items.map((i) => typeExpr(i, depth)).join(', ')}]`
      : typeExpr(items, depth);
    return `${inner}[]${constraints(s)}`;
  }
  if (s['type'] === 'object' || s['properties']) {
    if (s['properties'] && depth > 0) {
      const required = new Set<string>(s['required'] ?? []);
      const fields = Object.entries(s['properties'] as Record<string, Schema>).map(
        ([k, v]) => `${esc(k)}${required.has(k) ? '' : '?'}: ${typeExpr(v, depth - 1)}`,
      );
      return `{ ${fields.join('; ')} }`;
    }
    const pattern = s['patternProperties'] as Record<string, Schema> | undefined;
    const values = pattern ? Object.values(pattern)[0] : undefined;
    return values ? `{ [key]: ${typeExpr(values, depth)} }` : '<code>object</code>';
  }
  return `<code>${esc(s['type'] ?? 'any')}</code>${constraints(s)}`;
}

/** An object schema as a table of its fields. */
function fieldsTable(s: Schema): string {
  const props = s['properties'] as Record<string, Schema> | undefined;
  if (!props) return `<p>${typeExpr(s)}</p>`;
  const required = new Set<string>(s['required'] ?? []);
  const rows = Object.entries(props).map(
    ([name, p]) =>
      `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <b>*</b>' : ''}</td>` +
      `<td>${typeExpr(p)}</td><td>${esc(p['description'] ?? '')}</td></tr>`,
  );
  return `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`;
}

function operation(method: string, path: string, op: Schema, shared: Schema[]): string {
  const params = [...shared, ...((op['parameters'] as Schema[] | undefined) ?? [])];
  const paramRows = params.map(
    (p) =>
      `<tr><td><code>${esc(p['name'])}</code></td><td>${esc(p['in'])}</td>` +
      `<td>${typeExpr(p['schema'])}</td><td>${esc(p['description'] ?? '')}</td></tr>`,
  );
  const body = op['requestBody']?.content?.['application/json']?.schema as Schema | undefined;
  const responses = Object.entries((op['responses'] ?? {}) as Record<string, Schema>).map(
    ([status, r]) => {
      const target = r['$ref'] ? refName(r['$ref']) : undefined;
      const schema = r['content']?.['application/json']?.schema as Schema | undefined;
      const text = target ? 'problem (application/problem+json)' : (r['description'] ?? '');
      return `<li><b>${esc(status)}</b> ${esc(text)}${schema ? ` — ${typeExpr(schema, 0)}` : ''}</li>`;
    },
  );
  const open = op['security']?.length === 0 ? ' <small>(no token needed)</small>' : '';
  return `<section class="op" id="op-${esc(op['operationId'])}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code>${open}</h3>
<p>${esc(op['summary'] ?? '')}</p>
${paramRows.length > 0 ? `<table><tr><th>parameter</th><th>in</th><th>type</th><th>notes</th></tr>${paramRows.join('')}</table>` : ''}
${body ? `<p>Body: ${typeExpr(body, 0)}</p>` : ''}
<ul>${responses.join('')}</ul></section>`;
}

export function renderDocs(doc: OpenApiDocument): string {
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, item] of Object.entries(doc['paths'] as Record<string, Schema>)) {
    for (const method of METHODS) {
      const op = item[method] as Schema | undefined;
      if (!op) continue;
      ops.push(operation(method, path, op, item['parameters'] ?? []));
      toc.push(
        `<li><a href="#op-${esc(op['operationId'])}">${method.toUpperCase()} ${esc(path)}</a></li>`,
      );
    }
  }
  const schemas = Object.entries(doc['components']['schemas'] as Record<string, Schema>).map(
    ([name, s]) =>
      `<section id="schema-${esc(name)}"><h3><code>${esc(name)}</code></h3>` +
      `${s['description'] ? `<p>${esc(s['description'])}</p>` : ''}${fieldsTable(s)}</section>`,
  );
  const problemRows = PROBLEM_CODES.map(
    (code) =>
      `<tr id="${esc(problemType(code).split('#')[1])}"><td><code>${code}</code></td>` +
      `<td>${esc(problemTitle(code))}</td></tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(doc['info']['title'])} — API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:0 auto;padding:1rem 1.5rem;color:#1d2430}
code{font:13px ui-monospace,monospace;background:#f1f3f6;padding:0 .25em;border-radius:3px}
table{border-collapse:collapse;margin:.5rem 0;width:100%}td,th{border:1px solid #dde1e6;padding:.25rem .5rem;text-align:left;vertical-align:top}
.op{border-top:1px solid #dde1e6;padding-top:.5rem}.m{font:bold 12px monospace;padding:.1em .5em;border-radius:3px;color:#fff}
.get{background:#2f6fdf}.post{background:#1b8a4b}.delete{background:#c0392b}.put,.patch{background:#a66a00}
nav ul{columns:2}a{color:#2456b3}small{color:#5a6472}
</style></head><body>
<h1>${esc(doc['info']['title'])} <small>${esc(doc['info']['version'])}</small></h1>
<p>${esc(doc['info']['description'])}</p>
<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI ${esc(doc['openapi'])}).</p>
<nav><h2>Operations</h2><ul>${toc.join('')}</ul></nav>
<h2>Operations</h2>${ops.join('\n')}
<h2 id="problems">Problems</h2>
<p>Every error is <code>application/problem+json</code>: <code>{type, title, status, detail, code, errors?}</code>; <code>errors</code> lists failing fields as JSON pointers.</p>
<table><tr><th>code</th><th>title</th></tr>${problemRows.join('')}</table>
<h2>Schemas</h2>${schemas.join('\n')}
</body></html>`;
}

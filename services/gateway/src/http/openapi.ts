import { readFileSync } from 'node:fs';
import * as S from './schemas.js';
import { PROBLEM_CODES, problemTitle, problemType } from './problem.js';
import { adminArea } from './openapi/admin.js';
import { alertsArea } from './openapi/alerts.js';
import { bulkArea } from './openapi/bulk.js';
import { exchangesArea } from './openapi/exchanges.js';
import { plain, type ApiArea, type Json } from './openapi/common.js';
import { marketDataArea } from './openapi/market-data.js';
import { metaArea } from './openapi/meta.js';
import { schedulesArea } from './openapi/schedules.js';
import { tasksArea } from './openapi/tasks.js';

export { componentName } from './openapi/tasks.js';
export type OpenApiDocument = Json;

/**
 * The areas of the API, each in its own module under `./openapi/`: a new route's paths go in
 * its area's module, a new area's module in this list. Order is the document's order.
 */
const AREAS: (() => ApiArea)[] = [
  tasksArea,
  bulkArea,
  adminArea,
  marketDataArea,
  schedulesArea,
  exchangesArea,
  alertsArea,
  metaArea,
];

export function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Two areas defining one path or schema would silently replace each other: refuse instead. */
function mergeInto(target: Record<string, unknown>, more: Record<string, unknown>, what: string) {
  for (const [key, value] of Object.entries(more)) {
    if (key in target) throw new Error(`OpenAPI: ${what} ${key} is defined twice`);
    target[key] = value;
  }
}

/**
 * The problem codes as a section of the description (Redoc renders it): each row carries the
 * anchor a problem's `type` URI points at.
 */
function problemsSection(): string {
  const rows = PROBLEM_CODES.map((code) => {
    const anchor = problemType(code).split('#')[1] ?? code;
    return `| <a id="${anchor}"></a>\`${code}\` | ${problemTitle(code)} |`;
  });
  return [
    '## Problems',
    '',
    'Every error is `application/problem+json` (RFC 9457): `{type, title, status, detail, ' +
      'code, errors?}`; `errors` lists the failing fields as JSON pointers, and `type` links ' +
      'to the row below.',
    '',
    '| code | title |',
    '|---|---|',
    ...rows,
  ].join('\n');
}

/** The REST API's OpenAPI 3.1 document, built from the contracts' and the gateway's schemas. */
export function buildOpenApi(version = readPackageVersion()): OpenApiDocument {
  const tags: ApiArea['tags'] = [];
  const paths: Record<string, Json> = {};
  const schemas: Record<string, unknown> = {
    Problem: {
      ...plain(S.Problem),
      description: `Codes: ${PROBLEM_CODES.map((c) => `${c} (${problemTitle(c)})`).join(', ')}`,
    },
  };
  for (const area of AREAS.map((make) => make())) {
    for (const tag of area.tags) if (!tags.some((t) => t.name === tag.name)) tags.push(tag);
    mergeInto(paths, area.paths, 'path');
    mergeInto(schemas, area.schemas, 'schema');
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'WADM task gateway',
      version,
      description:
        'Submit, follow, cancel and retry background tasks (backtests, analysis, reports, ' +
        'exports). Every error is `application/problem+json` with a stable `code`; each ' +
        'response lists the codes it may carry. Authenticate with `Authorization: Bearer ' +
        '<JWT>`: a user sees only their own tasks, an admin sees all. Live progress is on the ' +
        'WebSocket bridge, `/ws/tasks/{user_id}`, described by the AsyncAPI 3 document at ' +
        "`/asyncapi.json`. `OPTIONS` on any path answers 200 with `Allow` (the path's " +
        'methods); every route answers with or without a trailing slash.\n\n' +
        problemsSection(),
      // SPDX has no identifier for "all rights reserved"; a LicenseRef- expression is SPDX's
      // form for a license of one's own.
      license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'The gateway that serves this document' }],
    security: [{ bearerAuth: [] }],
    tags,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas,
    },
  };
}

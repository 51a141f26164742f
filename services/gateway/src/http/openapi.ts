import { readFileSync } from 'node:fs';
import type { TSchema } from '@sinclair/typebox';
import {
  MarketSymbol,
  TASK_CATALOG,
  TASK_STATUSES,
  TASK_TYPES,
  Timeframe,
  type TaskType,
} from '@wadm/contracts';
import { BULK_MAX_ITEMS } from './schemas.js';
import * as S from './schemas.js';
import { PROBLEM_CODES, problemTitle } from './problem.js';
import { SHORTCUTS } from './routes/tasks.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- an OpenAPI document is free-form JSON */
export type OpenApiDocument = Record<string, any>;

/**
 * A TypeBox schema as plain JSON Schema (JSON drops its symbol keys). A field with a default
 * may be left out by clients (validation fills it in), so it is not listed as required.
 */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const s = value as { properties?: Record<string, { default?: unknown }>; required?: string[] };
    if (s.properties && Array.isArray(s.required)) {
      s.required = s.required.filter((name) => s.properties?.[name]?.default === undefined);
      if (s.required.length === 0) delete s.required;
    }
    return s;
  }) as Record<string, unknown>;
}

/** `reports.daily` → `ReportsDaily`: component names for a type's schemas. */
export function componentName(type: TaskType): string {
  return type
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ 'application/json': { schema } });
const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/P${s}` }]));

const PROBLEM_RESPONSES: Record<number, string> = {
  400: 'Malformed JSON, unknown task type or invalid fields (see `errors`)',
  401: 'Missing, malformed, expired or wrongly signed bearer token',
  403: 'Needs the admin role',
  404: 'No such task (or not yours), or no such route',
  405: 'Method not allowed on this path',
  409: 'The task is not in a state for this, or a concurrent import won (retry)',
  410: 'The result artifact expired',
  413: 'Body over the size limit, or params too large for one task',
  415: 'Body is not of the media type the operation takes (application/json, UTF-8, unless said)',
  416: 'The Range starts past the end of the file; Content-Range gives its size',
  422: 'The CSV has bad rows (listed with their line numbers in `errors`); nothing was imported',
  429: 'Too many unfinished tasks; see Retry-After',
  503: 'NATS unavailable; see Retry-After',
};

const taskIdParam = {
  name: 'task_id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
};
const idempotencyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'The same key from the same user returns the same task (1-255 visible ASCII)',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const query = (name: string, schema: unknown, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

function taskSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const type of TASK_TYPES) {
    const name = componentName(type);
    const def = TASK_CATALOG[type];
    out[`${name}Params`] = { ...plain(def.params), description: def.description };
    out[`${name}Result`] = plain(def.result);
    out[`Submit${name}`] = {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: type, type: 'string' },
        params: ref(`${name}Params`),
        priority: plain(S.Priority),
        notBefore: { type: 'string', format: 'date-time' },
      },
    };
  }
  return out;
}

function submitPaths(): { accepted: unknown; paths: Record<string, unknown> } {
  const accepted = {
    description: 'Accepted: the task is PENDING (or, for a repeated Idempotency-Key, as it is now)',
    headers: { Location: { schema: { type: 'string' } } },
    content: json(ref('TaskAccepted')),
  };
  const paths: Record<string, unknown> = {};
  for (const [shortcut, type] of Object.entries(SHORTCUTS)) {
    paths[`/api/v1/tasks/${shortcut}`] = {
      post: {
        operationId: `submit_${shortcut}`,
        tags: ['tasks'],
        summary: `Submit a ${type} task; the body is its params`,
        parameters: [
          idempotencyHeader,
          query('priority', plain(S.Priority), 'Queue priority'),
          query('notBefore', { type: 'string', format: 'date-time' }, 'ETA'),
        ],
        requestBody: { required: true, content: json(ref(`${componentName(type)}Params`)) },
        responses: { '202': accepted, ...problems(400, 401, 413, 415, 429, 503) },
      },
    };
  }
  return { accepted, paths };
}

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The REST API's OpenAPI 3.1 document, built from the contracts' and the gateway's schemas. */
export function buildOpenApi(version = readPackageVersion()): OpenApiDocument {
  const { accepted, paths: shortcutPaths } = submitPaths();
  const mapping = Object.fromEntries(
    TASK_TYPES.map((t) => [t, `#/components/schemas/Submit${componentName(t)}`]),
  );
  const resultRefs = [...new Set(TASK_TYPES.map((t) => `${componentName(t)}Result`))].map(ref);
  const publicOp = (operationId: string, summary: string, responses: Record<string, unknown>) => ({
    get: { operationId, tags: ['service'], summary, security: [], responses },
  });
  const ok = (content: unknown) => ({ '200': { description: 'OK', content } });

  return {
    openapi: '3.1.0',
    info: {
      title: 'WADM task gateway',
      version,
      description:
        'Submit, follow, cancel and retry background tasks (backtests, analysis, reports, ' +
        'exports). Every error is `application/problem+json` with a stable `code`. ' +
        'Authenticate with `Authorization: Bearer <JWT>`: a user sees only their own tasks, ' +
        'an admin sees all. Live progress is on the WebSocket bridge, `/ws/tasks/{user_id}`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'tasks', description: 'Submit and follow tasks' },
      { name: 'bulk', description: `Up to ${BULK_MAX_ITEMS} items per request` },
      { name: 'admin', description: 'Operators: dead letters' },
      { name: 'market-data', description: 'Candle series for backtests; admins import CSV' },
      { name: 'service', description: 'Health, readiness, this document' },
    ],
    paths: {
      '/api/v1/tasks': {
        post: {
          operationId: 'submit_task',
          tags: ['tasks'],
          summary: 'Submit a task of any type',
          parameters: [idempotencyHeader],
          requestBody: { required: true, content: json(ref('SubmitRequest')) },
          responses: { '202': accepted, ...problems(400, 401, 413, 415, 429, 503) },
        },
        get: {
          operationId: 'list_tasks',
          tags: ['tasks'],
          summary: "The caller's tasks, newest first (an admin's: everyone's)",
          parameters: [
            query('status', { type: 'string' }, `Comma-separated: ${TASK_STATUSES.join(', ')}`),
            query('type', { type: 'string' }, 'Task type'),
            query('since', { type: 'string', format: 'date-time' }, 'Created at or after'),
            query(
              'limit',
              { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
              'Page size',
            ),
            query('cursor', { type: 'string' }, 'next_cursor of the previous page'),
            query('owner', { type: 'string' }, 'Admins: one user, or * (the default) for all'),
          ],
          responses: {
            '200': { description: 'A page of tasks', content: json(ref('TaskPage')) },
            ...problems(400, 401, 403, 503),
          },
        },
      },
      ...shortcutPaths,
      '/api/v1/tasks/{task_id}': {
        parameters: [taskIdParam],
        get: {
          operationId: 'get_task',
          tags: ['tasks'],
          summary: 'A task: status, progress, attempts, times, error, inline result',
          responses: {
            '200': { description: 'The task', content: json(ref('TaskView')) },
            ...problems(401, 404, 503),
          },
        },
        delete: {
          operationId: 'cancel_task',
          tags: ['tasks'],
          summary: 'Cancel (revoke) a task',
          responses: {
            '200': { description: 'Revoked', content: json(ref('CancelResult')) },
            '202': {
              description: 'Running: the worker was asked to stop',
              content: json(ref('CancelResult')),
            },
            ...problems(401, 404, 409, 503),
          },
        },
      },
      '/api/v1/tasks/{task_id}/result': {
        parameters: [taskIdParam],
        get: {
          operationId: 'get_task_result',
          tags: ['tasks'],
          summary: 'The result: JSON, or the artifact file streamed with its type and name',
          responses: {
            '200': {
              description:
                "The result; its shape is the task type's `…Result` schema. Artifacts (PDF, " +
                'CSV, XLSX, large JSON) come with their own Content-Type and Content-Disposition.',
              content: {
                'application/json': { schema: { anyOf: resultRefs } },
                'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              },
            },
            '206': {
              description:
                'The bytes a `Range` header asked for (one range), with Content-Range: a ' +
                'broken download resumes here. Files carry an ETag (their SHA-256) and ' +
                'Accept-Ranges; `If-Range` with another ETag gets the whole file (200).',
              content: {
                'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              },
            },
            '304': { description: '`If-None-Match` named the ETag of the file: unchanged' },
            ...problems(401, 404, 409, 410, 416, 503),
          },
        },
      },
      '/api/v1/tasks/{task_id}/retry': {
        parameters: [taskIdParam, idempotencyHeader],
        post: {
          operationId: 'retry_task',
          tags: ['tasks'],
          summary: 'Submit a finished task again as a new task with the same params',
          responses: { '202': accepted, ...problems(401, 404, 409, 429, 503) },
        },
      },
      '/api/v1/tasks/bulk': {
        post: {
          operationId: 'submit_bulk',
          tags: ['bulk'],
          summary: 'Submit many tasks; valid items are accepted even when others are not',
          parameters: [
            {
              ...idempotencyHeader,
              description: 'Item i without its own idempotencyKey uses `<key>#<i>`',
            },
          ],
          requestBody: { required: true, content: json(ref('BulkSubmitBody')) },
          responses: {
            '202': { description: 'All accepted', content: json(ref('BulkSubmitResult')) },
            '207': { description: 'Some refused', content: json(ref('BulkSubmitResult')) },
            ...problems(400, 401, 413, 415, 503),
          },
        },
      },
      '/api/v1/tasks/bulk/cancel': {
        post: {
          operationId: 'cancel_bulk',
          tags: ['bulk'],
          summary: 'Cancel many tasks',
          requestBody: { required: true, content: json(ref('BulkCancelBody')) },
          responses: {
            '200': { description: 'All cancelled', content: json(ref('BulkCancelResult')) },
            '207': { description: 'Some refused', content: json(ref('BulkCancelResult')) },
            ...problems(400, 401, 413, 415, 503),
          },
        },
      },
      '/api/v1/dlq': {
        get: {
          operationId: 'list_dead_letters',
          tags: ['admin'],
          summary: 'Dead letters, oldest first (admin)',
          parameters: [
            query(
              'limit',
              { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              'How many',
            ),
          ],
          responses: {
            '200': { description: 'Dead letters', content: json(ref('DeadLetterList')) },
            ...problems(400, 401, 403, 503),
          },
        },
      },
      '/api/v1/dlq/{seq}/replay': {
        parameters: [{ name: 'seq', in: 'path', required: true, schema: { type: 'integer' } }],
        post: {
          operationId: 'replay_dead_letter',
          tags: ['admin'],
          summary: 'Put a dead task back to work (admin)',
          responses: {
            '200': { description: 'The task, PENDING again', content: json(ref('TaskView')) },
            ...problems(401, 403, 404, 409, 503),
          },
        },
      },
      '/api/v1/market-data': {
        get: {
          operationId: 'list_series',
          tags: ['market-data'],
          summary: 'Stored candle series and the range each covers',
          responses: {
            '200': { description: 'Every series', content: json(ref('SeriesList')) },
            ...problems(401, 503),
          },
        },
      },
      '/api/v1/market-data/{symbol}/{timeframe}': {
        parameters: [
          { name: 'symbol', in: 'path', required: true, schema: plain(MarketSymbol) },
          { name: 'timeframe', in: 'path', required: true, schema: plain(Timeframe) },
        ],
        post: {
          operationId: 'import_candles',
          tags: ['market-data', 'admin'],
          summary: 'Import a candle CSV into one series, merging by time (admin)',
          description:
            'Binance klines (with or without header, ms or µs times) or ' +
            '`timestamp,open,high,low,close,volume`. Every row is checked before anything is ' +
            'written: one bad row and nothing is imported. Gaps are reported, not refused.',
          requestBody: {
            required: true,
            content: { 'text/csv': { schema: { type: 'string' } } },
          },
          responses: {
            '200': { description: 'Imported', content: json(ref('CandleImportResult')) },
            ...problems(400, 401, 403, 409, 413, 415, 422, 503),
          },
        },
      },
      '/healthz': publicOp('healthz', 'The process is alive', ok(json(ref('Health')))),
      '/readyz': publicOp('readyz', 'Connected to NATS and provisioned', {
        ...ok(json(ref('Health'))),
        '503': { description: 'Not ready', content: json(ref('Health')) },
      }),
      '/openapi.json': publicOp('openapi', 'This document', ok(json({ type: 'object' }))),
      '/docs': publicOp('docs', 'This document as a page', {
        '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
      }),
    },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: Object.fromEntries(
        Object.entries(PROBLEM_RESPONSES).map(([status, description]) => [
          `P${status}`,
          { description, content: { 'application/problem+json': { schema: ref('Problem') } } },
        ]),
      ),
      schemas: {
        SubmitRequest: {
          description: 'A task of any type: `params` follow the schema of its `type`',
          oneOf: TASK_TYPES.map((t) => ref(`Submit${componentName(t)}`)),
          discriminator: { propertyName: 'type', mapping },
        },
        ...taskSchemas(),
        Problem: {
          ...plain(S.Problem),
          description: `Codes: ${PROBLEM_CODES.map((c) => `${c} (${problemTitle(c)})`).join(', ')}`,
        },
        TaskAccepted: plain(S.TaskAccepted),
        TaskView: plain(S.TaskView),
        TaskPage: plain(S.TaskPage),
        CancelResult: plain(S.CancelResult),
        BulkSubmitBody: plain(S.BulkSubmitBody),
        BulkSubmitResult: plain(S.BulkSubmitResult),
        BulkCancelBody: plain(S.BulkCancelBody),
        BulkCancelResult: plain(S.BulkCancelResult),
        DeadLetterList: plain(S.DeadLetterList),
        SeriesList: plain(S.SeriesList),
        CandleImportResult: plain(S.CandleImportResult),
        Health: plain(S.Health),
      },
    },
  };
}

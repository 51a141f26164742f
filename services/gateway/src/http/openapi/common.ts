import type { TSchema } from '@sinclair/typebox';
import { ProblemCode, problemTitle } from '../problem.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- an OpenAPI document is free-form JSON */
export type Json = Record<string, any>;

/**
 * One area of the REST API as the document describes it. A route's author adds its paths to
 * the area's module (or a new module to `AREAS` in `../openapi.ts`): the gateway's tests check
 * every response against the document, so an undocumented answer fails them.
 */
export interface ApiArea {
  tags: { name: string; description: string }[];
  paths: Record<string, Json>;
  schemas: Record<string, unknown>;
}

/**
 * Rewrites what TypeBox emits in the draft-07 style into JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1: a tuple's `items: [...]` becomes `prefixItems` (with `items: false` for
 * `additionalItems: false`), `nullable: true` becomes a `null` branch.
 */
function to202012(s: Json): Json {
  if (Array.isArray(s['items'])) {
    const { items, additionalItems, ...rest } = s;
    return {
      ...rest,
      prefixItems: items,
      ...(additionalItems === false ? { items: false } : {}),
    };
  }
  if (s['nullable'] === true) {
    const rest = { ...s };
    delete rest['nullable'];
    return { anyOf: [rest, { type: 'null' }] };
  }
  return s;
}

/**
 * A TypeBox schema as plain JSON Schema 2020-12 (JSON drops its symbol keys). A field with a
 * default may be left out by clients (validation fills it in), so it is not listed as required.
 */
export function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const s = value as { properties?: Record<string, { default?: unknown }>; required?: string[] };
    if (s.properties && Array.isArray(s.required)) {
      s.required = s.required.filter((name) => s.properties?.[name]?.default === undefined);
      if (s.required.length === 0) delete s.required;
    }
    return to202012(s as Json);
  }) as Json;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ 'application/json': { schema } });
export const query = (name: string, schema: unknown, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const taskIdParam = {
  name: 'task_id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
};
export const idempotencyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'The same key from the same user returns the same task (1-255 visible ASCII)',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

/** Which problem codes an operation answers with, by HTTP status. */
export type ProblemSet = Partial<Record<number, readonly ProblemCode[]>>;

const C = ProblemCode;
/** Every `/api` operation: the token, NATS, and the unexpected. */
export const API_PROBLEMS: ProblemSet = {
  401: [C.UNAUTHORIZED],
  500: [C.INTERNAL_ERROR],
  503: [C.BACKEND_UNAVAILABLE],
};
/** Operations that read a JSON body. */
export const JSON_BODY_PROBLEMS: ProblemSet = {
  400: [C.MALFORMED_JSON, C.JSON_TOO_DEEP, C.BODY_INCOMPLETE, C.MALFORMED_REQUEST],
  413: [C.PAYLOAD_TOO_LARGE],
  415: [C.UNSUPPORTED_MEDIA_TYPE],
};
/** Submissions, whatever route they come through. */
export const SUBMIT_PROBLEMS: ProblemSet = {
  // WEBHOOK_ADDRESS_REFUSED: a `notify.webhook` url outside the address policy.
  400: [C.VALIDATION_FAILED, C.UNKNOWN_TASK_TYPE, C.WEBHOOK_ADDRESS_REFUSED],
  403: [C.FORBIDDEN],
  413: [C.PAYLOAD_TOO_LARGE],
  422: [C.IDEMPOTENCY_KEY_REUSED],
  429: [C.QUOTA_EXCEEDED, C.STORAGE_QUOTA_EXCEEDED],
};
/**
 * Refused by the HTTP parser before any route is known (bad request line or header, headers
 * too large, too slow): every operation, `/api` or not, may answer these.
 */
export const TRANSPORT_PROBLEMS: ProblemSet = {
  400: [C.MALFORMED_REQUEST],
  408: [C.REQUEST_TIMEOUT],
  431: [C.HEADERS_TOO_LARGE],
};
/** Problems that always come with `Retry-After`; a 429 or 503 of only these requires it. */
const RETRY_AFTER_CODES: ReadonlySet<ProblemCode> = new Set([
  C.QUOTA_EXCEEDED,
  C.STORAGE_QUOTA_EXCEEDED,
  C.BACKEND_UNAVAILABLE,
]);

const retryAfter = (required: boolean) => ({
  description: 'Seconds to wait before trying again',
  required,
  schema: { type: 'integer', minimum: 0 },
});
/** Headers a problem of this status carries. */
function problemHeaders(status: number, codes: readonly ProblemCode[]): Json | undefined {
  const always = codes.every((c) => RETRY_AFTER_CODES.has(c));
  switch (status) {
    case 401:
      return {
        'WWW-Authenticate': {
          description: 'The Bearer challenge (RFC 6750)',
          required: true,
          schema: { type: 'string' },
        },
      };
    case 405:
      return { Allow: { description: 'The methods the path has', schema: { type: 'string' } } };
    case 416:
      return {
        'Content-Range': {
          description: '`bytes */<size>`: the size of the file',
          required: true,
          schema: { type: 'string', pattern: '^bytes \\*/\\d+$' },
        },
      };
    // Some conflicts (a result not there yet, a concurrent import) and limits say when to retry.
    case 409:
    case 429:
    case 503:
      return { 'Retry-After': retryAfter(always) };
    default:
      return undefined;
  }
}

/** One problem response: its codes listed, and the body's `status` and `code` pinned to them. */
export function problemResponse(status: number, codes: readonly ProblemCode[]): Json {
  const unique = [...new Set(codes)];
  const headers = problemHeaders(status, unique);
  return {
    description: unique.map((c) => `\`${c}\`: ${problemTitle(c)}`).join('; '),
    ...(headers ? { headers } : {}),
    content: {
      'application/problem+json': {
        schema: {
          allOf: [ref('Problem')],
          required: ['status', 'code'],
          properties: {
            status: { type: 'integer', const: status },
            code: { type: 'string', enum: unique },
          },
        },
      },
    },
  };
}

/** The problem responses of an `/api` operation: `API_PROBLEMS` and the sets given, merged. */
export function problems(...sets: ProblemSet[]): Record<string, Json> {
  return problemResponses(API_PROBLEMS, ...sets);
}

/** The sets given and `TRANSPORT_PROBLEMS`, merged into responses by status. */
export function problemResponses(...sets: ProblemSet[]): Record<string, Json> {
  const merged = new Map<number, ProblemCode[]>();
  for (const set of [TRANSPORT_PROBLEMS, ...sets]) {
    for (const [status, codes] of Object.entries(set)) {
      const key = Number(status);
      merged.set(key, [...(merged.get(key) ?? []), ...(codes ?? [])]);
    }
  }
  return Object.fromEntries(
    [...merged.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [String(status), problemResponse(status, codes)]),
  );
}

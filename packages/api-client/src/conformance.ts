import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/* eslint-disable @typescript-eslint/no-explicit-any -- walks free-form OpenAPI JSON */
type Json = Record<string, any>;

/** One HTTP exchange as a test saw it. */
export interface Exchange {
  method: string;
  /** The request target: path and query. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text ('' when there was none). */
  text: string;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const DOC_ID = 'urn:wadm:openapi';

interface Route {
  template: string;
  pattern: RegExp;
  /** Literal segments: `/tasks/bulk` wins over `/tasks/{task_id}` (OpenAPI's rule). */
  literals: number;
  item: Json;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

const isJsonType = (mediaType: string) => /^application\/(?:[\w.-]+\+)?json$/.test(mediaType);

/**
 * Checks responses against an OpenAPI 3.1 document: the status is one the operation lists,
 * the required headers are there and well-formed, the media type is documented, and a JSON
 * body validates (JSON Schema 2020-12, Ajv) against its schema. A request to no documented
 * operation must be answered with a `Problem`. Each mismatch names the route and the field.
 */
export class ConformanceChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly routes: Route[];
  private readonly compiled = new Map<string, ValidateFunction>();

  private readonly doc: Json;

  /** `document`: the OpenAPI 3.1 document as parsed JSON (e.g. a fetched /openapi.json). */
  constructor(document: object) {
    const doc = document as Json;
    this.doc = doc;
    addFormats(this.ajv);
    // Bodies of these are not JSON: nothing to check in a string's format.
    for (const format of ['binary', 'byte']) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
    this.routes = Object.entries((doc['paths'] ?? {}) as Record<string, Json>)
      .map(([template, item]) => {
        const segments = template.split('/');
        const source = segments
          .map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('/');
        return {
          template,
          pattern: new RegExp(`^${source}$`),
          literals: segments.filter((s) => !s.startsWith('{')).length,
          item,
        };
      })
      .sort((a, b) => b.literals - a.literals);
  }

  /** Every way `exchange` departs from the document; empty when it conforms. */
  check(exchange: Exchange): string[] {
    const method = exchange.method.toLowerCase();
    // HEAD is GET without the body (Koa answers it for every GET route).
    const opMethod = method === 'head' ? 'get' : method;
    // The gateway's routes answer with or without a trailing slash, as the document's one.
    const path = (exchange.path.split('?')[0] ?? '').replace(/(.)\/$/, '$1');
    const route = this.routes.find((r) => r.pattern.test(path));
    const op = route && METHODS.has(method) ? (route.item[opMethod] as Json) : undefined;
    if (route && method === 'options') return this.checkOptions(route, path, exchange);
    if (!route || !op) {
      const where = `${exchange.method.toUpperCase()} ${path} (undocumented)`;
      return this.checkUndocumented(where, exchange, method === 'head');
    }
    const where = `${exchange.method.toUpperCase()} ${route.template} → ${exchange.status}`;
    const responses = (op['responses'] ?? {}) as Json;
    const key = [String(exchange.status), `${String(exchange.status)[0]}XX`, 'default'].find(
      (k) => k in responses,
    );
    if (key === undefined) {
      const listed = Object.keys(responses).join(', ');
      return [`${where}: status ${exchange.status} is not documented (listed: ${listed})`];
    }
    const response = this.deref(responses[key] as Json);
    const base = DOC_ID + pointer('#', 'paths', route.template, opMethod, 'responses', key);
    return [
      ...this.checkHeaders(where, response, exchange),
      ...(method === 'head' ? [] : this.checkBody(where, response, exchange, base)),
    ];
  }

  /**
   * OPTIONS is answered for every path by the router (RFC 9110 §9.3.7), not by an operation:
   * 200 with `Allow` naming exactly the methods the document has for the path (for every
   * template it matches: `/tasks/bulk` also matches `/tasks/{task_id}`).
   */
  private checkOptions(route: Route, path: string, exchange: Exchange): string[] {
    const where = `OPTIONS ${route.template} → ${exchange.status}`;
    if (exchange.status >= 400) return this.checkUndocumented(where, exchange, false);
    const allow = String(exchange.headers['allow'] ?? '');
    const answered = allow
      .split(',')
      .map((m) => m.trim().toLowerCase())
      .filter((m) => m !== '' && m !== 'head' && m !== 'options');
    const documented = [
      ...new Set(
        this.routes
          .filter((r) => r.pattern.test(path))
          .flatMap((r) => Object.keys(r.item).filter((m) => METHODS.has(m))),
      ),
    ];
    const same =
      answered.length === documented.length && answered.every((m) => documented.includes(m));
    return exchange.status === 200 && same
      ? []
      : [`${where}: Allow ${JSON.stringify(allow)}; the document has ${documented.join(', ')}`];
  }

  /** A request no operation documents (unknown path or method) is answered with a problem. */
  private checkUndocumented(where: string, exchange: Exchange, head: boolean): string[] {
    if (exchange.status < 400)
      return [`${where}: ${exchange.status} from a route not in the document`];
    const mediaType = mediaTypeOf(exchange);
    if (mediaType !== 'application/problem+json') {
      return [
        `${where}: ${exchange.status} is ${mediaType || 'no body'}, not application/problem+json`,
      ];
    }
    if (head) return [];
    return this.validate(where, `${DOC_ID}#/components/schemas/Problem`, exchange.text);
  }

  private deref(response: Json): Json {
    const ref = response['$ref'] as string | undefined;
    if (!ref) return response;
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json | undefined>(
        (node, part) => node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')],
        this.doc,
      );
    return target ?? {};
  }

  private checkHeaders(where: string, response: Json, exchange: Exchange): string[] {
    const out: string[] = [];
    for (const [name, raw] of Object.entries((response['headers'] ?? {}) as Json)) {
      const header = this.deref(raw as Json);
      const value = exchange.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header['required'] === true) out.push(`${where}: header ${name} is missing`);
        continue;
      }
      const schema = header['schema'] as Json | undefined;
      const text = Array.isArray(value) ? value.join(', ') : value;
      const typed = schema?.['type'] === 'integer' && /^-?\d+$/.test(text) ? Number(text) : text;
      if (schema && !this.ajv.validate(schema, typed)) {
        out.push(`${where}: header ${name} ${JSON.stringify(text)} ${this.ajv.errorsText()}`);
      }
    }
    return out;
  }

  private checkBody(where: string, response: Json, exchange: Exchange, base: string): string[] {
    const content = response['content'] as Json | undefined;
    if (!content) {
      return exchange.text === '' ? [] : [`${where}: a body where the document has none`];
    }
    const mediaType = mediaTypeOf(exchange);
    const [kind] = mediaType.split('/');
    const documented = [mediaType, `${kind}/*`, '*/*'].find((t) => t in content);
    if (documented === undefined) {
      const listed = Object.keys(content).join(', ');
      return [
        `${where}: content type ${mediaType || '(none)'} is not documented (listed: ${listed})`,
      ];
    }
    if (!isJsonType(mediaType)) return [];
    const schemaRef = `${base}${pointer('', 'content', documented, 'schema')}`;
    return this.validate(where, schemaRef, exchange.text);
  }

  private validate(where: string, schemaRef: string, text: string): string[] {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    let validateFn = this.compiled.get(schemaRef);
    if (!validateFn) {
      validateFn = this.ajv.compile({ $ref: schemaRef });
      this.compiled.set(schemaRef, validateFn);
    }
    if (validateFn(body)) return [];
    return describeErrors(validateFn.errors ?? []).map((e) => `${where}: ${e}`);
  }
}

function mediaTypeOf(exchange: Exchange): string {
  const header = exchange.headers['content-type'];
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Ajv's errors as `body<pointer> <message>`; within `anyOf`/`oneOf` every branch reports, so
 * the list is cut to the most specific (deepest) ones to stay readable.
 */
function describeErrors(errors: ErrorObject[]): string[] {
  const deepest = Math.max(...errors.map((e) => e.instancePath.split('/').length));
  const lines = errors
    .filter((e) => e.instancePath.split('/').length === deepest || errors.length <= 3)
    .map((e) => {
      const extra =
        e.keyword === 'additionalProperties' ? ` (${String(e.params['additionalProperty'])})` : '';
      const allowed =
        e.keyword === 'enum'
          ? ` ${JSON.stringify(e.params['allowedValues'])}`
          : e.keyword === 'const'
            ? ` ${JSON.stringify(e.params['allowedValue'])}`
            : '';
      return `body${e.instancePath || '/'} ${e.message ?? e.keyword}${allowed}${extra}`;
    });
  return [...new Set(lines)].slice(0, 10);
}

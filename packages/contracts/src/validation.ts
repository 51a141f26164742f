import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { TASK_CATALOG, type TaskType } from './catalog/catalog.js';
import { TaskCommand } from './command.js';
import type { FieldError } from './errors.js';
import { explainUnions } from './union-errors.js';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Stops at the first error: what every value meets first, valid or hostile. */
const firstError = new Ajv({ allErrors: false, useDefaults: true, strict: false });
/** Names every failing field: only for values small enough that the list stays short. */
const allErrors = new Ajv({ allErrors: true, useDefaults: true, strict: false });
addFormats(firstError);
addFormats(allErrors);

/** Values with more nodes than this are reported by their first error only. */
const FULL_REPORT_MAX_NODES = 2_000;

const compiled = new Map<Ajv, WeakMap<TSchema, ValidateFunction>>([
  [firstError, new WeakMap()],
  [allErrors, new WeakMap()],
]);

function compile(ajv: Ajv, schema: TSchema): ValidateFunction {
  const cache = compiled.get(ajv) as WeakMap<TSchema, ValidateFunction>;
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

/** Whether `value` has more than `max` arrays, objects and scalars, counted without recursion. */
function nodesExceed(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (++count > max) return true;
    if (node !== null && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push(child);
    }
  }
  return false;
}

function toFieldError(e: ErrorObject, root: string): FieldError {
  const extra =
    e.keyword === 'required'
      ? `/${String(e.params['missingProperty'])}`
      : e.keyword === 'additionalProperties'
        ? `/${String(e.params['additionalProperty'])}`
        : '';
  const path = `${root}${e.instancePath}${extra}` || '/';
  const message =
    e.keyword === 'additionalProperties'
      ? 'is not a known field'
      : e.keyword === 'required'
        ? 'is required'
        : (e.message ?? 'is invalid');
  return { path, message };
}

/**
 * Validates `value` against `schema`, filling in defaults. Returns the failing fields, each
 * named by a JSON pointer under `root`; an empty list means valid. A large invalid value is
 * reported by its first error only: naming every one of 125,000 unknown keys cost a second of
 * CPU and an 11 MB answer.
 */
export function validate(schema: TSchema, value: unknown, root = ''): FieldError[] {
  const first = compile(firstError, schema);
  if (first(value)) return [];
  const fn = nodesExceed(value, FULL_REPORT_MAX_NODES) ? first : compile(allErrors, schema);
  if (fn !== first) fn(value);
  // Several errors on one path (a union's branches) read better as one line.
  const seen = new Set<string>();
  return explainUnions(fn.errors ?? [])
    .map((e) => toFieldError(e, root))
    .filter((f) => !seen.has(f.path) && seen.add(f.path));
}

export function validateParams(type: TaskType, params: unknown): FieldError[] {
  return validate(TASK_CATALOG[type].params, params, '/params');
}

export function validateCommand(command: unknown): FieldError[] {
  return validate(TaskCommand, command);
}

/** Field errors a one-line message names; it counts the rest. */
const FORMATTED_MAX = 5;

export function formatFieldErrors(fields: readonly FieldError[]): string {
  const named = fields.slice(0, FORMATTED_MAX).map((f) => `${f.path} ${f.message}`);
  const more = fields.length - named.length;
  return more > 0 ? `${named.join('; ')}; and ${more} more` : named.join('; ');
}

import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { TASK_CATALOG, type TaskType } from './catalog/catalog.js';
import { TaskCommand } from './command.js';
import type { FieldError } from './errors.js';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
addFormats(ajv);

const compiled = new WeakMap<TSchema, ValidateFunction>();

function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
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
 * named by a JSON pointer under `root`; an empty list means valid.
 */
export function validate(schema: TSchema, value: unknown, root = ''): FieldError[] {
  const fn = compile(schema);
  if (fn(value)) return [];
  // Ajv reports a union's every branch; one line per path reads better.
  const seen = new Set<string>();
  return (fn.errors ?? [])
    .map((e) => toFieldError(e, root))
    .filter((f) => !seen.has(f.path) && seen.add(f.path));
}

export function validateParams(type: TaskType, params: unknown): FieldError[] {
  return validate(TASK_CATALOG[type].params, params, '/params');
}

export function validateCommand(command: unknown): FieldError[] {
  return validate(TaskCommand, command);
}

export function formatFieldErrors(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.path} ${f.message}`).join('; ');
}

import type { ErrorObject } from 'ajv';

/**
 * Ajv reports a failed union (TypeBox's `anyOf`) with every branch's errors: an alert condition
 * of kind `rsi` with a bad field came back as eight lines about four kinds. This keeps what a
 * person needs: for a union of literals, one "must be one of …"; for a union tagged by a field
 * (`kind`), the errors of the branch the tag chose, or, when the tag matches none, one line
 * naming the tags there are.
 */
export function explainUnions(errors: readonly ErrorObject[]): ErrorObject[] {
  let out = [...errors];
  for (const union of errors) {
    if (union.keyword !== 'anyOf' || !out.includes(union)) continue;
    const prefix = `${union.schemaPath}/`;
    const inside = out.filter((e) => e.schemaPath.startsWith(prefix));
    const replaced = literalUnion(union, inside) ?? taggedUnion(union, inside, prefix);
    if (replaced) out = out.filter((e) => e !== union && !inside.includes(e)).concat(replaced);
  }
  return out;
}

function allowedValues(consts: readonly ErrorObject[]): string {
  return [...new Set(consts.map((e) => JSON.stringify(e.params['allowedValue'])))].join(', ');
}

function explained(instancePath: string, schemaPath: string, message: string): ErrorObject {
  return { keyword: 'union', instancePath, schemaPath, params: {}, message };
}

/** `'up' | 'down'`: every branch failed its `const` on the value itself. */
function literalUnion(union: ErrorObject, inside: ErrorObject[]): ErrorObject[] | undefined {
  const literal = (e: ErrorObject) =>
    e.keyword === 'const' && e.instancePath === union.instancePath;
  if (inside.length === 0 || !inside.every(literal)) return undefined;
  const message = `must be one of ${allowedValues(inside)}`;
  return [explained(union.instancePath, union.schemaPath, message)];
}

/** The child of `at` whose `const` failed: a tag candidate. */
function constChild(e: ErrorObject, at: string): string | undefined {
  if (e.keyword !== 'const' || !e.instancePath.startsWith(`${at}/`)) return undefined;
  const rest = e.instancePath.slice(at.length + 1);
  return rest.includes('/') ? undefined : rest;
}

/** A field that picks the branch: the one whose `const` failed, or one every branch requires. */
function tagOf(inside: ErrorObject[], at: string, branches: Set<string>): string | undefined {
  const fromConsts = new Set(inside.map((e) => constChild(e, at)).filter((t) => t !== undefined));
  if (fromConsts.size > 0) return fromConsts.size === 1 ? [...fromConsts][0] : undefined;
  const missing = inside.filter((e) => e.keyword === 'required' && e.instancePath === at);
  const everywhere = [...new Set(missing.map((e) => String(e.params['missingProperty'])))].filter(
    (name) => missing.filter((e) => e.params['missingProperty'] === name).length === branches.size,
  );
  return everywhere.length === 1 ? everywhere[0] : undefined;
}

function taggedUnion(
  union: ErrorObject,
  inside: ErrorObject[],
  prefix: string,
): ErrorObject[] | undefined {
  const at = union.instancePath;
  const branchOf = (e: ErrorObject) => e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
  const branches = new Set(inside.map(branchOf));
  const tag = tagOf(inside, at, branches);
  if (tag === undefined) return undefined;
  const tagErrors = inside.filter(
    (e) =>
      constChild(e, at) === tag ||
      (e.keyword === 'required' && e.instancePath === at && e.params['missingProperty'] === tag),
  );
  const unmatched = new Set(tagErrors.map(branchOf));
  if (unmatched.size < branches.size) {
    return inside.filter((e) => !unmatched.has(branchOf(e)));
  }
  const consts = tagErrors.filter((e) => e.keyword === 'const');
  const message =
    consts.length > 0
      ? `must be one of ${allowedValues(consts)}`
      : 'is required: it picks the kind';
  return [explained(`${at}/${tag}`, union.schemaPath, message)];
}

import { Type } from '@sinclair/typebox';
import { TASK_CATALOG } from '@wadm/contracts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { plain } from './common.js';

/** Strict 2020-12: refuses draft-07 keywords such as a tuple's `items: [...]`. */
const strict = () => new Ajv2020({ strict: true, validateFormats: false });

describe('plain - TypeBox to JSON Schema 2020-12', () => {
  it('plain - a tuple becomes prefixItems, closed with items: false', () => {
    const tuple = Type.Tuple([Type.String(), Type.Number()]);
    expect(() => strict().compile(JSON.parse(JSON.stringify(tuple)))).toThrow(/items/);
    const schema = plain(tuple);
    expect(schema).toEqual({
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      items: false,
      minItems: 2,
      maxItems: 2,
    });
    const validate = strict().compile(schema);
    expect(validate(['a', 1])).toBe(true);
    expect(validate(['a', 1, 2])).toBe(false);
    expect(validate([1, 'a'])).toBe(false);
  });

  it('plain - nullable: true becomes a null branch; const and null unions stay', () => {
    expect(plain(Type.String({ nullable: true }))).toEqual({
      anyOf: [{ type: 'string' }, { type: 'null' }],
    });
    expect(plain(Type.Union([Type.Literal('a'), Type.Null()]))).toEqual({
      anyOf: [{ const: 'a', type: 'string' }, { type: 'null' }],
    });
  });

  it('plain - a field with a default is not required', () => {
    const schema = plain(
      Type.Object(
        { a: Type.String(), b: Type.Integer({ default: 1 }) },
        { additionalProperties: false },
      ),
    );
    expect(schema['required']).toEqual(['a']);
  });

  it("plain - every task type's params and result compile as strict 2020-12", () => {
    for (const [type, def] of Object.entries(TASK_CATALOG)) {
      const ajv = strict();
      expect(() => ajv.compile(plain(def.params)), type).not.toThrow();
      expect(() => ajv.compile(plain(def.result)), type).not.toThrow();
    }
  });
});

import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { validate } from '../src/validation.js';

const Condition = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('price_cross'),
      direction: Type.Union([Type.Literal('up'), Type.Literal('down')]),
      level: Type.Number({ exclusiveMinimum: 0 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('rsi'), period: Type.Integer({ minimum: 2 }) },
    { additionalProperties: false },
  ),
]);
const Rule = Type.Object({ name: Type.String(), condition: Condition });

describe('errors of a union', () => {
  it('names only the errors of the branch its tag chose', () => {
    const errors = validate(Rule, { name: 'a', condition: { kind: 'rsi', period: 1, level: 3 } });
    expect(errors).toEqual([
      { path: '/condition/level', message: 'is not a known field' },
      { path: '/condition/period', message: 'must be >= 2' },
    ]);
  });

  it('lists the tags there are when the tag matches none', () => {
    const errors = validate(Rule, { name: 'a', condition: { kind: 'macd' } });
    expect(errors).toEqual([
      { path: '/condition/kind', message: 'must be one of "price_cross", "rsi"' },
    ]);
  });

  it('says the tag is required when it is missing', () => {
    const errors = validate(Rule, { name: 'a', condition: { level: 3 } });
    expect(errors).toEqual([
      { path: '/condition/kind', message: 'is required: it picks the kind' },
    ]);
  });

  it('turns a union of literals into one "must be one of"', () => {
    const errors = validate(Rule, {
      name: 'a',
      condition: { kind: 'price_cross', direction: 'sideways', level: 1 },
    });
    expect(errors).toEqual([
      { path: '/condition/direction', message: 'must be one of "up", "down"' },
    ]);
  });

  it('leaves errors outside unions as they were', () => {
    expect(validate(Rule, { condition: { kind: 'rsi', period: 14 } })).toEqual([
      { path: '/name', message: 'is required' },
    ]);
  });
});

import { Type, type Static } from '@sinclair/typebox';

/**
 * `alerts.evaluate`: checks every enabled alert rule against the latest candles and submits a
 * `notify.*` task per triggered rule. Run every minute by the scheduler, or on demand.
 */
export const AlertsEvaluateParams = Type.Object(
  {
    /** Only the rules of this owner (a test or an operator looking at one user). */
    owner: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  },
  { additionalProperties: false },
);
export type AlertsEvaluateParams = Static<typeof AlertsEvaluateParams>;

export const AlertsEvaluateResult = Type.Object({
  /** Enabled rules looked at. */
  rules: Type.Integer({ minimum: 0 }),
  /** Rules whose condition was newly met (crossed) in this run, cool-down or not. */
  triggered: Type.Integer({ minimum: 0 }),
  /** Triggers held back because the rule's cool-down had not run out. */
  suppressed: Type.Integer({ minimum: 0 }),
  /**
   * `notify.*` tasks made (one per channel of a triggered rule). A trigger an earlier run left
   * unconfirmed is submitted again under the same keys; what that run already made is not
   * made, nor counted, twice.
   */
  notifications: Type.Integer({ minimum: 0 }),
  /** Candle series read (rules are grouped by symbol and timeframe). */
  series: Type.Integer({ minimum: 0 }),
  /** Rules skipped because their series has no candles, or too few for the condition. */
  noData: Type.Integer({ minimum: 0 }),
  durationMs: Type.Number({ minimum: 0 }),
});
export type AlertsEvaluateResult = Static<typeof AlertsEvaluateResult>;

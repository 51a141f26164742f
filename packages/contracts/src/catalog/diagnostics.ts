import { Type, type Static } from '@sinclair/typebox';

/** `diagnostics.echo`: probes the pipeline. Served by every worker service. */
export const EchoParams = Type.Object(
  {
    payload: Type.Optional(Type.Unknown({ description: 'Returned as the result' })),
    sleepMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    failTimes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100, description: 'Fail this many attempts first' }),
    ),
    crash: Type.Optional(
      Type.Boolean({ description: 'Kill the worker process mid-task (needs WADM_ALLOW_CRASH=1)' }),
    ),
    nonRetryable: Type.Optional(
      Type.Boolean({ description: 'Fail with a non-retryable error (with failTimes)' }),
    ),
    progressSteps: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    resultBytes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 16_777_216, description: 'Pad the result to this size' }),
    ),
  },
  { additionalProperties: false },
);
export type EchoParams = Static<typeof EchoParams>;

export const EchoResult = Type.Object({
  payload: Type.Unknown(),
  attempt: Type.Integer(),
  worker: Type.String(),
  padding: Type.Optional(Type.String()),
});
export type EchoResult = Static<typeof EchoResult>;

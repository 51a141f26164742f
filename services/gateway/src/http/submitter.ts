import type { NatsConnection } from '@nats-io/transport-node';
import {
  isTaskType,
  paramRefusal,
  TASK_TYPES,
  typeRefusal,
  validateParams,
  type Priority,
  type SubmitRefusal,
  type SubmitterRole,
} from '@wadm/contracts';
import {
  checkIdempotentReplay,
  idempotentId,
  TaskRequestError,
  type SubmitResult,
  type TaskClient,
} from '@wadm/runtime';
import { taskRequestProblem } from './error-handler.js';
import type { NotifyDestinations } from './notify-destinations.js';
import type { PendingQuota } from './pending-quota.js';
import type { StorageQuota } from './storage-quota.js';
import { HttpProblem, ProblemCode, validationProblem } from './problem.js';

export interface SubmitInput {
  type: string;
  params: unknown;
  priority?: Priority;
  notBefore?: string;
  idempotencyKey?: string;
  retryOf?: string;
}

/** Whose tasks they become, and the role (and claims) the submitter's rights come from. */
export interface Submitting {
  owner: string;
  role: SubmitterRole;
  /** The token's `email` claim: the address an ordinary user's notifications may go to. */
  email?: string | undefined;
}

/** One submission's outcome in a batch: the result, or what was thrown for it. */
export type SubmitOutcome = { ok: SubmitResult } | { error: unknown };

/** Room for the state's and command's other fields beside the params in one NATS message. */
const PAYLOAD_HEADROOM_BYTES = 16 * 1024;
const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;
const SUBMIT_CONCURRENCY = 64;
/** Seconds a client over its quota is asked to wait: about when the gateway re-checks. */
const QUOTA_RETRY_AFTER_S = 1;

/**
 * Every way a task enters through REST (single, shortcut, bulk, retry) goes through here, so
 * the checks happen in one order: type, who may submit it, params, who may use them, size,
 * then the storage and pending quotas; a request refused for what it is gets its 4xx
 * whatever the quotas.
 */
export class Submitter {
  constructor(
    private readonly client: TaskClient,
    private readonly quota: PendingQuota,
    private readonly storage: StorageQuota,
    private readonly nc: NatsConnection,
    private readonly destinations: NotifyDestinations,
  ) {}

  /** One task; throws an HttpProblem (or a backend error) when it is not accepted. */
  async submit(who: Submitting, input: SubmitInput): Promise<SubmitResult> {
    const [outcome] = await this.submitMany(who, [input]);
    if (!outcome) throw new Error('submitMany returned nothing');
    if ('error' in outcome) throw outcome.error;
    return outcome.ok;
  }

  /** Several tasks of one owner; each item succeeds or fails on its own. */
  async submitMany(who: Submitting, inputs: readonly SubmitInput[]): Promise<SubmitOutcome[]> {
    const { owner } = who;
    // Checked before the quota: an invalid item must not take a slot from a valid one.
    const outcomes: (SubmitOutcome | undefined)[] = await Promise.all(
      inputs.map(async (input) => {
        const problem = this.check(input, who) ?? (await this.checkDestination(input, owner));
        return problem ? { error: problem } : undefined;
      }),
    );
    let valid = inputs.flatMap((input, i) => (outcomes[i] ? [] : [i]));
    const full = valid.length > 0 ? await this.storage.refusal(owner) : null;
    if (full) {
      for (const i of valid) outcomes[i] = { error: full };
      valid = [];
    }
    const granted = valid.length > 0 ? await this.quota.reserve(owner, valid.length) : 0;
    const created: string[] = [];
    try {
      await forEachLimited(valid, SUBMIT_CONCURRENCY, async (i, rank) => {
        const input = inputs[i] as SubmitInput;
        try {
          if (rank >= granted) {
            outcomes[i] = await this.overQuota(owner, input);
            return;
          }
          const result = await this.client.submit({ ...input, owner });
          if (!result.duplicate) created.push(result.state.id);
          outcomes[i] = { ok: result };
        } catch (err) {
          outcomes[i] = {
            error: err instanceof TaskRequestError ? taskRequestProblem(err) : err,
          };
        }
      });
    } finally {
      this.quota.settle(owner, granted, created);
    }
    return outcomes.map((o) => o ?? { error: new Error('submission skipped') });
  }

  /** A notification's destination: a registered webhook of the owner, an address allowed. */
  private async checkDestination(input: SubmitInput, owner: string): Promise<HttpProblem | null> {
    if (!isTaskType(input.type)) return null;
    return this.destinations.refusal(input.type, validParams(input), owner);
  }

  /** Refusals that need no NATS round trip. */
  private check(input: SubmitInput, { role, email }: Submitting): HttpProblem | null {
    if (!isTaskType(input.type)) {
      return new HttpProblem(
        400,
        ProblemCode.UNKNOWN_TASK_TYPE,
        `unknown task type ${JSON.stringify(input.type)}; known types: ${TASK_TYPES.join(', ')}`,
        { extra: { known_types: TASK_TYPES } },
      );
    }
    const refusedType = typeRefusal(input.type, role);
    if (refusedType) return forbidden(refusedType);
    const params = validParams(input);
    if (params instanceof HttpProblem) return params;
    const refusedParam = paramRefusal(input.type, params, role, { email });
    if (refusedParam) return forbidden(refusedParam);
    const size = Buffer.byteLength(JSON.stringify(input.params ?? {}));
    const max = (this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES) - PAYLOAD_HEADROOM_BYTES;
    if (size > max) {
      return new HttpProblem(
        413,
        ProblemCode.PAYLOAD_TOO_LARGE,
        `params are ${size} bytes; a task's params may have at most ${max}`,
      );
    }
    return null;
  }

  /** At the quota, a repeated Idempotency-Key still gets its task back; anything else waits. */
  private async overQuota(owner: string, input: SubmitInput): Promise<SubmitOutcome> {
    if (input.idempotencyKey) {
      const existing = await this.client.get(owner, idempotentId(owner, input.idempotencyKey));
      if (existing) {
        checkIdempotentReplay(existing, input.type, validParams(input));
        return { ok: { state: existing, duplicate: true } };
      }
    }
    return {
      error: new HttpProblem(
        429,
        ProblemCode.QUOTA_EXCEEDED,
        `${owner} has ${this.quota.pending(owner)} unfinished tasks; the quota is ${this.quota.quota}`,
        { headers: { 'Retry-After': String(QUOTA_RETRY_AFTER_S) } },
      ),
    };
  }
}

/**
 * The params with the schema's defaults filled in, or the 400 naming what is wrong. On a copy:
 * the task client validates the caller's params again and fills in the defaults itself.
 */
function validParams(input: SubmitInput): unknown {
  if (!isTaskType(input.type)) return input.params;
  const params: unknown = structuredClone(input.params ?? {});
  const fields = validateParams(input.type, params);
  return fields.length > 0 ? validationProblem(`invalid params for ${input.type}`, fields) : params;
}

function forbidden(refusal: SubmitRefusal): HttpProblem {
  return new HttpProblem(403, ProblemCode.FORBIDDEN, refusal.message, { errors: [refusal] });
}

/** Runs `fn` over `items` with at most `limit` at once; `rank` is the item's position. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, rank: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const rank = next++;
      await fn(items[rank] as T, rank);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

import { createApiClient, type ApiClient, type Problem } from '@wadm/api-client';
import { signDevToken } from '@wadm/auth';
import type { OptionSpec } from './command.js';
import { devSecret } from './dev-secret.js';
import { FailureError, UsageError } from './errors.js';

/**
 * The CLI's way to the gateway's REST API, for what only the gateway does (streamed, resumable
 * downloads): the typed client generated from `/openapi.json`, so a route or shape the
 * gateway changes breaks the CLI's build, not its users.
 */
export const DEFAULT_API_URL = 'http://127.0.0.1:8000';

export const restOptions = {
  api: {
    type: 'string',
    valueName: 'URL',
    description: `The gateway (default: WADM_API_URL, else ${DEFAULT_API_URL})`,
  },
  token: {
    type: 'string',
    valueName: 'JWT',
    description:
      'Bearer token (default: WADM_TOKEN, else an admin token signed with the development secret)',
  },
} as const satisfies Record<string, OptionSpec>;

export interface Rest {
  api: ApiClient;
  baseUrl: string;
}

/** A client for `--api`/`--token` (or their environment variables and defaults). */
export async function restClient(
  values: { api?: string | undefined; token?: string | undefined },
  command: string,
): Promise<Rest> {
  const baseUrl = (values.api ?? (process.env['WADM_API_URL'] || DEFAULT_API_URL)).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    throw new UsageError(`--api must be an http(s) URL, got ${JSON.stringify(baseUrl)}`, command);
  }
  // The CLI is an operator's tool, as over NATS: without a token it acts as a dev admin.
  const token =
    values.token ??
    (process.env['WADM_TOKEN'] ||
      (await signDevToken({ secret: devSecret(command), user: 'wadm-cli', admin: true })));
  return { api: createApiClient({ baseUrl, token }), baseUrl };
}

/** Runs one request, turning "nothing answered" into the CLI's one-line failure. */
export async function call<T>(rest: Rest, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const why = cause ?? (err instanceof Error ? err.message : String(err));
    throw new FailureError(
      'API_UNREACHABLE',
      `cannot reach the gateway at ${rest.baseUrl}: ${why}`,
      {
        cause: err,
      },
    );
  }
}

/** A problem answer as the CLI's failure: its stable code and its words. */
export function problemFailure(error: unknown, status: number): FailureError {
  const problem = error as Partial<Problem> | undefined;
  if (problem && typeof problem === 'object' && typeof problem.code === 'string') {
    return new FailureError(problem.code, `${problem.title ?? 'error'}: ${problem.detail ?? ''}`);
  }
  return new FailureError(`HTTP_${status}`, `the gateway answered HTTP ${status}`);
}

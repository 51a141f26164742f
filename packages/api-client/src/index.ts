import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/openapi.js';

export type { components, paths } from './generated/openapi.js';
export { ConformanceChecker, type Exchange } from './conformance.js';

/** Every error the API answers: RFC 9457 problem details with WADM's stable `code`. */
export type Problem = components['schemas']['Problem'];
export type TaskView = components['schemas']['TaskView'];
export type TaskAccepted = components['schemas']['TaskAccepted'];
export type TaskPage = components['schemas']['TaskPage'];
export type ApiClient = Client<paths>;

export interface ApiClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** The gateway, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** A bearer JWT, or a function giving the current one (tokens expire). */
  token?: string | (() => string | Promise<string>);
}

/**
 * A typed client of the WADM REST API: paths, params, bodies and every documented response
 * (problems included) are typed from the OpenAPI document the gateway serves.
 */
export function createApiClient({ token, ...options }: ApiClientOptions): ApiClient {
  const client = createClient<paths>(options);
  if (token !== undefined) {
    const auth: Middleware = {
      async onRequest({ request }) {
        const value = typeof token === 'function' ? await token() : token;
        request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

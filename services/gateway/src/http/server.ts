import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { GatewayDeps, RunningServer } from '../deps.js';
import { createApp } from './app.js';
import { HttpProblem, ProblemCode } from './problem.js';

/** Requests still running when close() is called get this long to finish. */
export const CLOSE_GRACE_MS = 5_000;
/** A slow client may not hold a socket forever sending one request. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A request the HTTP parser refused (bad request line, bad header, headers too large) never
 * reaches Koa; Node's default answer is an empty 400. Answer with a problem instead.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || (err as { code?: string }).code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, problem] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', ProblemCode.HEADERS_TOO_LARGE]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', ProblemCode.REQUEST_TIMEOUT]
        : [400, 'Bad Request', ProblemCode.MALFORMED_REQUEST];
  const detail = `the HTTP request was refused (${err.code ?? 'parse error'})`;
  const body = JSON.stringify(new HttpProblem(status, problem, detail).body());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Starts the REST API on `env.httpPort` (0: any free port). */
export async function startHttp(deps: GatewayDeps): Promise<RunningServer> {
  const { app, close: closeApp } = createApp(deps);
  const server: Server = createServer(
    { requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: 65_000 },
    app.callback(),
  );
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.env.httpPort, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          closeApp().then(resolve, (err: unknown) => {
            deps.logger.warn({ err }, 'closing the candle store failed');
            resolve();
          });
        });
        server.closeIdleConnections();
      }),
  };
}

import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import uWS, {
  type HttpRequest,
  type HttpResponse,
  type us_listen_socket,
  type us_socket_context_t,
} from 'uWebSockets.js';
import type { GatewayDeps, RunningServer } from '../deps.js';
import { ConnectionLimit } from './connection-limit.js';
import { EventFanout } from './fanout.js';
import { CloseCode, parseResumeFrom } from './protocol.js';
import { WsSession, type SocketData } from './session.js';
import { precheckUpgrade, refusalResponse, type Refused } from './upgrade-auth.js';

export interface WsBridgeOptions {
  /**
   * How long a client may stay at its buffer bound (`wsMaxBufferBytes`) without catching up
   * before it is closed with 4008. @defaultValue 30000
   */
  slowClientTimeoutMs?: number;
  /**
   * Bytes of events (after conflation) that may wait for a client already at its bound before it
   * is closed with 4008. @defaultValue 4 × `wsMaxBufferBytes`
   */
  maxQueuedBytes?: number;
  /** Largest message a client may send (a resume request is tiny). @defaultValue 4096 */
  maxClientMessageBytes?: number;
}

export interface WsBridgeStats {
  connections: number;
  /** Events read from TASK_EVENTS for at least one socket. */
  dispatched: number;
  /** Last stream sequence read. */
  position: number;
  closedSlow: number;
  conflated: number;
}

export interface WsBridge extends RunningServer {
  stats(): WsBridgeStats;
}

/**
 * The WebSocket side of the gateway: `ws://host:<wsPort>/ws/tasks/{user_id}` streams the user's
 * task events (admins may open any user's channel, and `/ws/tasks` for every owner). Wire
 * format, resume and close codes: see `protocol.ts`.
 */
export async function startWsBridge(
  deps: GatewayDeps,
  opts: WsBridgeOptions = {},
): Promise<WsBridge> {
  const { env, nc, logger } = deps;
  const fanout = await EventFanout.start(nc, logger);
  const sessions = new Set<WsSession>();
  const totals = { closedSlow: 0, conflated: 0 };
  let closing = false;

  const sessionDeps = {
    fanout,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    verify: deps.verify,
    logger,
    maxBufferBytes: env.wsMaxBufferBytes,
    maxQueuedBytes: opts.maxQueuedBytes ?? 4 * env.wsMaxBufferBytes,
    slowClientTimeoutMs: opts.slowClientTimeoutMs ?? 30_000,
    connections: new ConnectionLimit(env.wsMaxConnectionsPerUser),
    maxResumeEvents: env.wsMaxResumeEvents,
    onClosed: (session: WsSession, stats: { conflated: number }) => {
      sessions.delete(session);
      totals.conflated += stats.conflated;
    },
  };

  const behavior = (withUser: boolean): uWS.WebSocketBehavior<SocketData> => ({
    compression: uWS.DISABLED,
    maxPayloadLength: opts.maxClientMessageBytes ?? 4096,
    idleTimeout: env.wsIdleTimeoutSeconds,
    sendPingsAutomatically: true,
    // Our buffer stops writing at wsMaxBufferBytes; uWS's own limit only has to fit one more event.
    maxBackpressure: 2 * env.wsMaxBufferBytes + 1_048_576,
    upgrade: (res, req, context) => upgrade(res, req, context, withUser),
    open: (ws) => {
      const session = new WsSession(ws, sessionDeps);
      ws.getUserData().session = session;
      sessions.add(session);
      logger.debug({ user: session.user, owner: session.owner }, 'WebSocket opened');
    },
    message: (ws, message, isBinary) => ws.getUserData().session?.onMessage(message, isBinary),
    drain: (ws) => ws.getUserData().session?.onDrain(),
    close: (ws, code) => {
      const session = ws.getUserData().session;
      if (!session) return;
      if (code === CloseCode.SLOW_CONSUMER) totals.closedSlow++;
      session.onClose();
      logger.debug({ user: session.user, owner: session.owner, code }, 'WebSocket closed');
    },
  });

  /**
   * Answered synchronously, always: uWS can close a socket upgraded after an `await` (see
   * upgrade-auth.ts). The token's signature is checked once the socket is open.
   */
  function upgrade(
    res: HttpResponse,
    req: HttpRequest,
    context: us_socket_context_t,
    withUser: boolean,
  ): void {
    if (closing) {
      res.writeStatus('503 Service Unavailable').end('shutting down');
      return;
    }
    const claimed = precheckUpgrade({
      channel: withUser ? req.getParameter(0) : null,
      protocols: req.getHeader('sec-websocket-protocol'),
      authorization: req.getHeader('authorization'),
      queryToken: req.getQuery('token'),
    });
    if (!claimed.ok) {
      logger.debug({ status: claimed.status, detail: claimed.detail }, 'WebSocket refused');
      refuse(res, claimed);
      return;
    }
    const resumeParam = req.getQuery('resume_from');
    const resumeFrom = resumeParam === undefined ? null : parseResumeFrom(resumeParam);
    if (resumeParam !== undefined && resumeFrom === null) {
      refuse(res, {
        ok: false,
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'resume_from must be a stream_seq (an integer ≥ 0)',
      });
      return;
    }
    const data: SocketData = { claimed, resumeFrom };
    res.upgrade(
      data,
      req.getHeader('sec-websocket-key'),
      claimed.protocol,
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  }

  const app = uWS
    .App()
    .ws<SocketData>('/ws/tasks/:user', behavior(true))
    .ws<SocketData>('/ws/tasks', behavior(false))
    .any('/*', (res, req) => {
      const upgradeRoute = req.getUrl().startsWith('/ws/tasks');
      const status = upgradeRoute ? '426 Upgrade Required' : '404 Not Found';
      res
        .writeStatus(status)
        .writeHeader('content-type', 'application/problem+json')
        .end(
          JSON.stringify({
            type: '/docs#problem-not-found',
            title: upgradeRoute ? 'Upgrade required' : 'Not found',
            status: upgradeRoute ? 426 : 404,
            detail: 'WebSocket only: ws://host:port/ws/tasks/{user_id}',
            code: 'NOT_FOUND',
          }),
        );
    });

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(env.wsPort, (socket) => {
      if (socket) resolve(socket);
      else reject(new Error(`WebSocket bridge cannot listen on port ${env.wsPort}`));
    });
  }).catch(async (err: unknown) => {
    await fanout.stop();
    throw err;
  });
  const port = uWS.us_socket_local_port(listenSocket as unknown as uWS.us_socket);

  let closed: Promise<void> | undefined;
  return {
    port,
    stats: () => ({
      connections: sessions.size,
      dispatched: fanout.stats.dispatched,
      position: fanout.position,
      closedSlow: totals.closedSlow,
      conflated: [...sessions].reduce((sum, s) => sum + s.stats.conflated, totals.conflated),
    }),
    close() {
      closed ??= (async () => {
        closing = true;
        uWS.us_listen_socket_close(listenSocket);
        for (const session of [...sessions]) {
          session.end(CloseCode.GOING_AWAY, 'server shutting down: reconnect with resume_from');
        }
        app.close();
        await fanout.stop();
      })();
      return closed;
    },
  };
}

function refuse(res: HttpResponse, refused: Refused): void {
  const { status, headers, body } = refusalResponse(refused);
  res.writeStatus(status);
  for (const [name, value] of Object.entries(headers)) res.writeHeader(name, value);
  res.end(body);
}

import { get } from 'node:http';
import { connect } from 'node:net';

const REQUEST_TIMEOUT_MS = 2_000;

/** A monitor endpoint's HTTP status and parsed JSON body. */
export interface MonitorResponse {
  status: number;
  body: unknown;
}

/**
 * GETs a nats-server monitor endpoint (`/healthz`, `/jsz`, `/varz` …). No keep-alive agent:
 * pooled sockets to a server a test is about to kill only produce stray errors.
 */
export function getMonitorJson(url: string): Promise<MonitorResponse> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('error', reject);
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`timeout: GET ${url}`)));
    request.on('error', reject);
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(REQUEST_TIMEOUT_MS);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

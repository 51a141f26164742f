import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthProbe {
  /** Ready to take work: connected to NATS and pulling. */
  ready(): boolean;
  /** Prometheus text exposition. */
  metrics(): string;
}

export interface HealthAddress {
  /** 0 picks a free port. */
  port: number;
  /**
   * Loopback by default: metrics tell anyone who can reach them what runs and how busy it is.
   * Kubernetes probes and Prometheus need `0.0.0.0` (`WADM_HEALTH_HOST`).
   * @defaultValue '127.0.0.1'
   */
  host?: string;
}

/** `/healthz` (alive), `/readyz` (ready for work), `/metrics` (Prometheus). */
export async function startHealthServer(
  { port, host = '127.0.0.1' }: HealthAddress,
  probe: HealthProbe,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/readyz') {
      const ready = probe.ready();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(probe.metrics());
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not found"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

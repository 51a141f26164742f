import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { bareHost } from '@wadm/runtime';

export interface PinnedPost {
  url: URL;
  /** The address checked by the policy: the connection goes there, with no second lookup. */
  address: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export interface PostResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first bytes of the response body, for error messages. */
  excerpt: string;
}

const EXCERPT_BYTES = 512;

/**
 * POSTs to `url` over a connection to `address`: the host name still goes in `Host` and in
 * TLS (SNI and certificate check), but DNS is not asked again, so an answer that changes
 * between check and connect (DNS rebinding) cannot move the request. Redirects are not
 * followed: node:http never does.
 */
export function postPinned({
  url,
  address,
  headers,
  body,
  signal,
}: PinnedPost): Promise<PostResponse> {
  const family = isIP(address);
  const lookup = ((
    _host: string,
    options: { all?: boolean },
    callback: (...args: unknown[]) => void,
  ) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
  const host = bareHost(url.hostname);
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        auth: url.username
          ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
          : undefined,
        lookup,
        ...(secure && isIP(host) === 0 ? { servername: host } : {}),
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < EXCERPT_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What keeps a web page away from the servers tpguard runs on 127.0.0.1 (`tpguard serve` and the
 * embedded DynamoDB): a browser names the page's origin in `Origin` on every cross-site request
 * and preflight, and after a DNS rebinding it still sends the attacker's name in `Host`. Local
 * clients (curl, the AWS SDK, tpguard itself) send a local Host and no foreign Origin.
 */
export interface LocalRequestPolicy {
  /** `own`: an Origin equal to the server's own (http://127.0.0.1:port, http://localhost:port) is fine; `none`: any Origin is refused. */
  origins: 'own' | 'none';
}

const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Why a request to a local server on `port` is refused, or undefined when it may proceed.
 * @example localRequestRefusal({ host: 'evil.example:8787' }, 'POST', 8787, { origins: 'own' }) // 'Host evil.example:8787 is not ...'
 */
export function localRequestRefusal(
  headers: IncomingHttpHeaders,
  method: string | undefined,
  port: number,
  policy: LocalRequestPolicy,
): string | undefined {
  // The name only: after a DNS rebinding the browser still sends the attacker's name (the port may
  // differ behind a local proxy, and a page on another local port is cross-origin: see Origin).
  const host = (headers.host ?? '').toLowerCase();
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  if (!LOCAL_HOSTS.includes(name ?? ''))
    return `Host ${host.slice(0, 100) || '(none)'} is not ${LOCAL_HOSTS.join(', ')} (a request through DNS rebinding?)`;
  const origin = headers.origin;
  if (origin !== undefined) {
    const own = LOCAL_HOSTS.map((h) => `http://${h}:${port}`);
    if (policy.origins === 'none' || !own.includes(origin.toLowerCase()))
      return `Origin ${origin.slice(0, 100)} is not this server: cross-origin requests are refused`;
  }
  if (headers['sec-fetch-site'] === 'cross-site') return 'cross-site request refused';
  if (method === 'OPTIONS') return 'no cross-origin access: OPTIONS (CORS preflight) is refused';
  return undefined;
}

/**
 * Puts {@link localRequestRefusal} in front of a server's request handlers (dynalite's): a refused
 * request gets 403 with the reason and never reaches them, so no CORS header is ever sent.
 * @example guardLocalServer(dynalite({ path }), { origins: 'none' })
 */
export function guardLocalServer(server: Server, policy: LocalRequestPolicy): void {
  const handlers = server.listeners('request') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    const port = (server.address() as AddressInfo | null)?.port ?? 0;
    const refusal = localRequestRefusal(req.headers, req.method, port, policy);
    if (refusal) {
      const body = `${JSON.stringify({ error: refusal })}\n`;
      res.writeHead(403, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      req.resume();
      return;
    }
    for (const handle of handlers) handle.call(server, req, res);
  });
}

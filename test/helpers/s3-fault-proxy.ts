import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault-injecting HTTP proxy in front of the embedded S3 server (path-style requests only): the
 * SDK talks to it as to S3, so its real retry strategy and stream handling meet real S3 error
 * responses. Bodies are streamed both ways (no buffering: large GetObject bodies pass through).
 * - `access-denied`: 403 AccessDenied, nothing forwarded (as a bucket policy / KMS denial would)
 * - `slow-down`: 503 SlowDown, nothing forwarded (S3's throttling answer; the SDK retries it as THROTTLING)
 * - `internal-error`: 500 InternalError, nothing forwarded (retried as TRANSIENT)
 * - `reset`: the connection is cut before any answer (ECONNRESET; retried as transient)
 * - `truncate-body`: the real answer's status and headers, then only half the body and a cut
 *   (the SDK does NOT retry this: the error surfaces in the consumer of GetObject's Body stream)
 */
export const S3FaultKinds = ['access-denied', 'slow-down', 'internal-error', 'reset', 'truncate-body'] as const;
export type S3FaultKind = (typeof S3FaultKinds)[number];

export interface S3Request {
  /** GetObject, ListObjectsV2, HeadBucket, PutObject, ... (from the SDK's x-id query or from method+path) */
  operation: string;
  bucket?: string;
  key?: string;
  /** How many requests with the same operation+bucket+key came before (0 = first attempt). */
  attempt: number;
  /** How many requests of this operation came before. */
  index: number;
  query: URLSearchParams;
}
export type S3FaultPlan = (req: S3Request) => S3FaultKind | undefined;

export interface S3FaultProxy {
  endpoint: string;
  /** Every request, in arrival order: operation, bucket, key and the listing's prefix. */
  log: { operation: string; bucket?: string; key?: string; prefix?: string }[];
  requests: Record<string, number>;
  faults: Record<string, number>;
  setPlan(plan: S3FaultPlan): void;
  reset(): void;
  close(): Promise<void>;
}

const ERRORS: Record<
  'access-denied' | 'slow-down' | 'internal-error',
  { status: number; code: string; message: string }
> = {
  'access-denied': { status: 403, code: 'AccessDenied', message: 'Access Denied' },
  'slow-down': { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' },
  'internal-error': {
    status: 500,
    code: 'InternalError',
    message: 'We encountered an internal error. Please try again.',
  },
};

/** Names the S3 operation of a path-style request. */
export function classify(
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
): { operation: string; bucket?: string; key?: string } {
  const [, bucket, ...rest] = url.pathname.split('/');
  const key = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  const q = url.searchParams;
  const xid = q.get('x-id');
  if (xid) return { operation: xid, bucket, key: key || undefined };
  if (!bucket) return { operation: 'ListBuckets' };
  if (!key) {
    if (method === 'HEAD') return { operation: 'HeadBucket', bucket };
    if (method === 'PUT') return { operation: 'CreateBucket', bucket };
    if (method === 'DELETE') return { operation: 'DeleteBucket', bucket };
    if (method === 'POST' && q.has('delete')) return { operation: 'DeleteObjects', bucket };
    if (method === 'GET') return { operation: q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', bucket };
    return { operation: `${method}Bucket`, bucket };
  }
  if (method === 'HEAD') return { operation: 'HeadObject', bucket, key };
  if (method === 'GET') return { operation: 'GetObject', bucket, key };
  if (method === 'PUT')
    return {
      operation: headers['x-amz-copy-source'] ? 'CopyObject' : q.has('partNumber') ? 'UploadPart' : 'PutObject',
      bucket,
      key,
    };
  if (method === 'DELETE') return { operation: 'DeleteObject', bucket, key };
  return { operation: `${method}Object`, bucket, key };
}

function errorXml(code: string, message: string, resource: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${resource}</Resource><RequestId>${requestId}</RequestId></Error>`;
}

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` (the S3 server's endpoint).
 * @example const proxy = await startS3FaultProxy(s3.endpoint); proxy.setPlan(({ operation, key }) => (operation === 'GetObject' && key?.endsWith('denied.json.gz') ? 'access-denied' : undefined))
 */
export async function startS3FaultProxy(upstream: string): Promise<S3FaultProxy> {
  const target = new URL(upstream);
  const state = {
    plan: (() => undefined) as S3FaultPlan,
    log: [] as S3FaultProxy['log'],
    requests: {} as Record<string, number>,
    faults: {} as Record<string, number>,
    attempts: new Map<string, number>(),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const { operation, bucket, key } = classify(req.method ?? 'GET', url, req.headers);
    const prefix = url.searchParams.get('prefix') ?? undefined;
    state.log.push({ operation, bucket, key, ...(prefix === undefined ? {} : { prefix }) });
    const index = state.requests[operation] ?? 0;
    state.requests[operation] = index + 1;
    const id = `${operation} ${bucket ?? ''}/${key ?? ''}${operation.startsWith('List') ? `?${url.searchParams.get('continuation-token') ?? ''}` : ''}`;
    const attempt = state.attempts.get(id) ?? 0;
    state.attempts.set(id, attempt + 1);
    const fault = state.plan({ operation, bucket, key, attempt, index, query: url.searchParams });
    if (fault) state.faults[fault] = (state.faults[fault] ?? 0) + 1;
    const requestId = `FAULT${index}`;

    if (fault === 'access-denied' || fault === 'slow-down' || fault === 'internal-error') {
      const e = ERRORS[fault];
      req.resume(); // drain any upload body
      const body = req.method === 'HEAD' ? '' : errorXml(e.code, e.message, url.pathname, requestId);
      res.writeHead(e.status, {
        'content-type': 'application/xml',
        'x-amz-request-id': requestId,
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
      return;
    }
    if (fault === 'reset') {
      req.resume();
      req.socket.destroy();
      return;
    }
    const out = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (fault !== 'truncate-body') {
          up.pipe(res);
          return;
        }
        const half = Math.floor(Number(up.headers['content-length'] ?? 0) / 2);
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const part = chunk.subarray(0, half - sent);
          sent += part.length;
          res.write(part);
          if (sent >= half) {
            up.destroy();
            // let the written half reach the client, then cut the connection
            res.socket?.end(() => res.socket?.destroy());
          }
        });
      },
    );
    out.on('error', () => res.socket?.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log: state.log,
    requests: state.requests,
    faults: state.faults,
    setPlan: (plan) => {
      state.plan = plan;
    },
    reset: () => {
      state.plan = () => undefined;
      state.attempts.clear();
      state.log.length = 0;
      for (const k of Object.keys(state.requests)) delete state.requests[k];
      for (const k of Object.keys(state.faults)) delete state.faults[k];
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault-injecting HTTP proxy in front of the embedded DynamoDB: the SDK talks to it as to
 * DynamoDB, so its real retry strategy meets real error responses.
 * - `throttle`: 400 ProvisionedThroughputExceededException, nothing applied
 * - `server-error`: 500 InternalServerError, nothing applied
 * - `lost-response`: the request IS applied by the store, then the connection is cut before the
 *   answer (what a timeout or a 500 after the write looks like to a client)
 */
export const FaultKinds = ['throttle', 'server-error', 'lost-response'] as const;
export type FaultKind = (typeof FaultKinds)[number];

/**
 * Decides the fate of one request: its operation (PutItem, UpdateItem, ...), how many of it came
 * before, and its body (an SDK retry sends the same body again).
 */
export type FaultPlan = (operation: string, index: number, body: string) => FaultKind | undefined;

export interface FaultProxy {
  endpoint: string;
  /** Requests seen per operation, and faults injected per kind. */
  requests: Record<string, number>;
  faults: Record<string, number>;
  setPlan(plan: FaultPlan): void;
  reset(): void;
  close(): Promise<void>;
}

const ERRORS: Record<Exclude<FaultKind, 'lost-response'>, { status: number; type: string; message: string }> = {
  throttle: {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  'server-error': {
    status: 500,
    type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  },
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (res) => {
        void readBody(res).then(
          (b) => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: b }),
          reject,
        );
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

async function handle(
  target: URL,
  state: { plan: FaultPlan; requests: Record<string, number>; faults: Record<string, number> },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req);
  const operation =
    String(req.headers['x-amz-target'] ?? '')
      .split('.')
      .pop() ?? 'unknown';
  const index = state.requests[operation] ?? 0;
  state.requests[operation] = index + 1;
  const fault = state.plan(operation, index, body.toString('utf8'));
  if (fault) state.faults[fault] = (state.faults[fault] ?? 0) + 1;
  if (fault === 'throttle' || fault === 'server-error') {
    const e = ERRORS[fault];
    res.writeHead(e.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${index}` });
    res.end(JSON.stringify({ __type: e.type, message: e.message }));
    return;
  }
  const answer = await forward(target, req, body);
  if (fault === 'lost-response') {
    res.socket?.destroy();
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/**
 * Starts the proxy on 127.0.0.1 (a free port) in front of `upstream` (the dynalite endpoint).
 * @example const proxy = await startFaultProxy(table.endpoint); proxy.setPlan((op) => (op === 'UpdateItem' ? 'throttle' : undefined))
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const state = {
    plan: (() => undefined) as FaultPlan,
    requests: {} as Record<string, number>,
    faults: {} as Record<string, number>,
  };
  const server: Server = createServer((req, res) => {
    handle(target, state, req, res).catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: state.requests,
    faults: state.faults,
    setPlan: (plan) => {
      state.plan = plan;
    },
    reset: () => {
      state.plan = () => undefined;
      for (const k of Object.keys(state.requests)) delete state.requests[k];
      for (const k of Object.keys(state.faults)) delete state.faults[k];
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

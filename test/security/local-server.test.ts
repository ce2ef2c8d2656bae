import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_EVENTS_PER_REQUEST,
  MAX_QUEUED_REQUESTS,
  serialQueue,
  startEventServer,
  watchInbox,
} from '../../cli/commands/serve.js';
import { openLocalTable, startLocalRuntime, type LocalRuntime } from '../../shared/adapters/local/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';

/**
 * Issue 13, "The local server and store" (attacker review items 15 and 21): a web page must not
 * be able to post events to `tpguard serve` (cross-site POST, DNS rebinding) or talk to the
 * embedded DynamoDB; one request cannot hold the queue for minutes; the inbox does not read
 * through symbolic links.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const CONFIG = join(FIXTURES, 'tpguard.config.yaml');
const POLICIES = join(REPO_ROOT, 'policies');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch does not let a test set Host). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function event(id: number): Promise<Record<string, unknown>> {
  const e = JSON.parse(await readFile(join(FIXTURES, '24-listed-secrets-email-newline.json'), 'utf8'));
  e.id = `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;
  e.detail.eventID = e.id;
  return e;
}

let rt: LocalRuntime;
let server: Server;
let port: number;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-serve-'));
  rt = await startLocalRuntime({
    config: await loadConfig(CONFIG),
    pack: await loadPolicyPack(POLICIES),
    intake: 'serve',
  });
  server = await startEventServer(rt, 0);
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rt.close();
  await cleanup();
});

describe('tpguard serve (review items 15 and 21)', () => {
  it('takes POST /events only as application/json or application/x-ndjson (a form or text/plain post is cross-site)', async () => {
    // Prepare
    const body = JSON.stringify(await event(1));
    // Act
    const plain = await send(port, 'POST', '/events', { 'content-type': 'text/plain' }, body);
    const form = await send(port, 'POST', '/events', { 'content-type': 'application/x-www-form-urlencoded' }, body);
    const none = await send(port, 'POST', '/events', {}, body);
    const json = await send(port, 'POST', '/events', { 'content-type': 'application/json; charset=utf-8' }, body);
    // Assess
    for (const a of [plain, form, none]) {
      expect(a.status).toBe(415);
      expect(JSON.parse(a.body).error).toMatch(/application\/json or application\/x-ndjson/);
    }
    expect(json.status).toBe(200);
  });

  it('refuses a foreign Origin and a Host that is not 127.0.0.1/localhost (cross-site POST, DNS rebinding)', async () => {
    // Prepare
    const body = JSON.stringify(await event(2));
    const json = { 'content-type': 'application/json' };
    // Act
    const foreign = await send(port, 'POST', '/events', { ...json, origin: 'https://evil.example' }, body);
    const opaque = await send(port, 'POST', '/events', { ...json, origin: 'null' }, body);
    const rebound = await send(port, 'POST', '/events', { ...json, host: `evil.example:${port}` }, body);
    const reboundRead = await send(port, 'GET', '/drift', { host: `evil.example:${port}` });
    const preflight = await send(port, 'OPTIONS', '/events', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    const own = await send(port, 'POST', '/events', { ...json, origin: `http://localhost:${port}` }, body);
    const local = await send(port, 'GET', '/health', { host: `localhost:${port}` });
    // Assess
    for (const a of [foreign, opaque, rebound, reboundRead, preflight]) {
      expect(a.status).toBe(403);
      expect(a.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(JSON.parse(rebound.body).error).toMatch(/Host/);
    expect(own.status).toBe(200);
    expect(local.status).toBe(200);
  });

  it(`answers 413 with the reason above ${MAX_EVENTS_PER_REQUEST} events in one request (NDJSON or a gzip array)`, async () => {
    // Prepare
    const small = { 'detail-type': 'Object Created', source: 'aws.s3', detail: {} };
    const ndjson = `${Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => JSON.stringify(small)).join('\n')}\n`;
    const zipped = gzipSync(JSON.stringify(Array.from({ length: 28_000 }, () => small)));
    // Act
    const lines = await send(port, 'POST', '/events', { 'content-type': 'application/x-ndjson' }, ndjson);
    const array = await send(port, 'POST', '/events', { 'content-type': 'application/json' }, zipped);
    // Assess
    expect(zipped.length).toBeLessThan(1024 * 1024);
    expect(ndjson.length).toBeLessThan(1024 * 1024);
    for (const a of [lines, array]) {
      expect(a.status).toBe(413);
      expect(JSON.parse(a.body).error).toMatch(/too many events in one request .*limit 1000/);
    }
  });

  it(`answers 503 when ${MAX_QUEUED_REQUESTS} requests already wait for the queue`, async () => {
    // Prepare: a queue that reports itself full.
    const full = Object.assign(serialQueue(), { pending: () => MAX_QUEUED_REQUESTS });
    const busy = await startEventServer(rt, 0, full);
    const busyPort = (busy.address() as AddressInfo).port;
    try {
      // Act
      const a = await send(busyPort, 'POST', '/events', { 'content-type': 'application/json' }, '{}');
      // Assess
      expect(a.status).toBe(503);
      expect(a.headers['retry-after']).toBe('1');
    } finally {
      busy.closeAllConnections();
      await new Promise((r) => busy.close(r));
    }
  });

  it('reads no file of the inbox through a symbolic link, and says so without its content', async () => {
    // Prepare
    const inbox = join(dir, 'inbox');
    const outside = join(dir, 'outside');
    await mkdir(inbox, { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    await symlink(join(outside, 'passwd'), join(inbox, 'passwd.json'));
    await symlink(outside, join(inbox, 'linked-folder.json'));
    const lines: string[] = [];
    // Act
    const watcher = await watchInbox(inbox, rt, serialQueue(), (l) => lines.push(l));
    for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    watcher.close();
    // Assess
    expect(lines.sort()).toEqual([
      'inbox linked-folder.json: symbolic link, not followed',
      'inbox passwd.json: symbolic link, not followed',
    ]);
    expect(lines.join('\n')).not.toContain('root:x');
  });
});

describe('The embedded DynamoDB endpoint (review item 21)', () => {
  it('answers no cross-origin request and no preflight, and only to a local Host', async () => {
    // Prepare
    const table = await openLocalTable();
    const dbPort = Number(new URL(table.endpoint).port);
    const target = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' };
    try {
      // Act
      const preflight = await send(dbPort, 'OPTIONS', '/', {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-amz-target,content-type',
      });
      const crossOrigin = await send(dbPort, 'POST', '/', { ...target, origin: 'https://evil.example' }, '{}');
      const rebound = await send(dbPort, 'POST', '/', { ...target, host: `evil.example:${dbPort}` }, '{}');
      const tables = await table.doc.send(new ListTablesCommand({}));
      // Assess
      for (const a of [preflight, crossOrigin, rebound]) {
        expect(a.status).toBe(403);
        expect(a.headers['access-control-allow-origin']).toBeUndefined();
        expect(a.headers['access-control-allow-headers']).toBeUndefined();
      }
      expect(tables.TableNames).toContain(table.tableName); // the SDK on 127.0.0.1 still gets through
    } finally {
      await table.close();
    }
  });
});

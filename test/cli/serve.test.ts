import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../shared/adapters/local/index.js';
import { loadConfig } from '../../shared/config/index.js';
import type { DriftRecord } from '../../shared/drift/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { MAX_BODY_BYTES, serialQueue, startEventServer, watchInbox } from '../../cli/commands/serve.js';
import { BIN } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';
import { FIXTURE_CONFIG, FIXTURE_POLICIES, fixtureEvent } from '../shared/ingest/ingest-fixture.js';
import { fixtureArgs } from './replay-support.js';

let rt: LocalRuntime;
let server: Server;
let base: string;

beforeAll(async () => {
  rt = await startLocalRuntime({
    config: await loadConfig(FIXTURE_CONFIG),
    pack: await loadPolicyPack(FIXTURE_POLICIES),
    intake: 'serve',
  });
  server = await startEventServer(rt, 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rt.close();
});

const post = async (body: string | Buffer) => {
  const res = await fetch(`${base}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('Function: startEventServer', () => {
  it('ingests a POSTed event and answers with what it did; the same event again makes no transition', async () => {
    // Prepare
    const event = JSON.stringify(fixtureEvent('gd-exfiltration.json'));
    // Act
    const first = await post(event);
    const second = await post(event);
    // Assess
    expect(first).toMatchObject({
      status: 200,
      body: { accepted: 1, rejected: [], routed: 1, transitions: { opened: 1 } },
    });
    expect(second).toMatchObject({ status: 200, body: { accepted: 1, transitions: { opened: 0 } } });
    const open = (await (await fetch(`${base}/drift`)).json()) as DriftRecord[];
    expect(open.map((r) => r.ruleId)).toContain('TPS-GD-90');
  });

  it('accepts NDJSON and gzip bodies, like scan', async () => {
    // Prepare
    const ndjson = [fixtureEvent('ct-versioning-suspended.json'), fixtureEvent('ct-unrelated.json')]
      .map((e) => JSON.stringify(e))
      .join('\n');
    // Act
    const lines = await post(ndjson);
    const zipped = await post(gzipSync(JSON.stringify([fixtureEvent('sc-training-open.json')])));
    // Assess
    expect(lines).toMatchObject({ status: 200, body: { accepted: 2, routed: 1, unrouted: 1 } });
    expect(zipped).toMatchObject({ status: 200, body: { accepted: 1, transitions: { opened: 1 } } });
  });

  it('answers 400 with the reasons when nothing in the body is usable', async () => {
    // Act
    const invalid = await post('{"detail-type": ');
    const shape = await post(JSON.stringify({ hello: 'world' }));
    const empty = await post('');
    // Assess
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/^invalid JSON/);
    expect(shape).toMatchObject({
      status: 400,
      body: { accepted: 0, rejected: [{ where: 'body', reason: expect.stringContaining('unrecognized event shape') }] },
    });
    expect(empty.status).toBe(400);
  });

  it('answers 413 above 1 MiB', async () => {
    // Act
    const big = await post(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
    // Assess
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/body too large/);
  });

  it('answers 404 and 405 for other routes and methods', async () => {
    // Act
    const missing = await fetch(`${base}/nothing`);
    const method = await fetch(`${base}/events`, { method: 'PUT', body: '{}' });
    // Assess
    expect([missing.status, method.status]).toEqual([404, 405]);
  });
});

describe('Function: watchInbox', () => {
  it('ingests files that appear in the inbox folder', async () => {
    // Prepare
    const { dir, cleanup } = await tempDir('tpguard-inbox-');
    const lines: string[] = [];
    const watcher = await watchInbox(dir, rt, serialQueue(), (l) => lines.push(l));
    // Act
    await writeFile(join(dir, 'cfg.json'), JSON.stringify(fixtureEvent('cfg-bucket-unversioned.json')));
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    // Assess
    watcher.close();
    await cleanup();
    expect(lines).toEqual(['inbox cfg.json: 1 events, 0 rejected, 1 transitions']);
  });
});

describe('Command: tpguard serve', () => {
  it('serves until Ctrl-C, printing transitions as they happen', async () => {
    // Prepare
    const { dir, cleanup } = await tempDir('tpguard-serve-');
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...fixtureArgs(dir)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 400 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      return re.exec(out);
    };
    const url = (await waitFor(/serving on (http:\/\/127\.0\.0\.1:\d+)/))?.[1];
    // Act
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtureEvent('ct-versioning-suspended.json')),
    });
    await waitFor(/OPENED/);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    // Assess
    await cleanup();
    expect(res.status).toBe(200);
    expect(out).toMatch(/OPENED\s+high\s+TPS-S3-90\s+s3-bucket\/ml-training-vision-raw/);
    expect(out).toContain('stopped');
    expect(code).toBe(0);
  }, 30_000);
});

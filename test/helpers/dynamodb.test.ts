import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalTable, openLocalTable } from '../../shared/adapters/local/index.js';
import { openTestTable } from './dynamodb.js';

const REPO = join(import.meta.dirname, '../..');

let server: LocalTable;
beforeAll(async () => {
  server = await openLocalTable(); // any DynamoDB endpoint will do: dynalite stands in for DynamoDB Local
});
afterAll(async () => server.close());

async function exists(table: LocalTable): Promise<boolean> {
  try {
    await server.doc.send(new DescribeTableCommand({ TableName: table.tableName }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

describe('Function: openTestTable', () => {
  it('gives each test a table of its own on a shared endpoint and deletes it on close', async () => {
    const a = await openTestTable(server.endpoint);
    const b = await openTestTable(server.endpoint);
    expect(a.tableName).not.toBe(b.tableName);
    expect(a.tableName).toMatch(/^tpguard-test-[0-9a-f-]{36}$/);
    expect([await exists(a), await exists(b)]).toEqual([true, true]);

    await a.close();
    await b.close();

    expect([await exists(a), await exists(b)]).toEqual([false, false]);
  });

  it('records the test file that opened a table when TPGUARD_STORE_TESTS_LOG is set (the list .ci/run re-runs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpguard-store-log-'));
    const log = join(dir, 'store-tests.txt');
    const outer = process.env.TPGUARD_STORE_TESTS_LOG; // .ci/run's own log, when it runs this
    process.env.TPGUARD_STORE_TESTS_LOG = log;
    try {
      const table = await openTestTable(server.endpoint);
      await table.close();
    } finally {
      if (outer === undefined) delete process.env.TPGUARD_STORE_TESTS_LOG;
      else process.env.TPGUARD_STORE_TESTS_LOG = outer;
    }
    expect(readFileSync(log, 'utf8')).toBe('test/helpers/dynamodb.test.ts\n');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('Store tests', () => {
  it('open their table with openTestTable, so .ci/run can run them against DynamoDB Local', () => {
    // openLocalTable itself (dynalite.test.ts), the helper, the CLI tests of a "deployed"
    // stack whose table is named after the stack, and two security tests of the embedded store
    // itself (its CORS answers; the items a CLI run left under --data-dir) are the only direct users.
    const allowed = new Set([
      'test/shared/adapters/local/dynalite.test.ts',
      'test/helpers/dynamodb.ts',
      'test/helpers/dynamodb.test.ts',
      'test/cli/deployed-support.ts',
      'test/security/local-server.test.ts',
      'test/security/no-secret-leaves.test.ts',
    ]);
    const direct = sources(join(REPO, 'test'))
      .filter((f) => /\bopenLocalTable\(/.test(readFileSync(join(REPO, f), 'utf8')))
      .filter((f) => !allowed.has(f));
    expect(direct).toEqual([]);
  });
});

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(path));
    else if (e.name.endsWith('.ts')) out.push(path.slice(REPO.length + 1));
  }
  return out;
}

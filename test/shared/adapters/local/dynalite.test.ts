import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDriftStore } from '../../../../shared/adapters/aws/index.js';
import { ensureTable, openLocalTable } from '../../../../shared/adapters/local/dynalite.js';
import { GSI1, TABLE_DEFINITION } from '../../../../shared/adapters/aws/index.js';
import { tempDir } from '../../../helpers/fixtures.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-dynalite-'));
});
afterEach(async () => {
  await cleanup();
});

const entry = {
  driftId: 'd-00000000000000000001',
  eventId: 'e-1',
  eventTime: '2026-11-02T10:00:00.000Z',
  verdict: 'pass' as const,
  packVersion: 'p',
};

describe('Function: openLocalTable', () => {
  it('creates the table with the key schema and GSI of the table definition, on 127.0.0.1', async () => {
    // Act
    const table = await openLocalTable();
    const { Table } = await table.doc.send(new DescribeTableCommand({ TableName: table.tableName }));
    await table.close();
    // Assess
    expect(table.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Table?.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
    expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.KeySchema, g.Projection?.ProjectionType])).toEqual(
      [[GSI1, TABLE_DEFINITION.GlobalSecondaryIndexes[0].KeySchema, 'ALL']],
    );
  });

  it('keeps its data on disk under --data-dir across restarts (LevelDB on Node 24)', async () => {
    // Prepare
    const first = await openLocalTable({ dataDir: dir });
    await new DynamoDriftStore(first.doc, { tableName: first.tableName }).putHistory(entry);
    await first.close();
    // Act
    const second = await openLocalTable({ dataDir: dir });
    const again = await new DynamoDriftStore(second.doc, { tableName: second.tableName }).putHistory(entry);
    const created = await ensureTable(second.doc, second.tableName);
    await second.close();
    // Assess
    expect(existsSync(join(dir, 'dynalite', 'CURRENT'))).toBe(true);
    expect(again).toBe(false);
    expect(created).toBe('exists');
  });

  it('attaches to the store a running process serves on the same data folder, instead of fighting for the lock', async () => {
    // Prepare: the endpoint file names another live process (this test's parent) serving the store
    const owner = await openLocalTable({ dataDir: dir });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(dir, 'dynalite.json'),
      JSON.stringify({ pid: process.ppid, port: Number(new URL(owner.endpoint).port) }),
    );
    // Act
    const attached = await openLocalTable({ dataDir: dir });
    const wrote = await new DynamoDriftStore(attached.doc, { tableName: attached.tableName }).putHistory(entry);
    const seen = await new DynamoDriftStore(owner.doc, { tableName: owner.tableName }).putHistory(entry);
    await attached.close();
    await owner.close();
    // Assess
    expect(attached.owner).toBe(false);
    expect(attached.endpoint).toBe(owner.endpoint);
    expect([wrote, seen]).toEqual([true, false]);
  });
});

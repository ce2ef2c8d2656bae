import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { documentClient } from '../aws/index.js';
import { guardLocalServer } from './local-http.js';
import { LOCAL_TABLE_NAME, TABLE_DEFINITION } from '../aws/index.js';
import { EmbeddedStoreError } from './errors.js';

/** Credentials and region for the embedded store: never the machine's AWS profile, never a network call. */
const LOCAL_CLIENT = {
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 3,
} as const;

/** Where a running tpguard process advertises its embedded store, so other commands share it. */
const ENDPOINT_FILE = 'dynalite.json';

/** An open local table: the client to use and how to let go of it. */
export interface LocalTable {
  doc: DynamoDBDocumentClient;
  tableName: string;
  endpoint: string;
  /** True when this process runs the embedded server (false: attached to another tpguard process). */
  owner: boolean;
  close(): Promise<void>;
}

export interface LocalTableOptions {
  /** Data folder (LevelDB under `<dataDir>/dynalite`); in memory when undefined (tests). */
  dataDir?: string;
  /** Port on 127.0.0.1; 0 = a free one. */
  port?: number;
  tableName?: string;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Creates the table (key schema and GSI of table-definition.ts) unless it exists.
 * @example await ensureTable(client, 'tpguard') // 'created' the first time, then 'exists'
 */
export async function ensureTable(client: DynamoDBDocumentClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      ...TABLE_DEFINITION,
      AttributeDefinitions: [...TABLE_DEFINITION.AttributeDefinitions],
      KeySchema: [...TABLE_DEFINITION.KeySchema],
      GlobalSecondaryIndexes: TABLE_DEFINITION.GlobalSecondaryIndexes.map((g) => ({
        ...g,
        KeySchema: [...g.KeySchema],
      })),
    }),
  );
  return 'created';
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The store another tpguard process (serve, start) runs on this data folder, if it answers. */
async function attach(dataDir: string, tableName: string): Promise<LocalTable | undefined> {
  let info: { pid?: unknown; port?: unknown };
  try {
    info = JSON.parse(await readFile(join(dataDir, ENDPOINT_FILE), 'utf8')) as typeof info;
  } catch {
    return undefined;
  }
  if (
    typeof info.pid !== 'number' ||
    typeof info.port !== 'number' ||
    info.pid === process.pid ||
    !processAlive(info.pid)
  )
    return undefined;
  const endpoint = `http://127.0.0.1:${info.port}`;
  const doc = documentClient({ ...LOCAL_CLIENT, endpoint, maxAttempts: 1 });
  try {
    await ensureTable(doc, tableName);
  } catch {
    doc.destroy();
    return undefined;
  }
  return { doc, tableName, endpoint, owner: false, close: async () => doc.destroy() };
}

/**
 * Opens the local table: attaches to the embedded store of a running `tpguard serve`/`start` on the
 * same data folder, else starts dynalite in this process on 127.0.0.1 (data on disk under
 * `<dataDir>/dynalite`, or in memory without a data folder) and creates the table on first use.
 * @example const table = await openLocalTable({ dataDir: '.tpguard' }); ...; await table.close()
 */
export async function openLocalTable(options: LocalTableOptions = {}): Promise<LocalTable> {
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const dataDir = options.dataDir;
  if (dataDir) {
    const attached = await attach(dataDir, tableName);
    if (attached) return attached;
    await mkdir(join(dataDir, 'dynalite'), { recursive: true });
  }
  const server = dynalite({
    ...(dataDir ? { path: join(dataDir, 'dynalite') } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  // dynalite answers any Origin with Access-Control-Allow-Origin: * (and every preflight): a web
  // page could read and rewrite the drift store. Only local clients without an Origin get through.
  guardLocalServer(server, { origins: 'none' });
  const port = await listen(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;
  const doc = documentClient({ ...LOCAL_CLIENT, endpoint });
  try {
    await ensureTable(doc, tableName);
  } catch (err) {
    doc.destroy();
    await closeServer(server);
    const reason = /lock/i.test(String((err as Error).message))
      ? 'data folder is locked by another process'
      : (err as Error).message.split('\n')[0];
    throw new EmbeddedStoreError(dataDir ?? '(memory)', `cannot open the embedded DynamoDB: ${reason}`, { cause: err });
  }
  if (dataDir) await writeFile(join(dataDir, ENDPOINT_FILE), JSON.stringify({ pid: process.pid, port }));
  return {
    doc,
    tableName,
    endpoint,
    owner: true,
    close: async () => {
      doc.destroy();
      if (dataDir) await rm(join(dataDir, ENDPOINT_FILE), { force: true });
      await closeServer(server);
    },
  };
}

import { DeleteTableCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { expect } from 'vitest';
import { documentClient } from '../../shared/adapters/aws/index.js';
import { ensureTable, type LocalTable, openLocalTable } from '../../shared/adapters/local/index.js';

/**
 * A DynamoDB endpoint to test against instead of the embedded dynalite, e.g. DynamoDB Local
 * started by .ci/run with -sharedDb -inMemory (http://127.0.0.1:8000). Unset: dynalite in memory.
 */
export const TEST_DYNAMODB_ENDPOINT = process.env.TPGUARD_TEST_DYNAMODB_ENDPOINT;

/**
 * With TPGUARD_STORE_TESTS_LOG set, each test file that opens a table appends its path to that
 * file: `.ci/run` runs exactly those files a second time against DynamoDB Local, so the list is
 * derived from the tests themselves (a new store test joins it by calling openTestTable).
 */
function recordStoreTest(): void {
  const log = process.env.TPGUARD_STORE_TESTS_LOG;
  const file = expect.getState().testPath;
  if (log && file) appendFileSync(log, `${relative(process.cwd(), file)}\n`);
}

/**
 * A fresh tpguard table for a test: on TPGUARD_TEST_DYNAMODB_ENDPOINT when set (a table of its own,
 * named uniquely because DynamoDB Local runs with -sharedDb, deleted on close), else an in-memory
 * dynalite (openLocalTable()). The CLI tests of a "deployed" stack (test/cli/deployed-support.ts)
 * stay on dynalite: they name the table after the stack.
 * @example const table = await openTestTable(); ...; await table.close()
 */
export async function openTestTable(endpoint = TEST_DYNAMODB_ENDPOINT): Promise<LocalTable> {
  recordStoreTest();
  if (!endpoint) return openLocalTable();
  const tableName = `tpguard-test-${randomUUID()}`;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const doc = documentClient({ endpoint, region: 'local', credentials, maxAttempts: 3 });
  await ensureTable(doc, tableName);
  await waitUntilTableExists({ client: doc, maxWaitTime: 60, minDelay: 1 }, { TableName: tableName });
  return {
    doc,
    tableName,
    endpoint,
    owner: true,
    close: async () => {
      try {
        await doc.send(new DeleteTableCommand({ TableName: tableName }));
      } finally {
        doc.destroy();
      }
    },
  };
}

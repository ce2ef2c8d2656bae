import { DynamoDriftStore } from '../../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../../shared/adapters/local/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';

/** DynamoDB requests by command name (PutItem, UpdateItem, GetItem, Query, ...), counted on the wire. */
export type RequestCounts = Record<string, number>;

/** A fresh tpguard table (in-memory dynalite, or TPGUARD_TEST_DYNAMODB_ENDPOINT: see openTestTable) and a request counter. */
export interface StoreFixture {
  table: LocalTable;
  store: DynamoDriftStore;
  counts: RequestCounts;
  /** Writes (PutItem + UpdateItem) and reads (GetItem + Query) since the last reset. */
  writes(): number;
  reads(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startStoreFixture(): Promise<StoreFixture> {
  const table = await openTestTable();
  const counts: RequestCounts = {};
  table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'tpguardRequestCounter' },
  );
  const sum = (names: string[]) => names.reduce((n, k) => n + (counts[k] ?? 0), 0);
  return {
    table,
    store: new DynamoDriftStore(table.doc, { tableName: table.tableName }),
    counts,
    writes: () =>
      sum(['PutItem', 'UpdateItem', 'Put', 'Update', 'DeleteItem', 'Delete', 'BatchWriteItem', 'TransactWriteItems']),
    reads: () => sum(['GetItem', 'Get', 'Query', 'Scan', 'BatchGetItem']),
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k];
    },
    close: () => table.close(),
  };
}

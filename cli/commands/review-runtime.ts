import type { Command } from 'commander';
import type { TpguardConfig } from '../../shared/config/index.js';
import type { Publisher } from '../../shared/drift/index.js';
import type { DriftTransition } from '../../shared/drift/index.js';
import { DynamoDriftStore } from '../../shared/adapters/aws/index.js';
import { DynamoExceptionStore } from '../../shared/adapters/aws/index.js';
import { DynamoReviewStore } from '../../shared/adapters/aws/index.js';
import { DynamoSightings } from '../../shared/adapters/aws/index.js';
import { openLocalTable, type LocalTable } from '../../shared/adapters/local/index.js';
import { DynamoNotificationLedger } from '../../shared/adapters/aws/index.js';
import { createOutboxDispatcher } from '../../shared/adapters/local/index.js';
import { createReviewMessenger } from '../../shared/review/index.js';
import { ruleCatalog } from '../../shared/notify/index.js';
import { notifyTransition } from '../../shared/notify/index.js';
import type { PolicyPack } from '../../shared/policy/index.js';
import type { ReviewDeps } from '../../shared/review/index.js';
import { driftFactsFrom } from '../../shared/review/index.js';
import type { Clock } from '../../shared/kernel/index.js';
import { commandClock } from '../clock.js';
import { loadContext } from '../context.js';

/** The data folder every local command shares (embedded DynamoDB, outbox). */
export const DEFAULT_DATA_DIR = '.tpguard';

/** Options every review, exception and report command takes. */
export interface StoreOptions {
  dataDir: string;
  config?: string;
  policy?: string;
}

/** Adds `--data-dir`, `--config` and `--policy` to a command. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data folder of the embedded store and the outbox', DEFAULT_DATA_DIR)
    .option('--config <file>', 'configuration file (default: ./tpguard.config.yaml when present)')
    .option('--policy <dir>', 'policy pack folder (default: ./policies)');
}

/** Everything a local review command works with. */
export interface LocalReviewRuntime {
  config: TpguardConfig;
  pack: PolicyPack;
  clock: Clock;
  table: LocalTable;
  drift: DynamoDriftStore;
  deps: ReviewDeps;
  /** Publishes transitions like the local runtime: one console line each, then the notifier (outbox). */
  publisher: Publisher;
  close(): Promise<void>;
}

function transitionLine(t: DriftTransition): string {
  return `${t.kind.padEnd(10)} ${t.record.severity.padEnd(8)} ${t.record.ruleId} ${t.record.resourceType}/${t.record.resourceId} (owner ${t.record.owner ?? 'default'})`;
}

/**
 * Opens the local store (attaching to a running `tpguard serve`/`start` on the same data folder)
 * and builds the review cycle's ports over it; messages go to `<data-dir>/outbox.ndjson`.
 * @example const rt = await openReviewRuntime(opts, cmd); try { ... } finally { await rt.close() }
 */
export async function openReviewRuntime(
  opts: StoreOptions,
  cmd: Command,
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<LocalReviewRuntime> {
  const { config, pack } = await loadContext(opts);
  const clock = commandClock(cmd);
  const table = await openLocalTable({ dataDir: opts.dataDir });
  const drift = new DynamoDriftStore(table.doc, { tableName: table.tableName });
  const dispatcher = createOutboxDispatcher({ dataDir: opts.dataDir, clock, log: (l) => log(`  message ${l}`) });
  const notifier = {
    ledger: new DynamoNotificationLedger(table.doc, table.tableName),
    dispatcher,
    catalog: ruleCatalog(pack),
    config,
    clock,
  };
  const publisher: Publisher = {
    publish: async (transitions) => {
      for (const t of transitions) {
        log(`  drift ${transitionLine(t)}`);
        await notifyTransition(t, notifier);
      }
    },
  };
  const deps: ReviewDeps = {
    config,
    pack,
    clock,
    store: new DynamoReviewStore(table.doc, table.tableName),
    exceptions: new DynamoExceptionStore(table.doc, table.tableName),
    drift: driftFactsFrom(drift),
    sightings: new DynamoSightings(table.doc, table.tableName),
    messenger: createReviewMessenger(dispatcher),
  };
  return { config, pack, clock, table, drift, deps, publisher, close: () => table.close() };
}

/** Runs `fn` with an open runtime and always closes it. */
export async function withReviewRuntime<T>(
  opts: StoreOptions,
  cmd: Command,
  fn: (rt: LocalReviewRuntime) => Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  const rt = await openReviewRuntime(opts, cmd, log);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

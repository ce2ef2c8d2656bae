import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import type { TpguardConfig } from '../../config/index.js';
import type { DriftStore } from '../../drift/index.js';
import { type DriftRecord, TRANSITION_GROUP_DETAIL_TYPE } from '../../drift/index.js';
import { runDigest, type DigestRun } from '../../notify/index.js';
import { summaryLine } from '../../notify/index.js';
import { InvalidTransitionError } from '../../notify/index.js';
import { ruleCatalog } from '../../notify/index.js';
import { MemoryLedger } from '../../notify/index.js';
import { notifyBusEvent, type DeliveryResult, type NotifierDeps, type TransitionStore } from '../../notify/index.js';
import { ownAccountHub } from '../../notify/index.js';
import { parseTransitionEvent } from '../../notify/index.js';
import type { PolicyPack } from '../../policy/index.js';
import { systemClock, type Clock } from '../../kernel/index.js';
import { DynamoDriftStore, DynamoNotificationLedger } from '../aws/index.js';
import { createOutboxDispatcher, OUTBOX_FILE } from './outbox.js';
import type { WebhookOptions } from '../http/index.js';
import type { MailSender } from './smtp.js';

export interface LocalNotifierOptions {
  /** Where `outbox.ndjson` goes (the runtime's `--data-dir`). */
  dataDir: string;
  config: TpguardConfig;
  pack: PolicyPack;
  /** The local table: the ledger lives on its drift items, so a second replay sends nothing. In memory when absent. */
  table?: { doc: DynamoDBDocumentClient; tableName: string };
  clock?: Clock;
  /** `env:` webhook variables, SMTP_URL, SMTP_FROM. */
  env?: NodeJS.ProcessEnv;
  /** One line per message (default: stdout). */
  log?: (line: string) => void;
  webhook?: WebhookOptions;
  mail?: MailSender;
}

/** The local notifier: a bus handler for `source: tpguard` events, plus the daily digest on demand. */
export interface LocalNotifier {
  (event: unknown): Promise<DeliveryResult[]>;
  /** The digest and escalation run over the open drift of `store` (what the scheduler does daily). */
  digest(store: Pick<DriftStore, 'queryRecords'>): Promise<DigestRun>;
  readonly outboxFile: string;
}

function isGroup(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>)['detail-type'] === TRANSITION_GROUP_DETAIL_TYPE
  );
}

/** The records the transitions carried, for runs without a table (nothing to check them against: in-process only). */
function snapshotStore(): { store: TransitionStore; remember: (r: DriftRecord) => void } {
  const records = new Map<string, DriftRecord>();
  return {
    store: { getRecord: async (id) => records.get(id), historyNear: async () => [] },
    remember: (r) => {
      const known = records.get(r.driftId);
      if (!known || known.lastSeen <= r.lastSeen) records.set(r.driftId, r);
    },
  };
}

/**
 * The notifier of `tpguard replay`, `serve` and `start`: same routing, rendering and ledger as
 * the deployed function, but every message goes to `<data-dir>/outbox.ndjson` and one console
 * line (and to Slack / SMTP for real when `env:` webhook variables or `SMTP_URL` are set).
 * Security Hub and Chatbot messages are written when the configuration opts in.
 * Subscribed to the transition groups (`TRANSITION_GROUP_PATTERN`), it sends one email and one Slack
 * message per (event, owner), as the deployed function does; a single-transition event is sent alone.
 * @example runtime.bus.subscribe(TRANSITION_GROUP_PATTERN, createLocalNotifier({ dataDir, config, pack, table: runtime.table }), 'notifier')
 */
export function createLocalNotifier(o: LocalNotifierOptions): LocalNotifier {
  const log = o.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = o.clock ?? systemClock;
  const dispatcher = createOutboxDispatcher({
    dataDir: o.dataDir,
    clock,
    env: o.env,
    log,
    webhook: o.webhook,
    mail: o.mail,
  });
  const snapshot = o.table ? undefined : snapshotStore();
  const store: TransitionStore = o.table
    ? new DynamoDriftStore(o.table.doc, { tableName: o.table.tableName })
    : snapshot!.store;
  const deps: NotifierDeps = {
    ledger: o.table ? new DynamoNotificationLedger(o.table.doc, o.table.tableName) : new MemoryLedger(),
    dispatcher,
    catalog: ruleCatalog(o.pack),
    config: o.config,
    clock,
    ...(o.config.notifications.chatbotTopicArn ? { chatbotTopicArn: o.config.notifications.chatbotTopicArn } : {}),
    ...(o.config.notifications.securityHub ? { securityHub: ownAccountHub } : {}),
    onResult: (r, m) => {
      if (r.outcome === 'failed' && m) log(summaryLine(m, 'FAILED: kept for retry'));
    },
  };
  const handler = async (event: unknown): Promise<DeliveryResult[]> => {
    try {
      // Without a table only a single-transition event carries what it names (a group names records it cannot show).
      if (snapshot && !isGroup(event)) snapshot.remember(parseTransitionEvent(event).record);
      const { results, unsupported } = await notifyBusEvent(event, { ...deps, store });
      if (unsupported) log(`notify: nothing sent: ${unsupported}`);
      return results;
    } catch (err) {
      if (!(err instanceof InvalidTransitionError)) throw err;
      log(`notify: ${err.message}`);
      return [];
    }
  };
  return Object.assign(handler, {
    digest: (store: Pick<DriftStore, 'queryRecords'>) => runDigest({ ...deps, store }),
    outboxFile: join(o.dataDir, OUTBOX_FILE),
  });
}

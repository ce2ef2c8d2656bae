import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createLocalNotifier,
  createOutboxDispatcher,
  EmbeddedStoreError,
  groupEnvelope,
  openLocalTable,
} from '../shared/adapters/local/index.js';
import {
  createSnsChatbotSender,
  createSnsEmailSender,
  createWebhookResolver,
  documentClient,
  DynamoDriftStore,
  EventBridgePublisher,
  DynamoExceptionStore,
  DynamoNotificationLedger,
  DynamoReviewStore,
  DynamoSightings,
  loadStackAdapters,
  stackNameFor,
  type CallerIdentity,
  type StackOutputs,
} from '../shared/adapters/aws/index.js';
import type { TpguardConfig } from '../shared/config/index.js';
import { type DriftTransition, type Publisher, transitionGroups } from '../shared/drift/index.js';
import { createSlackSender } from '../shared/adapters/http/index.js';
import { actorLabel, describeError, type Actor, type Clock } from '../shared/kernel/index.js';
import {
  ruleCatalog,
  runDigest,
  summaryLine,
  type DigestRun,
  type Dispatcher,
  type NotifierDeps,
} from '../shared/notify/index.js';
import type { PolicyPack } from '../shared/policy/index.js';
import { createReviewMessenger, driftFactsFrom, type ReviewDeps } from '../shared/review/index.js';
import { commandClock } from './clock.js';
import { loadContext } from './context.js';
import { CliError } from './errors.js';
import { checkStoreChoice, type StoreOptions } from './store-options.js';
import { safe } from './terminal.js';

export { storeOptions, type StoreOptions } from './store-options.js';

/**
 * The one place that chooses the store a command reads and writes: the embedded DynamoDB under
 * `--data-dir` (the default), or a deployed stack (`--stage`, `--region`, `--profile`) or table
 * (`--table`). Both are driven through the same DynamoDB adapters the functions run; against a
 * deployed stack transitions go to its EventBridge bus (the notify function alerts, as for a
 * transition a function made) and writes record the caller's AWS identity.
 */

/** A deployed stack or table, as this run sees it. */
export interface Deployment {
  account: string;
  region: string;
  /** The caller's identity (role session ARN): the actor of every write of this run. */
  identity: string;
  /** Absent with `--table`. */
  stack?: StackOutputs;
  tableName: string;
  busName: string;
}

/** Everything a store command works with, whichever store it is. */
export interface Store {
  kind: 'embedded' | 'deployed';
  deployment?: Deployment;
  config: TpguardConfig;
  pack: PolicyPack;
  clock: Clock;
  table: { doc: DynamoDBDocumentClient; tableName: string };
  drift: DynamoDriftStore;
  /** Publishes transitions: on the deployed bus, or to the local notifier (outbox); each is shown with `onTransition`. */
  publisher: Publisher;
  /** The review cycle's ports over this store (messages: SNS and Slack deployed, the outbox locally). */
  deps: ReviewDeps;
  /** The daily digest and escalation over this store's open drift (what the digest function runs). */
  digest(): Promise<DigestRun>;
  /**
   * The actor of a write: the caller's AWS identity with `name` beside it (deployed); the typed
   * name locally (undefined when none was typed).
   */
  actor(name: string | undefined): Actor | undefined;
  /** Where this store is, for messages: `stack tpguard-prod`, `table tpguard-prod`, `embedded store .tpguard`. */
  where: string;
  close(): Promise<void>;
}

/** How a command shows what its writes did. */
export interface StoreDisplay {
  /** One call per transition published (before it is sent on). */
  onTransition?: (t: DriftTransition) => void;
  /** Lines of the local notifier (messages written to the outbox). */
  log?: (line: string) => void;
}

/** What the review-cycle commands print for each transition they make, and for each message locally. */
export const REVIEW_DISPLAY: StoreDisplay = {
  onTransition: (t) =>
    void process.stdout.write(
      `  drift ${t.kind.padEnd(10)} ${t.record.severity.padEnd(8)} ${t.record.ruleId} ${safe(`${t.record.resourceType}/${t.record.resourceId} (owner ${t.record.owner ?? 'default'})`)}\n`,
    ),
  log: (line) => void process.stdout.write(`  message ${line}\n`),
};

/** Resolves who is calling and, with `--stage`, the stack's outputs: STS and CloudFormation, once per run. */
async function resolveDeployment(opts: StoreOptions): Promise<Deployment> {
  const { callerIdentity, describeStack, DeployedStackError } = await loadStackAdapters();
  const target = {
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
  };
  try {
    const me: CallerIdentity = await callerIdentity(target);
    const region = { region: me.region, ...(opts.profile ? { profile: opts.profile } : {}) };
    if (opts.stage !== undefined) {
      const stack = await describeStack(stackNameFor(opts.stage), region);
      return {
        account: me.account,
        region: me.region,
        identity: me.arn,
        stack,
        tableName: stack.tableName,
        busName: stack.busName ?? stack.tableName,
      };
    }
    return {
      account: me.account,
      region: me.region,
      identity: me.arn,
      tableName: opts.table!,
      busName: opts.bus ?? opts.table!,
    };
  } catch (err) {
    if (err instanceof DeployedStackError) throw new CliError(err.message);
    throw err;
  }
}

/**
 * The line a run against a deployed store starts with (stderr, so JSON on stdout stays clean):
 * nobody resolves production drift thinking it is a local demo.
 * @example deploymentBanner(d) // 'tpguard: DEPLOYED stack tpguard-prod, account 111122223333, eu-west-1: table tpguard-prod, bus tpguard-prod; as arn:aws:sts::…'
 */
export function deploymentBanner(d: Deployment): string {
  const where = d.stack ? `stack ${d.stack.stackName}` : `table ${d.tableName}`;
  return `tpguard: DEPLOYED ${where}, account ${d.account}, ${d.region}: table ${d.tableName}, bus ${d.busName}; as ${d.identity}`;
}

interface Side {
  table: { doc: DynamoDBDocumentClient; tableName: string };
  publisher: Publisher;
  dispatcher: Dispatcher;
  digest: (drift: DynamoDriftStore) => Promise<DigestRun>;
  close(): Promise<void>;
}

interface Context {
  config: TpguardConfig;
  pack: PolicyPack;
  clock: Clock;
}

/** The embedded store: the table under `--data-dir` (shared with a running serve/start), the outbox, the local notifier. */
async function embeddedSide(dataDir: string, ctx: Context, display: StoreDisplay): Promise<Side> {
  await mkdir(dataDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`--data-dir ${dataDir}: cannot create it (${err.code ?? err.message})`);
  });
  let table: Awaited<ReturnType<typeof openLocalTable>>;
  try {
    table = await openLocalTable({ dataDir });
  } catch (err) {
    if (err instanceof EmbeddedStoreError) throw new CliError(err.message);
    throw err;
  }
  const log = display.log ?? (() => undefined);
  const notifier = createLocalNotifier({ dataDir, config: ctx.config, pack: ctx.pack, table, clock: ctx.clock, log });
  return {
    table,
    dispatcher: createOutboxDispatcher({ dataDir, clock: ctx.clock, log }),
    publisher: {
      publish: async (transitions) => {
        for (const t of transitions) display.onTransition?.(t);
        // As deployed: one message per (event, owner) on email and Slack.
        for (const g of transitionGroups(transitions)) {
          try {
            await notifier(groupEnvelope(g));
          } catch (err) {
            // As on the local bus: the transitions stand, the failed delivery is reported.
            process.stderr.write(
              `${safe(`notifier: ${g.transitions.length} transition(s) of event ${g.eventId}: ${describeError(err)}`)}\n`,
            );
          }
        }
      },
    },
    digest: (drift) => notifier.digest(drift),
    close: () => table.close(),
  };
}

/**
 * The deployed side: the stack's table, its EventBridge bus (the notify function alerts, as for
 * any transition), e-mail on its topic and Slack through the SSM-held webhooks, as the functions do.
 */
async function deployedSide(
  d: Deployment,
  profile: string | undefined,
  ctx: Context,
  display: StoreDisplay,
): Promise<Side> {
  const [{ EventBridgeClient }, { SNSClient }, { SSMClient }] = await Promise.all([
    import('@aws-sdk/client-eventbridge'),
    import('@aws-sdk/client-sns'),
    import('@aws-sdk/client-ssm'),
  ]);
  const cfg = { region: d.region, ...(profile ? { profile } : {}) };
  const doc = documentClient(cfg);
  const events = new EventBridgeClient(cfg);
  const sns = new SNSClient(cfg);
  const ssm = new SSMClient(cfg);
  const bus = new EventBridgePublisher(events, { busName: d.busName });
  const chatbot = ctx.config.notifications.chatbotTopicArn;
  const dispatcher: Dispatcher = {
    ...(d.stack?.topicArn ? { email: createSnsEmailSender(sns, d.stack.topicArn) } : {}),
    slack: createSlackSender(createWebhookResolver({ ssmClient: ssm })),
    ...(chatbot ? { chatbot: createSnsChatbotSender(sns, chatbot) } : {}),
  };
  const log = display.log ?? (() => undefined);
  const notifier: NotifierDeps = {
    ledger: new DynamoNotificationLedger(doc, d.tableName),
    dispatcher,
    catalog: ruleCatalog(ctx.pack),
    config: ctx.config,
    clock: ctx.clock,
    ...(chatbot ? { chatbotTopicArn: chatbot } : {}),
    onResult: (r, m) => {
      if (m) log(summaryLine(m, r.outcome === 'sent' ? '' : r.outcome));
    },
  };
  return {
    table: { doc, tableName: d.tableName },
    dispatcher,
    publisher: {
      publish: async (transitions) => {
        await bus.publish(transitions);
        for (const t of transitions) display.onTransition?.(t);
      },
    },
    digest: (drift) => runDigest({ ...notifier, store: drift }),
    close: async () => {
      for (const c of [doc, events, sns, ssm]) c.destroy();
    },
  };
}

/**
 * Opens the store the options choose, once per run: configuration and pack, the clock (`--now`),
 * and for a deployed store the caller's identity and the stack's outputs, announced on stderr.
 * @example const store = await openStore(opts, cmd); try { ... } finally { await store.close() }
 */
export async function openStore(opts: StoreOptions, cmd: Command, display: StoreDisplay = {}): Promise<Store> {
  const kind = checkStoreChoice(opts, cmd);
  const { config, pack } = await loadContext(opts);
  const ctx: Context = { config, pack, clock: commandClock(cmd) };
  let deployment: Deployment | undefined;
  let side: Side;
  if (kind === 'deployed') {
    // Who is proven by AWS, and when is the real time: a sign-off cannot be dated before its due date.
    if ((cmd.optsWithGlobals() as { now?: string }).now !== undefined)
      throw new CliError(
        '--now is for the embedded store (demos, tests): against a deployed stack every record carries the real time',
      );
    deployment = await resolveDeployment(opts);
    process.stderr.write(`${deploymentBanner(deployment)}\n`);
    side = await deployedSide(deployment, opts.profile, ctx, display);
  } else side = await embeddedSide(opts.dataDir, ctx, display);
  const { doc, tableName } = side.table;
  const drift = new DynamoDriftStore(doc, { tableName });
  const deps: ReviewDeps = {
    ...ctx,
    store: new DynamoReviewStore(doc, tableName),
    exceptions: new DynamoExceptionStore(doc, tableName),
    drift: driftFactsFrom(drift),
    sightings: new DynamoSightings(doc, tableName),
    messenger: createReviewMessenger(side.dispatcher),
  };
  const where = deployment
    ? deployment.stack
      ? `stack ${deployment.stack.stackName}`
      : `table ${deployment.tableName}`
    : `embedded store ${opts.dataDir}`;
  return {
    kind,
    ...(deployment ? { deployment } : {}),
    ...ctx,
    table: side.table,
    drift,
    publisher: side.publisher,
    deps,
    digest: () => side.digest(drift),
    actor: (name) => {
      const typed = name?.trim() || undefined;
      if (deployment) return { id: deployment.identity, ...(typed ? { name: typed } : {}) };
      return typed ? { id: typed } : undefined;
    },
    where,
    close: () => side.close(),
  };
}

/**
 * Runs `fn` with the store the options choose and always closes it.
 * @example await withStore(opts, cmd, async (store) => store.drift.queryRecords({ statuses: ['open'] }))
 */
export async function withStore<T>(
  opts: StoreOptions,
  cmd: Command,
  fn: (store: Store) => Promise<T>,
  display?: StoreDisplay,
): Promise<T> {
  const store = await openStore(opts, cmd, display);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * Sign-offs and reports cite a pack version: against a stack it must be the one the stack runs
 * (its `PackVersion` output), not whatever `--policy` holds. Without a stack (`--table`) it cannot
 * be checked, and stderr says so.
 * @example requireDeployedPack(store) // throws when ./policies is not the deployed pack
 */
export function requireDeployedPack(store: Store): void {
  const d = store.deployment;
  if (!d) return;
  const deployed = d.stack?.packVersion;
  if (!deployed) {
    process.stderr.write(
      `tpguard: pack ${store.pack.version} (--policy) is not checked against the deployment (${d.stack ? `stack ${d.stack.stackName} has no PackVersion output` : 'no stack with --table'})\n`,
    );
    return;
  }
  if (deployed !== store.pack.version)
    throw new CliError(
      `the stack runs pack ${deployed}, --policy holds pack ${store.pack.version}: check out the deployed policies (or pass --policy DIR) so the record names the pack in force`,
    );
}

/** `arn (name)` for a proven actor, the name alone locally. */
export const labelOf = (a: Actor): string => actorLabel(a.id, a.name);

import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { packagedFiles } from '../../helpers/packaged-files.js';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { documentClient, DynamoDriftStore } from '../../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../../shared/adapters/local/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import { EventBridgePublisher } from '../../../shared/adapters/aws/index.js';
import { DynamoNotificationLedger } from '../../../shared/adapters/aws/index.js';
import { createSlackSender } from '../../../shared/adapters/http/index.js';
import { createSnsEmailSender } from '../../../shared/adapters/aws/index.js';
import { loadConfig } from '../../../shared/config/index.js';
import type { TpguardConfig } from '../../../shared/config/index.js';
import {
  DriftStatuses,
  type DriftRecord,
  type DriftTransition,
  TRANSITION_GROUP_DETAIL_TYPE,
} from '../../../shared/drift/index.js';
import type { IngestDeps } from '../../../shared/ingest/index.js';
import { silentTelemetry } from '../../../shared/kernel/index.js';
import type { Dispatcher, Outbound } from '../../../shared/notify/index.js';
import { ruleCatalog } from '../../../shared/notify/index.js';
import { createEvaluator, type Evaluator } from '../../../shared/policy/index.js';
import { loadPolicyPack } from '../../../shared/policy/index.js';
import type { Clock } from '../../../shared/kernel/index.js';
import { deployedEnvironment } from '../../functions/ingest-handler-fixture.js';
import { FIXTURE_POLICIES } from '../../shared/ingest/ingest-fixture.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { ROOT } from './seeds.js';

/**
 * The deployed pipeline in one process: the ingest and notify Lambda handlers (their exported
 * `lambdaHandler`), the DynamoDB adapters on an embedded dynalite behind a fault proxy (with the
 * SDK's own retries), EventBridge and SNS through aws-sdk-client-mock, Slack through a fake fetch.
 */
export const BUS = 'tpguard-test';
export const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:tpguard-alerts';
const CONFIG = join(ROOT, 'test', 'reliability', 'fixtures', 'tpguard.config.yaml');
const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/reliability';

export const eventBridge = mockClient(EventBridgeClient);
export const sns = mockClient(SNSClient);

export type Handlers = {
  cloudtrail: typeof import('../../../functions/ingest-cloudtrail.js');
  guardduty: typeof import('../../../functions/ingest-guardduty.js');
  config: typeof import('../../../functions/ingest-config.js');
  notify: typeof import('../../../functions/notify.js');
};

interface Loaded {
  handlers: Handlers;
  evaluator: Evaluator;
  config: TpguardConfig;
  close: () => Promise<void>;
}

let loaded: Promise<Loaded> | undefined;

/** Imports the function modules once (their cold start reads the deployed environment). */
export function loadFunctions(): Promise<Loaded> {
  loaded ??= (async () => {
    const { fx, restore } = await deployedEnvironment();
    process.env.TPGUARD_TOPIC_ARN = TOPIC;
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    // The deployed functions read the build's JSON snapshot of the configuration.
    process.env.TPGUARD_CONFIG_FILE = (await packagedFiles(CONFIG, FIXTURE_POLICIES)).configFile;
    const handlers: Handlers = {
      cloudtrail: await import('../../../functions/ingest-cloudtrail.js'),
      guardduty: await import('../../../functions/ingest-guardduty.js'),
      config: await import('../../../functions/ingest-config.js'),
      notify: await import('../../../functions/notify.js'),
    };
    delete process.env.TPGUARD_TOPIC_ARN;
    restore();
    const config = await loadConfig(CONFIG);
    const evaluator = createEvaluator(await loadPolicyPack(FIXTURE_POLICIES), config);
    return { handlers, evaluator, config, close: () => fx.close() };
  })();
  return loaded;
}

/** A clock the test moves (a Lambda retry comes about a minute later). */
export class TestClock implements Clock {
  public constructor(public ms = Date.parse('2026-11-02T18:00:00Z')) {}
  public now(): Date {
    return new Date(this.ms);
  }
  public advance(ms: number): void {
    this.ms += ms;
  }
}

/** What the fake Slack webhook answers to the n-th POST (0-based). */
export type SlackBehaviour = (n: number) => { status: number; headers?: Record<string, string> };

export interface World {
  /** The function modules (their exported `lambdaHandler`). */
  handlers: Handlers;
  table: LocalTable;
  proxy: FaultProxy;
  store: DynamoDriftStore;
  clock: TestClock;
  ingestDeps: IngestDeps;
  /** Successful deliveries: accepted PutEvents entries, SNS publishes and Slack posts. */
  accepted: PutEventsRequestEntry[];
  emails: { owner?: string; transition?: string; subject?: string }[];
  slackPosts: string[];
  /** Waits the Slack sender asked for (it does not really sleep here). */
  slackWaits: number[];
  publisherWaits: number[];
  slack: { behaviour: SlackBehaviour; calls: number };
  /** `channel|driftId|kind#eventId` of every transition a channel took (its sender resolved), one per transition a message lists. */
  sent: string[];
  /** The channel of every message a channel took (a message lists one transition or the group of one event and owner). */
  messages: string[];
  ingest(event: Record<string, unknown>): Promise<void>;
  notify(entry: PutEventsRequestEntry): Promise<void>;
  records(): Promise<DriftRecord[]>;
  close(): Promise<void>;
}

/** The handler an EventBridge rule routes an event to (as serverless.yml wires them). */
function route(handlers: Handlers, event: Record<string, unknown>): Handlers['cloudtrail'] {
  const source = String(event.source ?? '');
  if (source === 'aws.guardduty') return handlers.guardduty as unknown as Handlers['cloudtrail'];
  if (
    source === 'aws.config' ||
    ((source === 'aws.sagemaker' || source === 'aws.bedrock') && !String(event['detail-type']).includes('CloudTrail'))
  )
    return handlers.config as unknown as Handlers['cloudtrail'];
  return handlers.cloudtrail;
}

/** EventBridge's delivery of an accepted entry to the notify function's rule. */
export function busEvent(entry: PutEventsRequestEntry, n: number): Record<string, unknown> {
  const detail = JSON.parse(entry.Detail ?? '{}') as DriftTransition;
  return {
    version: '0',
    id: `bus-${n}`,
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: detail.record?.account ?? '111122223333',
    time: (entry.Time ?? new Date()).toISOString(),
    region: detail.record?.region ?? 'eu-west-1',
    resources: entry.Resources ?? [],
    detail,
  };
}

/**
 * A fresh world: a new in-memory dynalite with the tpguard table, the proxy in front of it, and
 * mocks that accept everything until a test says otherwise.
 * @example const w = await createWorld(); await w.ingest(event); ...; await w.close()
 */
export async function createWorld(): Promise<World> {
  const { handlers, evaluator, config } = await loadFunctions();
  const table = await openTestTable();
  const proxy = await startFaultProxy(table.endpoint);
  // The deployed client: SDK defaults (standard retry mode, 3 attempts), only the endpoint differs.
  const doc = documentClient({
    endpoint: proxy.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const store = new DynamoDriftStore(doc, { tableName: table.tableName });
  const clock = new TestClock();
  const accepted: PutEventsRequestEntry[] = [];
  const publisherWaits: number[] = [];
  const slackWaits: number[] = [];
  const emails: World['emails'] = [];
  const slackPosts: string[] = [];
  const sent: string[] = [];
  const messages: string[] = [];
  const slack = { behaviour: (() => ({ status: 200 })) as SlackBehaviour, calls: 0 };
  acceptAll(accepted);
  snsAccepts(emails);
  const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const answer = slack.behaviour(slack.calls++);
    if (answer.status < 300) slackPosts.push(String(init?.body ?? ''));
    return new Response(answer.status < 300 ? 'ok' : 'error', { status: answer.status, headers: answer.headers });
  }) as typeof fetch;
  const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
    busName: BUS,
    sleep: async (ms) => void publisherWaits.push(ms),
  });
  const ingestDeps: IngestDeps = {
    evaluator,
    store,
    publisher,
    clock,
    telemetry: silentTelemetry,
    intake: 'reliability',
  };
  const notifyDeps = {
    store,
    ledger: new DynamoNotificationLedger(doc, table.tableName),
    catalog: ruleCatalog(evaluator.pack),
    config,
    clock,
    telemetry: silentTelemetry,
    dispatcher: recorded(sent, messages, {
      email: createSnsEmailSender(new SNSClient({ region: 'eu-west-1' }), TOPIC),
      slack: createSlackSender(async () => SLACK_URL, {
        fetch: fakeFetch,
        sleep: async (ms) => void slackWaits.push(ms),
        random: () => 0.5,
      }),
    }),
  };
  let delivered = 0;
  return {
    handlers,
    table,
    proxy,
    store,
    clock,
    ingestDeps,
    accepted,
    emails,
    slackPosts,
    slackWaits,
    publisherWaits,
    slack,
    sent,
    messages,
    ingest: async (event) => void (await route(handlers, event).lambdaHandler(structuredClone(event), ingestDeps)),
    notify: async (entry) => {
      // The notify function's rule matches the groups only (the per-transition events are for other consumers).
      if (entry.DetailType !== TRANSITION_GROUP_DETAIL_TYPE) return;
      const out = await handlers.notify.lambdaHandler(busEvent(entry, delivered++), notifyDeps);
      if ('rejected' in out) throw new Error(`notify rejected a transition: ${out.rejected}`);
    },
    records: async () => {
      proxy.setPlan(() => undefined);
      return store.queryRecords({ statuses: DriftStatuses });
    },
    close: async () => {
      doc.destroy();
      await proxy.close();
      await table.close();
    },
  };
}

/** The senders, each noting what it delivered (after the AWS client or the webhook took it). */
function recorded(
  sent: string[],
  messages: string[],
  senders: { email: (m: Outbound<'email'>) => Promise<void>; slack: (m: Outbound<'slack'>) => Promise<void> },
): Dispatcher {
  const note = (m: Outbound) => {
    messages.push(m.channel);
    for (const i of m.items ?? [{ driftId: m.driftId, kind: m.kind, eventId: m.eventId }])
      sent.push(`${m.channel}|${i.driftId}|${i.kind}#${i.eventId}@${m.owner}`);
  };
  return {
    email: async (m) => {
      await senders.email(m);
      note(m);
    },
    slack: async (m) => {
      await senders.slack(m);
      note(m);
    },
  };
}

/** SNS takes every message (the world keeps what email it was). */
export function snsAccepts(emails: World['emails']): void {
  sns
    .on(PublishCommand)
    .callsFake((input: { MessageAttributes?: Record<string, { StringValue?: string }>; Subject?: string }) => {
      emails.push({
        owner: input.MessageAttributes?.owner?.StringValue,
        transition: input.MessageAttributes?.transition?.StringValue,
        subject: input.Subject,
      });
      return { MessageId: `m-${emails.length}` };
    });
}

/** EventBridge accepts every entry (and the world keeps them). */
export function acceptAll(accepted: PutEventsRequestEntry[]): void {
  acceptSome(accepted, () => true);
}

/**
 * EventBridge accepts the entries `accept` says yes to and fails the others (as PutEvents does:
 * FailedEntryCount and an ErrorCode per failed entry, in request order).
 */
export function acceptSome(accepted: PutEventsRequestEntry[], accept: (entry: PutEventsRequestEntry) => boolean): void {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
    const results: PutEventsResultEntry[] = (input.Entries ?? []).map((e) => {
      if (!accept(e)) return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
      accepted.push(e);
      return { EventId: `eb-${accepted.length}` };
    });
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  });
}

/**
 * Delivers events to their handlers in order; what throws goes to the dead-letter queue
 * (Lambda's retries included: here, a failed invocation is one DLQ entry).
 */
export async function deliverAll<T>(items: readonly T[], handler: (item: T) => Promise<void>): Promise<T[]> {
  const dlq: T[] = [];
  for (const item of items) {
    try {
      await handler(item);
    } catch {
      dlq.push(item);
    }
  }
  return dlq;
}

/** The state a run must converge to: what each record says now (resolved and compliant both mean closed). */
export function stateOf(records: DriftRecord[]) {
  const closed = (s: string) => (s === 'resolved' || s === 'compliant' ? 'closed' : s);
  return records
    .map((r) => ({
      driftId: r.driftId,
      ruleId: r.ruleId,
      resource: `${r.resourceType}/${r.resourceId}`,
      status: closed(r.status),
      lastSeen: r.lastSeen,
      lastEventId: r.lastEventId,
    }))
    .sort((a, b) => a.driftId.localeCompare(b.driftId));
}

/** The accepted entries that carry one transition each (not the `Drift Transitions` groups). */
export function transitionEntries(accepted: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[] {
  return accepted.filter((e) => e.DetailType !== TRANSITION_GROUP_DETAIL_TYPE);
}

/** `driftId|kind#eventId` of an accepted entry, and whether it is a re-publication. */
export function transitionOfEntry(e: PutEventsRequestEntry): {
  key: string;
  republished: boolean;
  /** Published by the placement of a late observation. */
  late: boolean;
  kind: string;
  driftId: string;
  eventId: string;
} {
  const t = JSON.parse(e.Detail ?? '{}') as DriftTransition & { republished?: boolean };
  return {
    key: `${t.record.driftId}|${t.kind}#${t.eventId}`,
    republished: t.republished === true,
    late: t.late === true,
    kind: t.kind,
    driftId: t.record.driftId,
    eventId: t.eventId,
  };
}

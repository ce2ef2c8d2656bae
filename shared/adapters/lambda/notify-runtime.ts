import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import type { TpguardConfig } from '../../config/index.js';
import { systemClock } from '../../kernel/index.js';
import {
  batchSummaryOf,
  notifyBatchSummary,
  type DeliveryResult,
  type DigestDeps,
  type DigestRun,
  type Dispatcher,
  InvalidTransitionError,
  type NotificationLedger,
  type NotifierDeps,
  NotifyMetrics,
  type NotifyTelemetry,
  notifyBusEvent,
  type Outbound,
  type RuleCatalog,
  ruleCatalog,
  runDigest,
  sameAccountHub,
  type TransitionStore,
} from '../../notify/index.js';
import {
  createSecurityHubSender,
  createSnsChatbotSender,
  createSnsEmailSender,
  createWebhookResolver,
  DynamoDriftStore,
  DynamoNotificationLedger,
  documentClient,
} from '../aws/index.js';
import { createSlackSender, type RetryLog } from '../http/index.js';
import { EnvVars, optionalEnv, requireEnv } from './env.js';
import type { FunctionContext, FunctionSpec } from './handler.js';

/** What the notify and digest functions build once per container. */
export interface NotifyRuntime {
  region: string;
  config: TpguardConfig;
  catalog: RuleCatalog;
  dispatcher: Dispatcher;
  ledger: NotificationLedger;
  /** Open drift for the digest (the drift store's GSI query). */
  store: DynamoDriftStore;
  chatbotTopicArn?: string;
  telemetry: NotifyTelemetry;
}

/**
 * What one notify invocation did: the result per channel (and why nothing was sent, when the drift
 * store does not support the event's transition), or why the event was not a transition.
 */
export type NotifyResponse = { results: DeliveryResult[]; unsupported?: string } | { rejected: string };
/** `store`: where the transition the event names is read (the event itself is not trusted). */
export type NotifyHandlerDeps = NotifierDeps & { telemetry: NotifyTelemetry; store: TransitionStore };
export type DigestHandlerDeps = DigestDeps & { telemetry: NotifyTelemetry };

/**
 * Sends one drift transition from the tpguard bus (email via SNS, Slack, Chatbot, Security Hub),
 * once per channel, as the drift store has it (or one batch summary, a baseline's, on the owner's channels): the event only names it, and anyone allowed to put
 * events on the bus can name anything. An event that is not a transition is logged and acknowledged
 * (retrying cannot fix it), as is one the store does not support; a channel that fails throws, so
 * Lambda retries and the dead-letter queue keeps it.
 */
export async function notifyLambdaHandler(event: unknown, deps: NotifyHandlerDeps): Promise<NotifyResponse> {
  try {
    // A baseline's one summary per owner ("Drift Batch Summary"), sent once per channel.
    const summary = batchSummaryOf(event);
    if (summary) return { results: await notifyBatchSummary(summary, deps) };
    const out = await notifyBusEvent(event, deps);
    if (out.unsupported) {
      deps.telemetry.count(NotifyMetrics.unsupported);
      deps.telemetry.warn('transition not supported by the drift store: nothing sent', { reason: out.unsupported });
    }
    return out;
  } catch (err) {
    if (!(err instanceof InvalidTransitionError)) throw err;
    deps.telemetry.count(NotifyMetrics.rejected);
    deps.telemetry.error('transition rejected', { reason: err.message });
    return { rejected: err.message };
  }
}

/**
 * The daily run (EventBridge Scheduler): one escalation per drift open longer than
 * `escalateAfterHours`, then one digest per owner and channel. Each is recorded once, so a
 * retried invocation sends only what the failed one did not.
 */
export async function digestLambdaHandler(_event: unknown, deps: DigestHandlerDeps): Promise<DigestRun> {
  const run = await runDigest(deps);
  deps.telemetry.info('digest run', {
    open: run.open,
    escalations: run.escalations.filter((r) => r.outcome === 'sent').length,
    digests: run.digests.filter((d) => d.outcome === 'sent').map((d) => `${d.channel}:${d.owner}`),
  });
  return run;
}

/** Loads the SNS, Slack (SSM webhook URLs), Chatbot and Security Hub senders, the ledger and the store. */
function initNotify({ env, config, pack, telemetry }: FunctionContext): NotifyRuntime {
  const region = requireEnv('AWS_REGION', env);
  const table = requireEnv(EnvVars.table, env);
  const log: RetryLog = { warn: (message, details) => telemetry.warn(message, details ?? {}) };
  const sns = new SNSClient({ region });
  const chatbotTopicArn = optionalEnv(EnvVars.chatbotTopicArn, '', env) || config.notifications.chatbotTopicArn;
  const securityHub = optionalEnv(EnvVars.securityHub, 'false', env) === 'true' || config.notifications.securityHub;
  const dispatcher: Dispatcher = {
    email: createSnsEmailSender(sns, requireEnv(EnvVars.topicArn, env)),
    slack: createSlackSender(createWebhookResolver(), { log }),
    ...(chatbotTopicArn ? { chatbot: createSnsChatbotSender(sns, chatbotTopicArn) } : {}),
    ...(securityHub ? { securityhub: createSecurityHubSender(new SecurityHubClient({ region })) } : {}),
  };
  for (const ref of unsetWebhookReferences(config, env))
    telemetry.warn(
      'slack webhook reference is not set in this environment: its messages will fail (use ssm: when deployed)',
      { reference: ref },
    );
  const doc = documentClient({ region });
  return {
    region,
    config,
    catalog: ruleCatalog(pack),
    dispatcher,
    ledger: new DynamoNotificationLedger(doc, table),
    store: new DynamoDriftStore(doc, { tableName: table }),
    ...(chatbotTopicArn ? { chatbotTopicArn } : {}),
    telemetry,
  };
}

/** `env:` webhook references of the owners whose variable is not set (they only work locally). */
function unsetWebhookReferences(config: TpguardConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const contacts = [config.owners.default, ...Object.values(config.owners.teams)];
  return [
    ...new Set(
      contacts.map((c) => c.slack).filter((s): s is string => !!s && s.startsWith('env:') && !env[s.slice(4)]),
    ),
  ];
}

/** The account a function runs in, from its invocation ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
function accountOf(invokedFunctionArn: string | undefined): string | undefined {
  const account = invokedFunctionArn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

const METRIC_OF_OUTCOME = {
  sent: NotifyMetrics.sent,
  failed: NotifyMetrics.failed,
  skipped: NotifyMetrics.skipped,
} as const;

/** Notifier dependencies for one invocation (Security Hub needs the function's own account). */
function notifierDepsOf(rt: NotifyRuntime, context: Context): NotifyHandlerDeps {
  const account = accountOf(context.invokedFunctionArn);
  const { telemetry } = rt;
  return {
    ledger: rt.ledger,
    dispatcher: rt.dispatcher,
    catalog: rt.catalog,
    config: rt.config,
    clock: systemClock,
    ...(rt.chatbotTopicArn ? { chatbotTopicArn: rt.chatbotTopicArn } : {}),
    ...(rt.dispatcher.securityhub && account ? { securityHub: sameAccountHub(account, rt.region) } : {}),
    onResult: (r: DeliveryResult, m?: Outbound) => {
      telemetry.count(METRIC_OF_OUTCOME[r.outcome as keyof typeof METRIC_OF_OUTCOME] ?? NotifyMetrics.skipped);
      telemetry.info('notification', {
        channel: r.channel,
        owner: r.owner,
        outcome: r.outcome,
        key: r.key,
        to: m?.to,
        driftId: m?.driftId,
      });
    },
    telemetry,
    store: rt.store,
  };
}

const NOTIFY_ENV = [EnvVars.table, EnvVars.topicArn, 'AWS_REGION'] as const;

/** The notify function: one drift transition from the tpguard bus, once per channel. */
export function notifyFunction(): FunctionSpec<NotifyRuntime, unknown, NotifyHandlerDeps, NotifyResponse> {
  return {
    service: 'tpguard-notify',
    requires: NOTIFY_ENV,
    init: initNotify,
    deps: notifierDepsOf,
    lambdaHandler: notifyLambdaHandler,
  };
}

/** The digest function: daily escalations and digests. */
export function digestFunction(): FunctionSpec<NotifyRuntime, unknown, DigestHandlerDeps, DigestRun> {
  return {
    service: 'tpguard-digest',
    requires: NOTIFY_ENV,
    init: initNotify,
    deps: (rt, context) => ({ ...notifierDepsOf(rt, context), store: rt.store }),
    lambdaHandler: digestLambdaHandler,
  };
}

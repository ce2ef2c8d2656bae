import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { isAbsolute, join } from 'node:path';
import { loadConfigSnapshot } from '../../config/index.js';
import type { TpguardConfig } from '../../config/index.js';
import type { Dispatcher, Outbound } from '../../notify/index.js';
import { ruleCatalog, type RuleCatalog } from '../../notify/index.js';
import type { NotificationLedger } from '../../notify/index.js';
import type { DeliveryResult, NotifierDeps } from '../../notify/index.js';
import { sameAccountHub } from '../../notify/index.js';
import { loadPackSnapshot } from '../../policy/index.js';
import { systemClock } from '../../kernel/index.js';
import { documentClient, DynamoDriftStore } from '../aws/index.js';
import { EnvVars, optionalEnv, requireEnv } from './env.js';
import { NotifyMetrics, type NotifyTelemetry } from '../../notify/index.js';
import { DynamoNotificationLedger } from '../aws/index.js';
import { createSecurityHubSender } from '../aws/index.js';
import { createSlackSender, type RetryLog } from '../http/index.js';
import { createSnsChatbotSender, createSnsEmailSender } from '../aws/index.js';
import { createWebhookResolver } from '../aws/index.js';

/** The deployed notifier's environment, read once at cold start (a missing variable fails the init). */
export interface NotifyEnvironment {
  table: string;
  topicArn: string;
  chatbotTopicArn?: string;
  securityHub: boolean;
  configFile: string;
  policyDir: string;
  region: string;
}

/** @example const env = readNotifyEnvironment(process.env) */
export function readNotifyEnvironment(env: NodeJS.ProcessEnv = process.env): NotifyEnvironment {
  const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
  const beside = (p: string): string => (isAbsolute(p) ? p : join(root, p));
  const chatbot = optionalEnv(EnvVars.chatbotTopicArn, '', env);
  return {
    table: requireEnv(EnvVars.table, env),
    topicArn: requireEnv(EnvVars.topicArn, env),
    ...(chatbot ? { chatbotTopicArn: chatbot } : {}),
    securityHub: optionalEnv(EnvVars.securityHub, 'false', env) === 'true',
    configFile: beside(optionalEnv(EnvVars.configFile, 'tpguard.config.yaml', env)),
    policyDir: beside(optionalEnv(EnvVars.policyDir, 'policies', env)),
    region: requireEnv('AWS_REGION', env),
  };
}

/** What the notify and digest functions build once per container. */
export interface NotifyRuntime {
  env: NotifyEnvironment;
  config: TpguardConfig;
  catalog: RuleCatalog;
  dispatcher: Dispatcher;
  ledger: NotificationLedger;
  /** Open drift for the digest (the drift store's GSI query). */
  store: DynamoDriftStore;
}

/**
 * Loads the packaged configuration and policy pack (without the test-case files, which are not
 * packaged) and builds the SNS, Slack (SSM webhook URLs), Chatbot and Security Hub senders.
 * @example const runtime = await createNotifyRuntime(readNotifyEnvironment(), telemetry)
 */
export async function createNotifyRuntime(env: NotifyEnvironment, telemetry: NotifyTelemetry): Promise<NotifyRuntime> {
  const log: RetryLog = { warn: (message, details) => telemetry.warn(message, details ?? {}) };
  const config = await loadConfigSnapshot(env.configFile);
  const catalog = ruleCatalog(await loadPackSnapshot(env.policyDir));
  const sns = new SNSClient({ region: env.region });
  const chatbotTopic = env.chatbotTopicArn ?? config.notifications.chatbotTopicArn;
  const dispatcher: Dispatcher = {
    email: createSnsEmailSender(sns, env.topicArn),
    slack: createSlackSender(createWebhookResolver(), { log }),
    ...(chatbotTopic ? { chatbot: createSnsChatbotSender(sns, chatbotTopic) } : {}),
    ...(env.securityHub || config.notifications.securityHub
      ? { securityhub: createSecurityHubSender(new SecurityHubClient({ region: env.region })) }
      : {}),
  };
  for (const ref of unsetWebhookReferences(config))
    telemetry.warn(
      'slack webhook reference is not set in this environment: its messages will fail (use ssm: when deployed)',
      { reference: ref },
    );
  const doc = documentClient({ region: env.region });
  return {
    env,
    config,
    catalog,
    dispatcher,
    ledger: new DynamoNotificationLedger(doc, env.table),
    store: new DynamoDriftStore(doc, { tableName: env.table }),
  };
}

/** `env:` webhook references of the owners whose variable is not set (they only work locally). */
export function unsetWebhookReferences(config: TpguardConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const contacts = [config.owners.default, ...Object.values(config.owners.teams)];
  return [
    ...new Set(
      contacts.map((c) => c.slack).filter((s): s is string => !!s && s.startsWith('env:') && !env[s.slice(4)]),
    ),
  ];
}

/** The account a function runs in, from its invocation ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
export function accountOf(invokedFunctionArn: string | undefined): string | undefined {
  const account = invokedFunctionArn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** Notifier dependencies for one invocation (Security Hub needs the function's own account). */
export function notifierDepsOf(
  rt: NotifyRuntime,
  account: string | undefined,
  telemetry: NotifyTelemetry,
): NotifierDeps {
  const chatbotTopicArn = rt.env.chatbotTopicArn ?? rt.config.notifications.chatbotTopicArn;
  return {
    ledger: rt.ledger,
    dispatcher: rt.dispatcher,
    catalog: rt.catalog,
    config: rt.config,
    clock: systemClock,
    ...(chatbotTopicArn ? { chatbotTopicArn } : {}),
    ...(rt.dispatcher.securityhub && account ? { securityHub: sameAccountHub(account, rt.env.region) } : {}),
    onResult: (r: DeliveryResult, m?: Outbound) => {
      telemetry.count(
        r.outcome === 'sent'
          ? NotifyMetrics.sent
          : r.outcome === 'failed'
            ? NotifyMetrics.failed
            : NotifyMetrics.skipped,
      );
      telemetry.info('notification', {
        channel: r.channel,
        owner: r.owner,
        outcome: r.outcome,
        key: r.key,
        to: m?.to,
        driftId: m?.driftId,
      });
    },
  };
}

/**
 * Telemetry on Powertools Logger and Metrics.
 * @example const telemetry = powertoolsTelemetry(new Logger(), new Metrics({ namespace: 'tpguard' }))
 */
export function powertoolsTelemetry(logger: Logger, metrics: Metrics): NotifyTelemetry {
  return {
    count: (metric, n = 1) => metrics.addMetric(metric, MetricUnit.Count, n),
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, fields) => logger.error(message, fields),
  };
}

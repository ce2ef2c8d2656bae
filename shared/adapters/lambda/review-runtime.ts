import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { isAbsolute, join } from 'node:path';
import { loadConfigSnapshot } from '../../config/index.js';
import type { Publisher } from '../../drift/index.js';
import { loadPackSnapshot } from '../../policy/index.js';
import type { ReviewDeps } from '../../review/index.js';
import { driftFactsFrom } from '../../review/index.js';
import { systemClock } from '../../kernel/index.js';
import { documentClient, DynamoDriftStore } from '../aws/index.js';
import { DynamoExceptionStore } from '../aws/index.js';
import { DynamoReviewStore } from '../aws/index.js';
import { DynamoSightings } from '../aws/index.js';
import { EnvVars, optionalEnv, requireEnv } from './env.js';
import { EventBridgePublisher } from '../aws/index.js';
import { powertoolsFor } from './powertools.js';
import { createReviewMessenger } from '../../review/index.js';
import { createSlackSender } from '../http/index.js';
import { createSnsEmailSender } from '../aws/index.js';
import { createWebhookResolver } from '../aws/index.js';

/** What a review function builds once per container. */
export interface ReviewRuntime {
  deps: ReviewDeps;
  /** The drift store, for reopening drift whose exception ended. */
  drift: DynamoDriftStore;
  /** Transitions to the tpguard bus (the notifier alerts the owners). */
  publisher: Publisher;
  logger: Logger;
  metrics: Metrics;
}

function packaged(path: string, env: NodeJS.ProcessEnv): string {
  return isAbsolute(path) ? path : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), path);
}

/**
 * Builds a review function's dependencies at init (top-level await): the environment read once
 * (a missing variable fails the cold start naming it), the packaged configuration and pack, the
 * DynamoDB stores, e-mail through the SNS topic and Slack through the SSM-held webhooks.
 * @example const runtime = await loadReviewRuntime('review-scheduler')
 */
export async function loadReviewRuntime(
  functionName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReviewRuntime> {
  const table = requireEnv(EnvVars.table, env);
  const topicArn = requireEnv(EnvVars.topicArn, env);
  const busName = requireEnv(EnvVars.busName, env);
  const config = await loadConfigSnapshot(packaged(optionalEnv(EnvVars.configFile, 'tpguard.config.yaml', env), env));
  const pack = await loadPackSnapshot(packaged(optionalEnv(EnvVars.policyDir, 'policies', env), env));
  const { logger, metrics } = powertoolsFor(functionName);
  const doc = documentClient();
  const drift = new DynamoDriftStore(doc, { tableName: table });
  const dispatcher = {
    email: createSnsEmailSender(new SNSClient({}), topicArn),
    slack: createSlackSender(createWebhookResolver(), {
      log: { warn: (message: string, details?: Record<string, unknown>) => logger.warn(message, details ?? {}) },
    }),
  };
  const deps: ReviewDeps = {
    config,
    pack,
    clock: systemClock,
    store: new DynamoReviewStore(doc, table),
    exceptions: new DynamoExceptionStore(doc, table),
    drift: driftFactsFrom(drift),
    sightings: new DynamoSightings(doc, table),
    messenger: createReviewMessenger(dispatcher),
  };
  logger.info('review function ready', { packVersion: pack.version, rules: pack.rules.length });
  return { deps, drift, publisher: new EventBridgePublisher(new EventBridgeClient({}), { busName }), logger, metrics };
}

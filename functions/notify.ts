import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import {
  accountOf,
  createNotifyRuntime,
  notifierDepsOf,
  powertoolsTelemetry,
  readNotifyEnvironment,
} from '../shared/adapters/lambda/index.js';
import { InvalidTransitionError } from '../shared/notify/index.js';
import {
  notifyBusEvent,
  type DeliveryResult,
  type NotifierDeps,
  type TransitionStore,
} from '../shared/notify/index.js';
import { NotifyMetrics, type NotifyTelemetry } from '../shared/notify/index.js';

/** What one invocation did: the result per channel, or why the event was not a transition. */
export type NotifyResponse = { results: DeliveryResult[]; unsupported?: string } | { rejected: string };

export type NotifyHandlerDeps = NotifierDeps & { telemetry: NotifyTelemetry; store: TransitionStore };

/**
 * Sends one drift transition from the tpguard bus (email via SNS, Slack, Chatbot, Security Hub),
 * once per channel, as the drift store has it (the event only names it). An event that is not a
 * transition is logged and acknowledged (retrying cannot fix it), as is one the store does not
 * support; a channel that fails throws, so Lambda retries and the dead-letter queue keeps it.
 */
export async function lambdaHandler(event: unknown, deps: NotifyHandlerDeps): Promise<NotifyResponse> {
  try {
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

const logger = new Logger({ serviceName: 'tpguard-notify' });
const metrics = new Metrics({ namespace: 'tpguard', serviceName: 'tpguard-notify' });
const telemetry = powertoolsTelemetry(logger, metrics);
// Once per container: configuration, policy pack (controls, threats, runbooks) and the senders.
const runtime = await createNotifyRuntime(readNotifyEnvironment(), telemetry);

export const handler = middy<EventBridgeEvent<string, unknown>, NotifyResponse, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler((event, context) =>
    lambdaHandler(event, {
      ...notifierDepsOf(runtime, accountOf(context.invokedFunctionArn), telemetry),
      telemetry,
      store: runtime.store,
    }),
  );

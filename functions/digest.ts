import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  accountOf,
  createNotifyRuntime,
  notifierDepsOf,
  powertoolsTelemetry,
  readNotifyEnvironment,
} from '../shared/adapters/lambda/index.js';
import { runDigest, type DigestDeps, type DigestRun } from '../shared/notify/index.js';
import type { NotifyTelemetry } from '../shared/notify/index.js';

export type DigestHandlerDeps = DigestDeps & { telemetry: NotifyTelemetry };

/**
 * The daily run (EventBridge Scheduler): one escalation per drift open longer than
 * `escalateAfterHours`, then one digest per owner and channel. Each is recorded once, so a
 * retried invocation sends only what the failed one did not.
 */
export async function lambdaHandler(_event: unknown, deps: DigestHandlerDeps): Promise<DigestRun> {
  const run = await runDigest(deps);
  deps.telemetry.info('digest run', {
    open: run.open,
    escalations: run.escalations.filter((r) => r.outcome === 'sent').length,
    digests: run.digests.filter((d) => d.outcome === 'sent').map((d) => `${d.channel}:${d.owner}`),
  });
  return run;
}

const logger = new Logger({ serviceName: 'tpguard-digest' });
const metrics = new Metrics({ namespace: 'tpguard', serviceName: 'tpguard-digest' });
const telemetry = powertoolsTelemetry(logger, metrics);
const runtime = await createNotifyRuntime(readNotifyEnvironment(), telemetry);

export const handler = middy<unknown, DigestRun, Error, Context>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler((event, context) =>
    lambdaHandler(event, {
      ...notifierDepsOf(runtime, accountOf(context.invokedFunctionArn), telemetry),
      store: runtime.store,
      telemetry,
    }),
  );

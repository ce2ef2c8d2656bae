/**
 * Review scheduler (EventBridge Scheduler, `reviews.schedule` in `reviews.timezone`): opens the
 * period's review tasks. Wiring only: the cycle is shared/review.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadReviewRuntime, type ReviewRuntime } from '../shared/adapters/lambda/index.js';
import { openReviewPeriod } from '../shared/review/index.js';

export interface SchedulerResult {
  period: string;
  dueAt: string;
  created: string[];
  existing: string[];
}

/**
 * Opens the tasks of the period in force. Idempotent (conditional puts): a retried or repeated
 * invocation creates and sends nothing new. Store and send failures throw, so Scheduler retries.
 */
export async function lambdaHandler(
  _event: unknown,
  rt: Pick<ReviewRuntime, 'deps' | 'logger' | 'metrics'>,
): Promise<SchedulerResult> {
  const r = await openReviewPeriod(rt.deps);
  rt.metrics.addMetric('reviewTasksOpened', MetricUnit.Count, r.created.length);
  const result = {
    period: r.period.id,
    dueAt: r.period.dueAt,
    created: r.created.map((t) => t.taskId),
    existing: r.existing,
  };
  rt.logger.info('review period opened', { ...result });
  return result;
}

const runtime = await loadReviewRuntime('review-scheduler');

export const handler = middy((event: unknown) => lambdaHandler(event, runtime))
  .use(injectLambdaContext(runtime.logger))
  .use(logMetrics(runtime.metrics));

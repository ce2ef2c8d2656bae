/**
 * Review reminder (EventBridge Scheduler, daily in `reviews.timezone`): reminders before the due
 * date, one escalation once overdue, and drift whose exception expired reopened.
 * Wiring only: the cycle is shared/review, the reconciliation shared/exceptions.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadReviewRuntime, type ReviewRuntime } from '../shared/adapters/lambda/index.js';
import { reconcileExceptions } from '../shared/exceptions/index.js';
import { sendReminders } from '../shared/review/index.js';

export interface ReminderResult {
  reminders: string[];
  escalations: string[];
  reopened: string[];
  suppressed: string[];
}

/**
 * One daily run. Each reminder and escalation is recorded by a conditional write before it is
 * sent (at most once); each reopened drift is one conditional write, then one transition event.
 */
export async function lambdaHandler(_event: unknown, rt: ReviewRuntime): Promise<ReminderResult> {
  const sent = await sendReminders(rt.deps);
  const r = await reconcileExceptions({
    drift: rt.drift,
    publisher: rt.publisher,
    exceptions: await rt.deps.exceptions.list(),
    clock: rt.deps.clock,
  });
  const result: ReminderResult = {
    reminders: sent
      .filter((s) => s.action.kind === 'reminder')
      .map((s) => `${s.taskId}#${s.action.kind === 'reminder' ? s.action.key : ''}`),
    escalations: sent.filter((s) => s.action.kind === 'escalation').map((s) => s.taskId),
    reopened: r.reopened.map((t) => t.record.driftId),
    suppressed: r.suppressed.map((t) => t.record.driftId),
  };
  rt.metrics.addMetric('reviewReminders', MetricUnit.Count, result.reminders.length);
  rt.metrics.addMetric('reviewEscalations', MetricUnit.Count, result.escalations.length);
  rt.metrics.addMetric('exceptionReopened', MetricUnit.Count, result.reopened.length);
  rt.logger.info('review reminders', { ...result });
  return result;
}

const runtime = await loadReviewRuntime('review-reminder');

export const handler = middy((event: unknown) => lambdaHandler(event, runtime))
  .use(injectLambdaContext(runtime.logger))
  .use(logMetrics(runtime.metrics));

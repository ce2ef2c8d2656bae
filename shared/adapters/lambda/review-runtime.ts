import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DriftStore, Publisher } from '../../drift/index.js';
import { reconcileExceptions } from '../../exceptions/index.js';
import { systemClock, type Telemetry } from '../../kernel/index.js';
import {
  createReviewMessenger,
  driftFactsFrom,
  openReviewPeriod,
  type ReviewDeps,
  type ReviewMetric,
  ReviewMetrics,
  sendReminders,
} from '../../review/index.js';
import {
  createSnsEmailSender,
  createWebhookResolver,
  DynamoDriftStore,
  DynamoExceptionStore,
  DynamoReviewStore,
  DynamoSightings,
  documentClient,
  EventBridgePublisher,
} from '../aws/index.js';
import { createSlackSender } from '../http/index.js';
import { EnvVars, requireEnv } from './env.js';
import type { FunctionContext, FunctionSpec } from './handler.js';

/** What a review function builds once per container (and what its handler receives). */
export interface ReviewFunctionDeps {
  deps: ReviewDeps;
  /** The drift store, for reopening drift whose exception ended. */
  drift: DriftStore;
  /** Transitions to the tpguard bus (the notifier alerts the owners). */
  publisher: Publisher;
  telemetry: Telemetry<ReviewMetric>;
}

export interface SchedulerResult {
  period: string;
  dueAt: string;
  created: string[];
  existing: string[];
}

export interface ReminderResult {
  reminders: string[];
  escalations: string[];
  reopened: string[];
  suppressed: string[];
}

/**
 * Opens the tasks of the period in force. Idempotent (conditional puts): a retried or repeated
 * invocation creates and sends nothing new. Store and send failures throw, so Scheduler retries.
 */
export async function schedulerLambdaHandler(
  _event: unknown,
  rt: Pick<ReviewFunctionDeps, 'deps' | 'telemetry'>,
): Promise<SchedulerResult> {
  const r = await openReviewPeriod(rt.deps);
  rt.telemetry.count(ReviewMetrics.tasksOpened, r.created.length);
  const result = {
    period: r.period.id,
    dueAt: r.period.dueAt,
    created: r.created.map((t) => t.taskId),
    existing: r.existing,
  };
  rt.telemetry.info('review period opened', { ...result });
  return result;
}

/**
 * One daily run. Each reminder and escalation is recorded by a conditional write before it is
 * sent (at most once); each reopened drift is one conditional write, then one transition event.
 */
export async function reminderLambdaHandler(_event: unknown, rt: ReviewFunctionDeps): Promise<ReminderResult> {
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
  rt.telemetry.count(ReviewMetrics.reminders, result.reminders.length);
  rt.telemetry.count(ReviewMetrics.escalations, result.escalations.length);
  rt.telemetry.count(ReviewMetrics.exceptionsReopened, result.reopened.length);
  rt.telemetry.info('review reminders', { ...result });
  return result;
}

/** The DynamoDB stores, e-mail through the SNS topic and Slack through the SSM-held webhooks. */
function initReview({ env, config, pack, telemetry }: FunctionContext): ReviewFunctionDeps {
  const table = requireEnv(EnvVars.table, env);
  const doc = documentClient();
  const drift = new DynamoDriftStore(doc, { tableName: table });
  const dispatcher = {
    email: createSnsEmailSender(new SNSClient({}), requireEnv(EnvVars.topicArn, env)),
    slack: createSlackSender(createWebhookResolver(), {
      log: { warn: (message: string, details?: Record<string, unknown>) => telemetry.warn(message, details ?? {}) },
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
  const publisher = new EventBridgePublisher(new EventBridgeClient({}), { busName: requireEnv(EnvVars.busName, env) });
  return { deps, drift, publisher, telemetry };
}

const REVIEW_ENV = [EnvVars.table, EnvVars.topicArn, EnvVars.busName] as const;

function reviewFunction<Result>(
  service: string,
  lambdaHandler: (event: unknown, rt: ReviewFunctionDeps) => Promise<Result>,
): FunctionSpec<ReviewFunctionDeps, unknown, ReviewFunctionDeps, Result> {
  return { service, requires: REVIEW_ENV, init: initReview, deps: (rt) => rt, lambdaHandler };
}

/** The review scheduler (EventBridge Scheduler, `reviews.schedule`): opens the period's review tasks. */
export const reviewSchedulerFunction = () => reviewFunction('review-scheduler', schedulerLambdaHandler);

/** The review reminder (daily): reminders, one escalation once overdue, drift of expired exceptions reopened. */
export const reviewReminderFunction = () => reviewFunction('review-reminder', reminderLambdaHandler);

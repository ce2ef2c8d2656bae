import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createExceptionMatcher } from '../../exceptions/index.js';
import { type IngestDeps, type IngestResult, ingestEvent, recordSightings } from '../../ingest/index.js';
import { systemClock } from '../../kernel/index.js';
import { createEvaluator } from '../../policy/index.js';
import {
  DynamoDriftStore,
  DynamoExceptionStore,
  DynamoResourceTags,
  DynamoSightings,
  documentClient,
  EventBridgePublisher,
} from '../aws/index.js';
import { EnvVars, requireEnv } from './env.js';
import type { FunctionSpec } from './handler.js';

/** Counts of what one invocation did (returned for tests and the Lambda console; EventBridge ignores it). */
export type IngestSummary = Pick<IngestResult, 'events' | 'findings' | 'violations' | 'cannotEvaluate' | 'outcomes'> & {
  rejected: number;
  transitions: string[];
};

/** The pipeline's dependencies, and optionally where GuardDuty finding types are counted first. */
export type IngestFunctionDeps = IngestDeps & {
  /** Counts the GuardDuty finding types of an event on in-scope resources (the review's threat delta). */
  recordSightings?: (event: unknown) => Promise<number>;
};

/**
 * Handles one EventBridge event. Never throws for bad input (recorded as rejected); throws on
 * store or publish failures so that Lambda retries and the dead-letter queue keeps what still fails.
 */
export async function ingestLambdaHandler(event: unknown, deps: IngestFunctionDeps): Promise<IngestSummary> {
  await deps.recordSightings?.(event);
  const r = await ingestEvent(event, deps);
  return {
    events: r.events,
    findings: r.findings,
    violations: r.violations,
    cannotEvaluate: r.cannotEvaluate,
    outcomes: r.outcomes,
    rejected: r.rejected.length,
    transitions: r.transitions.map((t) => `${t.kind} ${t.record.driftId}`),
  };
}

/**
 * An ingest function: the pipeline (intake -> evaluate -> record -> publish) on the DynamoDB store,
 * the tpguard bus and the store's active exceptions. With `sightings`, it also counts every
 * GuardDuty finding's type for the quarterly review, mapped by a rule or not.
 * @example export const { lambdaHandler, handler } = await createFunction(ingestFunction('ingest-config'))
 */
export function ingestFunction(
  service: string,
  options: { sightings?: boolean } = {},
): FunctionSpec<IngestFunctionDeps, unknown, IngestFunctionDeps, IngestSummary> {
  return {
    service,
    requires: [EnvVars.table, EnvVars.busName],
    init: ({ env, config, pack, telemetry }) => {
      const tableName = requireEnv(EnvVars.table, env);
      const doc = documentClient();
      const sightings = options.sightings ? new DynamoSightings(doc, tableName) : undefined;
      const evaluator = createEvaluator(pack, config);
      // Once per container, not per event: which rules judge only part of what they check.
      for (const note of evaluator.notes) telemetry.warn(note.message, { configKey: note.key, rules: note.rules });
      return {
        evaluator,
        store: new DynamoDriftStore(doc, { tableName }),
        // Active exceptions (shared/exceptions), read at most once a minute per container.
        exceptions: createExceptionMatcher(new DynamoExceptionStore(doc, tableName), systemClock),
        publisher: new EventBridgePublisher(new EventBridgeClient({}), { busName: requireEnv(EnvVars.busName, env) }),
        clock: systemClock,
        telemetry,
        intake: service,
        // Resource tags remembered for scope.tags (CloudTrail carries none).
        tags: new DynamoResourceTags(doc, tableName),
        ...(sightings ? { recordSightings: (event: unknown) => recordSightings(event, sightings, config) } : {}),
      };
    },
    deps: (runtime) => runtime,
    lambdaHandler: ingestLambdaHandler,
  };
}

/**
 * Ingest function: GuardDuty findings and Malware Protection scan results delivered by the generated EventBridge rules.
 * Wiring only: the pipeline (intake -> evaluate -> record -> publish) is shared/ingest.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { loadIngestRuntime } from '../shared/adapters/lambda/index.js';
import { ingestEvent, type IngestDeps, type IngestResult } from '../shared/ingest/index.js';

/** Counts of what one invocation did (returned for tests and the Lambda console; EventBridge ignores it). */
export type IngestSummary = Pick<IngestResult, 'events' | 'findings' | 'violations' | 'cannotEvaluate' | 'outcomes'> & {
  rejected: number;
  transitions: string[];
};

/**
 * Handles one EventBridge event. Never throws for bad input (recorded as rejected); throws on
 * store or publish failures so that Lambda retries and the dead-letter queue keeps what still fails.
 */
export async function lambdaHandler(event: unknown, deps: IngestDeps): Promise<IngestSummary> {
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

const runtime = await loadIngestRuntime('ingest-guardduty');

export const handler = middy(async (event: unknown) => {
  await runtime.recordSightings(event); // finding types for the review's threat delta (shared/review)
  return lambdaHandler(event, runtime.deps);
})
  .use(injectLambdaContext(runtime.logger))
  .use(logMetrics(runtime.metrics));

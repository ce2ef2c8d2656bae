/**
 * Ingest function: AWS Config item and compliance changes, and SageMaker/Bedrock state changes, delivered by the generated EventBridge rules.
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

const runtime = await loadIngestRuntime('ingest-config');

export const handler = middy((event: unknown) => lambdaHandler(event, runtime.deps))
  .use(injectLambdaContext(runtime.logger))
  .use(logMetrics(runtime.metrics));

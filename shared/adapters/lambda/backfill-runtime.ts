import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  type ArchiveObjects,
  type BatchLine,
  type FolderLister,
  type PlanResult,
  parseBatchEvent,
  parsePlanRequest,
  planBackfill,
  type ResultObjects,
  scanBatch,
} from '../../backfill/index.js';
import type { DriftTransition } from '../../drift/index.js';
import { createExceptionMatcher } from '../../exceptions/index.js';
import { ingestNormalized, type IngestDeps } from '../../ingest/index.js';
import { systemClock } from '../../kernel/index.js';
import type { SummaryPublisher } from '../../notify/index.js';
import { createEvaluator, type Evaluator } from '../../policy/index.js';
import type { Observation } from '../../sources/index.js';
import {
  DynamoDriftStore,
  DynamoExceptionStore,
  DynamoResourceTags,
  documentClient,
  EventBridgePublisher,
  eventBridgeSummaries,
  loadS3Archive,
} from '../aws/index.js';
import { EnvVars, requireEnv } from './env.js';
import type { FunctionSpec } from './handler.js';

/** What the worker needs: the archive, the results bucket, the evaluator, and the ingest path for `record`. */
export interface BackfillWorkerDeps {
  archive: ArchiveObjects & ResultObjects & FolderLister;
  evaluator: Evaluator;
  /** The ingest pipeline on the deployed store, for batches with `record`. */
  ingest: IngestDeps;
  /** Where a recorded batch's summaries go (the tpguard bus, to the notify function). */
  summaries?: SummaryPublisher;
  now: () => number;
}

/**
 * The backfill worker: the state machine's first step plans the run (`{action: "plan"}`: the
 * prefixes to list, written to the results bucket), then every Distributed Map batch of archive
 * objects is scanned (and with `record`, ingested). Input that can never succeed throws
 * `BackfillEventError` (the batch fails, the map counts it against its tolerance).
 */
export async function backfillLambdaHandler(
  event: unknown,
  deps: BackfillWorkerDeps,
): Promise<PlanResult | BatchLine[]> {
  if ((event as { action?: unknown } | null)?.action === 'plan')
    return planBackfill(parsePlanRequest(event), { lister: deps.archive, results: deps.archive });
  const batch = parseBatchEvent(event);
  const record = batch.BatchInput.record
    ? async (obs: Observation): Promise<readonly DriftTransition[]> =>
        (await ingestNormalized(obs, deps.ingest)).transitions
    : undefined;
  return scanBatch(batch, {
    objects: deps.archive,
    results: deps.archive,
    evaluator: deps.evaluator,
    now: deps.now,
    ...(record ? { record } : {}),
    ...(record && deps.summaries ? { summaries: deps.summaries } : {}),
  });
}

/**
 * The `backfill-worker` function: the S3 archive adapter, the evaluator, and the same ingest
 * dependencies as an ingest function (store, exceptions, bus), used only by `record` batches.
 * @example export const { lambdaHandler, handler } = await createFunction(backfillWorkerFunction())
 */
export function backfillWorkerFunction(): FunctionSpec<BackfillWorkerDeps, unknown, BackfillWorkerDeps, unknown> {
  return {
    service: 'backfill-worker',
    requires: [EnvVars.table, EnvVars.busName],
    init: async ({ env, config, pack, telemetry }) => {
      const tableName = requireEnv(EnvVars.table, env);
      const doc = documentClient();
      const evaluator = createEvaluator(pack, config);
      const publisher = new EventBridgePublisher(new EventBridgeClient({}), {
        busName: requireEnv(EnvVars.busName, env),
      });
      for (const note of evaluator.notes) telemetry.warn(note.message, { configKey: note.key, rules: note.rules });
      const { S3Archive } = await loadS3Archive();
      return {
        archive: new S3Archive(),
        evaluator,
        ingest: {
          evaluator,
          store: new DynamoDriftStore(doc, { tableName }),
          exceptions: createExceptionMatcher(new DynamoExceptionStore(doc, tableName), systemClock),
          publisher,
          clock: systemClock,
          telemetry,
          intake: 'backfill-worker',
          // Resource tags remembered for scope.tags (CloudTrail carries none).
          tags: new DynamoResourceTags(doc, tableName),
        },
        summaries: eventBridgeSummaries(publisher),
        now: () => Date.now(),
      };
    },
    deps: (runtime) => runtime,
    lambdaHandler: backfillLambdaHandler,
  };
}

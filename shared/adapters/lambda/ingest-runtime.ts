import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { isAbsolute, join } from 'node:path';
import { loadConfigSnapshot } from '../../config/index.js';
import type { IngestDeps } from '../../ingest/index.js';
import { createEvaluator } from '../../policy/index.js';
import { loadPackSnapshot } from '../../policy/index.js';
import { systemClock } from '../../kernel/index.js';
import { documentClient, DynamoDriftStore } from '../aws/index.js';
import { createExceptionMatcher } from '../../exceptions/index.js';
import { DynamoExceptionStore } from '../aws/index.js';
import { DynamoSightings } from '../aws/index.js';
import { recordSightings } from '../../review/index.js';
import { EnvVars, optionalEnv, requireEnv } from './env.js';
import { EventBridgePublisher } from '../aws/index.js';
import { powertoolsFor, powertoolsTelemetry } from './powertools.js';

/** What an ingest function builds once per container. */
export interface IngestRuntime {
  deps: IngestDeps;
  logger: Logger;
  metrics: Metrics;
  /** Counts the GuardDuty finding types of an event on in-scope resources (the review's threat delta). */
  recordSightings: (event: unknown) => Promise<number>;
}

/** Packaged files are next to the handler: relative paths resolve against the task root. */
function packaged(path: string, env: NodeJS.ProcessEnv): string {
  return isAbsolute(path) ? path : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), path);
}

/**
 * Builds an ingest function's dependencies at init (top-level await): environment read once
 * (a missing variable fails the cold start naming it), configuration and policy pack loaded
 * from the packaged files (test-case files are not packaged, so not checked), DynamoDB store,
 * EventBridge publisher, Powertools telemetry.
 * @example const runtime = await loadIngestRuntime('ingest-cloudtrail')
 */
export async function loadIngestRuntime(
  functionName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<IngestRuntime> {
  const tableName = requireEnv(EnvVars.table, env);
  const busName = requireEnv(EnvVars.busName, env);
  const config = await loadConfigSnapshot(packaged(optionalEnv(EnvVars.configFile, 'tpguard.config.yaml', env), env));
  const pack = await loadPackSnapshot(packaged(optionalEnv(EnvVars.policyDir, 'policies', env), env));
  const { logger, metrics } = powertoolsFor(functionName);
  const expected = env[EnvVars.packVersion];
  if (expected && expected !== pack.version)
    logger.warn('policy pack differs from the deployed version', { expected, loaded: pack.version });
  const doc = documentClient();
  const deps: IngestDeps = {
    evaluator: createEvaluator(pack, config),
    store: new DynamoDriftStore(doc, { tableName }),
    // Active exceptions (shared/exceptions), read at most once a minute per container.
    exceptions: createExceptionMatcher(new DynamoExceptionStore(doc, tableName), systemClock),
    publisher: new EventBridgePublisher(new EventBridgeClient({}), { busName }),
    clock: systemClock,
    telemetry: powertoolsTelemetry(logger, metrics),
    intake: functionName,
  };
  logger.info('ingest ready', { packVersion: pack.version, rules: pack.rules.length });
  // Once per container, not per event: which rules judge only part of what they check.
  for (const note of deps.evaluator.notes) logger.warn(note.message, { configKey: note.key, rules: note.rules });
  const sightings = new DynamoSightings(doc, tableName);
  return { deps, logger, metrics, recordSightings: (event) => recordSightings(event, sightings, config) };
}

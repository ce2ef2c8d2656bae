export { EnvVars } from './env.js';
export { MissingEnvironmentError } from './errors.js';
export { METRICS_NAMESPACE, powertoolsTelemetry } from './powertools.js';
export { createFunction, type FunctionContext, type FunctionSpec, type LambdaFunction } from './handler.js';
export { type IngestFunctionDeps, type IngestSummary, ingestFunction } from './ingest-runtime.js';
export {
  type DigestHandlerDeps,
  digestFunction,
  type NotifyHandlerDeps,
  type NotifyResponse,
  notifyFunction,
} from './notify-runtime.js';
export {
  type ReminderResult,
  type ReviewFunctionDeps,
  reviewReminderFunction,
  reviewSchedulerFunction,
  type SchedulerResult,
} from './review-runtime.js';
export { backfillLambdaHandler, type BackfillWorkerDeps, backfillWorkerFunction } from './backfill-runtime.js';

export { EnvVars } from './env.js';
export { loadIngestRuntime } from './ingest-runtime.js';
export {
  accountOf,
  createNotifyRuntime,
  notifierDepsOf,
  powertoolsTelemetry,
  readNotifyEnvironment,
} from './notify-runtime.js';
export { loadReviewRuntime, type ReviewRuntime } from './review-runtime.js';

export { emptyResult, type IngestDeps, ingestEvent, type IngestResult, recordRejection } from './pipeline.js';
export { type IngestTelemetry, silentTelemetry } from './telemetry.js';

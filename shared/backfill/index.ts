export {
  type ArchiveReadOptions,
  type ArchiveStore,
  DEFAULT_READ_CONCURRENCY,
  isS3Url,
  type ListedObject,
  MAX_READ_CONCURRENCY,
  parseS3Url,
  readArchive,
  type S3Location,
  WHOLE_OBJECT_BYTES,
} from './archive-reader.js';
export { ArchiveReadError, ArchiveSelectionError, BackfillEventError } from './errors.js';
export {
  acceptsKey,
  type ArchiveKind,
  ArchiveKinds,
  archivePrefixes,
  checkAccounts,
  checkRange,
  checkRegions,
  datePrefixes,
  type DateRange,
  logsRoot,
} from './layout.js';
export { type ArchivePlan, type ArchiveSelection, type FolderLister, planArchive } from './plan.js';
export type { ArchiveObjects, ResultObjects } from './ports.js';
export { type VerdictRow, verdictRow } from './rows.js';
export { addBatchLines, emptyRunSummary, type RunSummary, runSummaryLines } from './run-summary.js';
export { type PlanRequest, type PlanResult, parsePlanRequest, planBackfill } from './run-plan.js';
export {
  BATCH_READ_CONCURRENCY,
  type BatchDeps,
  type BatchEvent,
  type BatchInput,
  type BatchItem,
  type BatchLine,
  type BatchSummary,
  batchIdOf,
  INLINE_OUTPUT_BYTES,
  parseBatchEvent,
  scanBatch,
} from './worker.js';

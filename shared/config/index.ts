export { BASELINE_DEFAULTS, type BaselineConfig, baselineCron, WEEKLY } from './baseline.js';
export { configSnapshotPath, formatIssue, loadConfigSnapshot } from './data.js';
export { loadConfig, parseConfig, parseYaml } from './load.js';
export { type Contact, contactOf, DEFAULT_OWNER, isTeam, resolveOwner, taggedOwnersOf } from './owners.js';
export { CONTROL_OWNER, cronOf, QUARTERLY, type ReviewsConfig, ReviewsSchema } from './reviews.js';
export {
  APPROVED_WHEN_EMPTY,
  type ApprovedConfig,
  type ApprovedKey,
  ApprovedSchema,
  ConfigSchema,
  ScopeSchema,
  type TpguardConfig,
} from './schema.js';
export { INGEST_DEFAULTS, type IngestConfig, IngestSchema } from './ingest.js';
export { inScope } from './scope.js';
export { type ConfigCheck, checkConfigText } from './validate.js';

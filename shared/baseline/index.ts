export { planOf, wantedBy } from './plan.js';
export type { BaselineRunStore, StateReader, SummaryPublisher, WantedFilter } from './ports.js';
export { type BaselineDeps, type BaselineResult, runBaseline, runIdOf } from './run.js';
export { MAX_UNREADABLE_SAMPLE } from './stats.js';
export {
  type BaselinePlan,
  type BaselineRun,
  JOB_KINDS,
  type JobKind,
  type ReadScope,
  type StateRead,
  type Unreadable,
} from './types.js';

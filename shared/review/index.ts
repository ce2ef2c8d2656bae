export { driftActivity, type ReplayedTransition, replayTransitions, transitionsInWindow } from './activity.js';
export { endOfLocalDay, fromWallTime, localDate } from './calendar.js';
export {
  completeReview,
  openReviewPeriod,
  recordPackChange,
  type ReviewDeps,
  sendReminders,
  type SentReminder,
} from './cycle.js';
export {
  DistinctReviewerError,
  ReviewAlreadyCompletedError,
  ReviewConfigError,
  ReviewError,
  ReviewTaskNotFoundError,
  SignOffTimeError,
  UnknownPackChangeError,
} from './errors.js';
export { driftFactsFrom } from './facts.js';
export { contentLines } from './messages.js';
export { createReviewMessenger } from './messenger.js';
export type { PackSnapshot } from './pack-snapshot.js';
export { currentPeriod } from './period.js';
export type {
  DriftFacts,
  FindingSightings,
  ReviewStore,
} from './ports.js';
export { areasByOwner, resolveReviewSettings } from './settings.js';
export { reviewStatusLines } from './status.js';
export { summarizeTask } from './summary.js';
export {
  type Decision,
  Decisions,
  type PackChange,
  type PackChanges,
  type ReviewTask,
  type SignOff,
  type TaskSummary,
} from './types.js';
export { type ReviewMetric, ReviewMetrics } from './telemetry.js';

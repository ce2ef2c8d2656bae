export { transitionBusEvent, transitionKey } from './bus-events.js';
export {
  type GroupBusEvent,
  groupBusEvent,
  MAX_GROUP_SIZE,
  TRANSITION_GROUP_DETAIL_TYPE,
  type TransitionGroup,
  transitionGroups,
  type TransitionRef,
} from './groups.js';
export { DriftError, DriftStatusError, LatePlacementError, PublishError } from './errors.js';
export { evidenceOf, redactDeep } from './evidence.js';
export { driftIdOf, isDriftId } from './id.js';
export { LATE_NEIGHBOURS, recordAsOf } from './late.js';
export { type StoredTransition, storedTransition, type TransitionClaim } from './verify.js';
export {
  applyOperatorChange,
  type Outcome,
  Outcomes,
  recordFinding,
  type RecordOutcome,
  resolveManually,
} from './record.js';
export {
  type ChangeResult,
  type DriftQuery,
  type DriftStore,
  type ExceptionMatcher,
  type LatePatch,
  noExceptions,
  type Publisher,
  type RecordFacts,
  type RejectedInput,
  type StateChange,
} from './store.js';
export {
  type EventPosition,
  INTENT_RANK,
  intentOf,
  Intents,
  isAfter,
  nextStatus,
  orderKeyOf,
  type StateIntent,
  transitionOf,
} from './transitions.js';
export {
  foldTimeline,
  kindClass,
  stepTimeline,
  type TimelineEntry,
  timelineEntryOf,
  type TimelineState,
  type TimelineTransition,
} from './timeline.js';
export {
  type DriftHistoryEntry,
  type DriftRecord,
  type DriftStatus,
  DriftStatuses,
  type DriftTransition,
  TPGUARD_EVENT_SOURCE,
  TRANSITION_DETAIL_TYPES,
  type TransitionKind,
  TransitionKinds,
} from './types.js';

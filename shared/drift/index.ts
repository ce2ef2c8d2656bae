export { transitionBusEvent, transitionKey } from './bus-events.js';
export { DriftError, DriftStatusError, PublishError } from './errors.js';
export { evidenceOf, redactDeep } from './evidence.js';
export { driftIdOf, isDriftId } from './id.js';
export {
  applyOperatorChange,
  type Outcome,
  Outcomes,
  recordFinding,
  type RecordOutcome,
  resolveManually,
} from './record.js';
export { resolveFromState, STATE_READER, type StateResolution } from './state-resolution.js';
export {
  type ChangeResult,
  type DriftQuery,
  type DriftStore,
  type ExceptionMatcher,
  noExceptions,
  type Publisher,
  type RecordFacts,
  type RejectedInput,
  type StateChange,
} from './store.js';
export { intentOf, Intents, nextStatus, type StateIntent, transitionOf } from './transitions.js';
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

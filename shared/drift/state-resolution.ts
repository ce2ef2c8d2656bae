import type { ObservationOrigin } from '../sources/index.js';
import { factsOf, transitionFor } from './record.js';
import type { DriftStore, StateChange } from './store.js';
import { Intents } from './transitions.js';
import type { DriftHistoryEntry, DriftRecord, DriftTransition } from './types.js';

/** Who resolves drift from a read of the state (the actor of the write). */
export const STATE_READER = 'tpguard-baseline';

/**
 * Drift a read of the current state closes without an observation of its own rule: the resource
 * no longer exists (`gone`), or a whole-state rule that reconciles this event rule passed on it
 * (`reconciled`).
 */
export interface StateResolution {
  record: DriftRecord;
  reason: 'gone' | 'reconciled';
  /** The read's position: the change applies only if the record saw nothing later. */
  eventTime: string;
  eventId: string;
  /** One line for the record's `resolvedReason` (starts with the reason). */
  note: string;
  /** What was read (redacted, small): the inventory or the item that proves it. */
  evidence: Record<string, unknown>;
  origin: ObservationOrigin;
  recordedAt: string;
}

/**
 * Resolves open or suppressed drift from a baseline read, through the same conditional write as
 * observations (event-time order: a read older than the record's latest observation changes
 * nothing), then keeps the read in history (verdict `gone` or `pass`). Returns the `resolved`
 * transition (flagged with the batch), or undefined when the record had moved on.
 * @example await resolveFromState(store, { record, reason: 'gone', eventTime, eventId, note: 'gone: ...', evidence, origin, recordedAt })
 */
export async function resolveFromState(store: DriftStore, r: StateResolution): Promise<DriftTransition | undefined> {
  const change: StateChange = {
    intent: Intents.resolve,
    facts: factsOf(r.record),
    eventTime: r.eventTime,
    eventId: r.eventId,
    actor: STATE_READER,
    note: r.note,
    onlyFrom: ['open', 'suppressed'],
    operator: true,
    origin: r.origin,
  };
  const result = await store.applyChange(change);
  if (!result.applied) return undefined;
  const transition = transitionFor(result.record, result.before, { ...r, origin: r.origin });
  const entry: DriftHistoryEntry = {
    driftId: r.record.driftId,
    eventId: r.eventId,
    eventTime: r.eventTime,
    verdict: r.reason === 'gone' ? 'gone' : 'pass',
    actor: STATE_READER,
    note: r.note,
    packVersion: r.record.packVersion,
    ruleId: r.record.ruleId,
    source: 'config',
    intent: Intents.resolve,
    evidence: r.evidence,
    recordedAt: r.recordedAt,
    origin: r.origin.kind,
    batchId: r.origin.batchId,
  };
  if (transition) entry.transition = transition.kind;
  await store.putHistory(entry);
  return transition;
}

import type { StateChange } from '../../drift/index.js';
import { Intents } from '../../drift/index.js';
import type { DriftHistoryEntry, DriftRecord, DriftStatus, TransitionKind } from '../../drift/index.js';

/**
 * How drift records and history entries are laid out in the single table, and the one
 * UpdateItem expression per intent. Kept apart from the client code so it reads as a spec.
 *
 * A record's current transition lives in the slot of its status (`txOpen`, `txSuppressed`,
 * `txResolved`): written with if_not_exists when the record enters the status, removed when it
 * leaves it. So a repeated violation keeps the transition that opened the drift, and the
 * transition of the latest change is on the record without a second write. `violatedBefore`
 * holds what a resolving or re-opening write needs to know about the past (DynamoDB evaluates
 * every operand against the item as it was before the update).
 */
export const keys = {
  drift: (driftId: string) => ({ pk: `DRIFT#${driftId}`, sk: 'STATE' }),
  history: (e: Pick<DriftHistoryEntry, 'driftId' | 'eventTime' | 'eventId'>) => ({
    pk: `DRIFT#${e.driftId}`,
    sk: `H#${e.eventTime}#${e.eventId}`,
  }),
  statusIndex: (status: DriftStatus) => `DRIFT#${status}`,
  rejected: (receivedAt: string, sha256: string) => ({
    pk: `REJECTED#${receivedAt.slice(0, 10)}`,
    sk: `${receivedAt}#${sha256.slice(0, 16)}`,
  }),
};

/** Attributes of a record item that are bookkeeping, not part of DriftRecord. */
const BOOKKEEPING = new Set([
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'prevStatus',
  'violatedBefore',
  'episodeStart',
  'txOpen',
  'txOpenKind',
  'txSuppressed',
  'txResolved',
  'notified',
]);

interface Slot {
  kind?: TransitionKind;
  eventId: string;
  at: string;
  by?: string;
  byName?: string;
  note?: string;
  /** `baseline` when a read of the current state made the transition, with its batch. */
  origin?: 'baseline';
  batchId?: string;
}

export interface UpdateSpec {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

const FACT_FIELDS = [
  'driftId',
  'account',
  'region',
  'resourceType',
  'resourceId',
  'resourceArn',
  'ruleId',
  'title',
  'severity',
  'area',
  'owner',
  'tags',
  'packVersion',
] as const;

function mark(c: StateChange, kind?: TransitionKind): Slot {
  const slot: Slot = { eventId: c.eventId, at: c.eventTime };
  if (kind) slot.kind = kind;
  if (c.actor) slot.by = c.actor;
  if (c.actorName) slot.byName = c.actorName;
  if (c.note) slot.note = c.note;
  if (c.origin) {
    slot.origin = c.origin.kind;
    slot.batchId = c.origin.batchId;
  }
  return slot;
}

/** The SET/REMOVE clauses specific to each intent. */
const INTENT_CLAUSES: Record<
  StateChange['intent'],
  (c: StateChange) => { set: string[]; remove: string[]; values: Record<string, unknown> }
> = {
  [Intents.violation]: (c) => ({
    set: [
      '#status = :open',
      'gsi1pk = :gsiOpen',
      'firstSeen = if_not_exists(firstSeen, :t)',
      'openedAt = if_not_exists(episodeStart, :t)',
      'episodeStart = if_not_exists(episodeStart, :t)',
      'txOpen = if_not_exists(txOpen, :mark)',
      'txOpenKind = if_not_exists(txOpenKind, if_not_exists(violatedBefore.openKind, :opened))',
      'violatedBefore = :violatedBefore',
    ],
    remove: ['txSuppressed', 'txResolved', 'exceptionId'],
    values: { ':open': 'open', ':gsiOpen': keys.statusIndex('open'), ':mark': mark(c), ':opened': 'opened' },
  }),
  [Intents.suppress]: (c) => ({
    set: [
      '#status = :suppressed',
      'gsi1pk = :gsiSuppressed',
      'firstSeen = if_not_exists(firstSeen, :t)',
      'openedAt = if_not_exists(episodeStart, :t)',
      'episodeStart = if_not_exists(episodeStart, :t)',
      'txSuppressed = if_not_exists(txSuppressed, :mark)',
      'exceptionId = :exceptionId',
      'violatedBefore = :violatedBefore',
    ],
    remove: ['txOpen', 'txOpenKind', 'txResolved'],
    values: {
      ':suppressed': 'suppressed',
      ':gsiSuppressed': keys.statusIndex('suppressed'),
      ':mark': mark(c, 'suppressed'),
      ':exceptionId': c.exceptionId ?? 'unknown',
    },
  }),
  [Intents.resolve]: (c) => ({
    set: [
      '#status = if_not_exists(violatedBefore.#status, :compliant)',
      'gsi1pk = if_not_exists(violatedBefore.gsi1pk, :gsiCompliant)',
      'txResolved = if_not_exists(txResolved, :mark)',
    ],
    remove: ['txOpen', 'txOpenKind', 'txSuppressed', 'exceptionId', 'episodeStart'],
    values: { ':compliant': 'compliant', ':gsiCompliant': keys.statusIndex('compliant'), ':mark': mark(c, 'resolved') },
  }),
};

/**
 * The one conditional UpdateItem that applies a state change: in event-time order (ties by event
 * id), optionally only from some statuses. Returns ALL_NEW; `prevStatus` tells the status before.
 */
export function updateFor(c: StateChange): UpdateSpec {
  const clause = INTENT_CLAUSES[c.intent](c);
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':t': c.eventTime,
    ':id': c.eventId,
    ':none': 'none',
    ':gsi1sk': `${c.eventTime}#${c.facts.driftId}`,
    ...clause.values,
  };
  const set = [
    'prevStatus = if_not_exists(#status, :none)',
    'lastSeen = :t',
    'lastEventId = :id',
    'gsi1sk = :gsi1sk',
    ...clause.set,
  ];
  const remove = [...clause.remove];
  for (const field of FACT_FIELDS) {
    const value = c.facts[field];
    if (value === undefined) continue;
    names[`#f_${field}`] = field;
    values[`:f_${field}`] = value;
    set.push(`#f_${field} = :f_${field}`);
  }
  if (c.actor) {
    set.push('actor = :actor');
    values[':actor'] = c.actor;
  } else remove.push('actor');
  if (c.intent !== Intents.resolve)
    values[':violatedBefore'] = { status: 'resolved', gsi1pk: keys.statusIndex('resolved'), openKind: 'reopened' };
  const add = c.intent !== Intents.resolve && !c.operator ? ' ADD occurrences :one' : '';
  if (add) values[':one'] = 1;
  else {
    set.push('occurrences = if_not_exists(occurrences, :zero)');
    values[':zero'] = 0;
  }
  let condition = '(attribute_not_exists(pk) OR lastSeen < :t OR (lastSeen = :t AND lastEventId < :id))';
  if (c.onlyFrom && c.onlyFrom.length > 0) {
    condition += ` AND #status IN (${c.onlyFrom.map((_, i) => `:from${i}`).join(', ')})`;
    for (const [i, s] of c.onlyFrom.entries()) values[`:from${i}`] = s;
  }
  return {
    UpdateExpression: `SET ${set.join(', ')}${add} REMOVE ${remove.join(', ')}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function slotOf(item: Record<string, unknown>, status: DriftStatus): Slot | undefined {
  const slot = { open: item.txOpen, suppressed: item.txSuppressed, resolved: item.txResolved, compliant: undefined }[
    status
  ] as Slot | undefined;
  if (!slot) return undefined;
  return status === 'open' ? { ...slot, kind: (item.txOpenKind as TransitionKind | undefined) ?? 'opened' } : slot;
}

/** The DriftRecord an item holds (bookkeeping removed, the current transition made explicit). */
export function recordOf(item: Record<string, unknown>): DriftRecord {
  const record = Object.fromEntries(
    Object.entries(item).filter(([k]) => !BOOKKEEPING.has(k)),
  ) as unknown as DriftRecord;
  const slot = slotOf(item, record.status);
  if (slot?.kind) record.lastTransition = { kind: slot.kind, eventId: slot.eventId, at: slot.at };
  if (slot?.origin) record.origin = slot.origin;
  if (record.status === 'resolved' && slot) {
    record.resolvedAt = slot.at;
    if (slot.by) record.resolvedBy = slot.by;
    if (slot.byName) record.resolvedByName = slot.byName;
    if (slot.note) record.resolvedReason = slot.note;
  }
  if (record.status !== 'suppressed') delete record.exceptionId;
  return record;
}

/** The status before a write, from the ALL_NEW image. */
export function statusBefore(item: Record<string, unknown>): DriftStatus | undefined {
  const prev = item.prevStatus;
  return typeof prev === 'string' && prev !== 'none' ? (prev as DriftStatus) : undefined;
}

/**
 * A condition that holds while `kind`/`eventId` is the record's current transition: for the
 * notifier's conditional ledger writes (a late delivery of a superseded transition fails it).
 * @example const c = currentTransitionCondition('opened', 'e-1') // { expression: '#status = :ctStatus AND txOpen.eventId = :ctEventId', ... }
 */
export function currentTransitionCondition(
  kind: TransitionKind,
  eventId: string,
): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const bySlot: Partial<Record<TransitionKind, [DriftStatus, string]>> = {
    opened: ['open', 'txOpen'],
    reopened: ['open', 'txOpen'],
    suppressed: ['suppressed', 'txSuppressed'],
    resolved: ['resolved', 'txResolved'],
  };
  const slot = bySlot[kind];
  if (!slot) return { expression: 'attribute_exists(pk)', names: {}, values: {} };
  return {
    expression: `#status = :ctStatus AND ${slot[1]}.eventId = :ctEventId`,
    names: { '#status': 'status' },
    values: { ':ctStatus': slot[0], ':ctEventId': eventId },
  };
}

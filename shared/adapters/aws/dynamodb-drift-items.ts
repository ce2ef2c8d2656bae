import type { LatePatch, StateChange } from '../../drift/index.js';
import type { OriginKind } from '../../sources/index.js';
import { Intents, orderKeyOf } from '../../drift/index.js';
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
  'unverifiedBefore',
  'held',
  'orderKey',
  'episodeStart',
  'txOpen',
  'txOpenKind',
  'txSuppressed',
  'txResolved',
  'txUnverifiable',
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
  origin?: OriginKind;
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
  'taggedOwners',
  'tags',
  'packVersion',
] as const;

function mark(
  c: Pick<StateChange, 'eventId' | 'eventTime' | 'actor' | 'actorName' | 'note' | 'origin'>,
  kind?: TransitionKind,
): Slot {
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
      'held = :held',
      'firstSeen = if_not_exists(firstSeen, :t)',
      'openedAt = if_not_exists(episodeStart, :t)',
      'episodeStart = if_not_exists(episodeStart, :t)',
      'txOpen = if_not_exists(txOpen, :mark)',
      'txOpenKind = if_not_exists(txOpenKind, if_not_exists(violatedBefore.openKind, :opened))',
      'violatedBefore = :violatedBefore',
    ],
    remove: ['txSuppressed', 'txResolved', 'txUnverifiable', 'exceptionId'],
    values: {
      ':open': 'open',
      ':gsiOpen': keys.statusIndex('open'),
      ':held': { status: 'open', gsi1pk: keys.statusIndex('open') },
      ':mark': mark(c),
      ':opened': 'opened',
    },
  }),
  [Intents.suppress]: (c) => ({
    set: [
      '#status = :suppressed',
      'gsi1pk = :gsiSuppressed',
      'held = :held',
      'firstSeen = if_not_exists(firstSeen, :t)',
      'openedAt = if_not_exists(episodeStart, :t)',
      'episodeStart = if_not_exists(episodeStart, :t)',
      'txSuppressed = if_not_exists(txSuppressed, :mark)',
      'exceptionId = :exceptionId',
      'violatedBefore = :violatedBefore',
    ],
    remove: ['txOpen', 'txOpenKind', 'txResolved', 'txUnverifiable'],
    values: {
      ':suppressed': 'suppressed',
      ':gsiSuppressed': keys.statusIndex('suppressed'),
      ':held': { status: 'suppressed', gsi1pk: keys.statusIndex('suppressed') },
      ':mark': mark(c, 'suppressed'),
      ':exceptionId': c.exceptionId ?? 'unknown',
    },
  }),
  // Open or suppressed drift stays as it is (`held`: fail closed); anything else cannot be verified.
  [Intents.unverifiable]: (c) => ({
    set: [
      '#status = if_not_exists(held.#status, :unverifiable)',
      'gsi1pk = if_not_exists(held.gsi1pk, :gsiUnverifiable)',
      'txUnverifiable = if_not_exists(txUnverifiable, :mark)',
      'unverifiedBefore = :unverifiedBefore',
    ],
    remove: ['txResolved'],
    values: {
      ':unverifiable': 'unverifiable',
      ':gsiUnverifiable': keys.statusIndex('unverifiable'),
      ':mark': mark(c, 'unverifiable'),
      ':unverifiedBefore': { status: 'resolved', gsi1pk: keys.statusIndex('resolved') },
    },
  }),
  [Intents.resolve]: (c) => ({
    set: [
      '#status = if_not_exists(violatedBefore.#status, if_not_exists(unverifiedBefore.#status, :compliant))',
      'gsi1pk = if_not_exists(violatedBefore.gsi1pk, if_not_exists(unverifiedBefore.gsi1pk, :gsiCompliant))',
      'txResolved = if_not_exists(txResolved, :mark)',
    ],
    remove: ['txOpen', 'txOpenKind', 'txSuppressed', 'txUnverifiable', 'exceptionId', 'episodeStart', 'held'],
    values: { ':compliant': 'compliant', ':gsiCompliant': keys.statusIndex('compliant'), ':mark': mark(c, 'resolved') },
  }),
};

/** The ordering condition: the change comes after the record's latest observation (items written before `orderKey` compare by time and id). */
const ORDER_CONDITION =
  '(attribute_not_exists(pk) OR orderKey < :k OR (attribute_not_exists(orderKey) AND (lastSeen < :t OR (lastSeen = :t AND lastEventId < :id))))';

/**
 * The one conditional UpdateItem that applies a state change: in event order (time, then intent
 * rank so that equal times fail closed, then event id), optionally only from some statuses.
 * An operator's change applies to the record as the operator read it (`expect`), not by time:
 * the clock of a person is no event time. Returns ALL_NEW; `prevStatus` tells the status before.
 */
export function updateFor(c: StateChange): UpdateSpec {
  const clause = INTENT_CLAUSES[c.intent](c);
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':t': c.eventTime,
    ':id': c.eventId,
    ':k': orderKeyOf(c),
    ':intent': c.intent,
    ':none': 'none',
    ':gsi1sk': `${c.eventTime}#${c.facts.driftId}`,
    ...clause.values,
  };
  const set = [
    'prevStatus = if_not_exists(#status, :none)',
    'lastSeen = :t',
    'lastEventId = :id',
    'lastIntent = :intent',
    'orderKey = :k',
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
  if (c.intent === Intents.violation || c.intent === Intents.suppress)
    values[':violatedBefore'] = { status: 'resolved', gsi1pk: keys.statusIndex('resolved'), openKind: 'reopened' };
  const counts = (c.intent === Intents.violation || c.intent === Intents.suppress) && !c.operator;
  const add = counts ? ' ADD occurrences :one' : '';
  if (add) values[':one'] = 1;
  else {
    set.push('occurrences = if_not_exists(occurrences, :zero)');
    values[':zero'] = 0;
  }
  let condition = ORDER_CONDITION;
  if (c.expect) {
    condition = 'lastSeen = :expSeen AND lastEventId = :expId';
    values[':expSeen'] = c.expect.lastSeen;
    values[':expId'] = c.expect.lastEventId;
  }
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
  const slot = {
    open: item.txOpen,
    suppressed: item.txSuppressed,
    resolved: item.txResolved,
    unverifiable: item.txUnverifiable,
    compliant: undefined,
  }[status] as Slot | undefined;
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

/** Where each status keeps its transition, and what else entering it sets. */
const ENTER: Readonly<Record<DriftStatus, { slot?: string; held: boolean }>> = {
  open: { slot: 'txOpen', held: true },
  suppressed: { slot: 'txSuppressed', held: true },
  unverifiable: { slot: 'txUnverifiable', held: false },
  resolved: { slot: 'txResolved', held: false },
  compliant: { held: false },
};
const TX_SLOTS = ['txOpen', 'txSuppressed', 'txResolved', 'txUnverifiable'];

/**
 * The conditional UpdateItem of a late observation's correction (shared/drift/late.ts): only while
 * the record's latest observation is still the one read, so a concurrent write is never undone.
 */
export function latePatchUpdate(p: LatePatch): UpdateSpec {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':expSeen': p.expect.lastSeen, ':expId': p.expect.lastEventId };
  const set: string[] = [];
  const remove: string[] = [];
  if (p.violated) {
    set.push('violatedBefore = :violatedBefore');
    values[':violatedBefore'] = { status: 'resolved', gsi1pk: keys.statusIndex('resolved'), openKind: 'reopened' };
  }
  if (p.unverified) {
    set.push('unverifiedBefore = :unverifiedBefore');
    values[':unverifiedBefore'] = { status: 'resolved', gsi1pk: keys.statusIndex('resolved') };
  }
  if (p.firstSeen) {
    set.push('firstSeen = :firstSeen');
    values[':firstSeen'] = p.firstSeen;
  }
  if (p.status) {
    names['#status'] = 'status';
    set.push('#status = :status', 'gsi1pk = :gsi1pk');
    values[':status'] = p.status;
    values[':gsi1pk'] = keys.statusIndex(p.status);
    const enter = ENTER[p.status];
    if (enter.held) {
      set.push('held = :held');
      values[':held'] = { status: p.status, gsi1pk: keys.statusIndex(p.status) };
    } else remove.push('held', 'episodeStart');
    if (p.current && enter.slot) {
      set.push(`${enter.slot} = :slot`);
      const c = p.current;
      values[':slot'] = mark(
        {
          eventId: c.eventId,
          eventTime: c.eventTime,
          ...(c.by ? { actor: c.by } : {}),
          ...(c.note ? { note: c.note } : {}),
        },
        p.status === 'open' ? undefined : c.kind,
      );
      if (p.status === 'open') {
        set.push('txOpenKind = :openKind', 'openedAt = :at', 'episodeStart = :at');
        values[':openKind'] = p.current.kind;
        values[':at'] = p.current.eventTime;
      }
      if (p.status === 'suppressed') {
        set.push('openedAt = :at', 'episodeStart = :at');
        values[':at'] = p.current.eventTime;
      }
      remove.push(...TX_SLOTS.filter((s) => s !== enter.slot));
      if (p.status !== 'open') remove.push('txOpenKind');
    }
  }
  return {
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${[...new Set(remove)].join(', ')}` : ''}`,
    ConditionExpression: 'lastSeen = :expSeen AND lastEventId = :expId',
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
  } as UpdateSpec;
}

import * as z from 'zod';
import { formatIssue } from '../config/index.js';
import {
  DriftStatuses,
  MAX_GROUP_SIZE,
  TPGUARD_EVENT_SOURCE,
  TRANSITION_DETAIL_TYPES,
  TRANSITION_GROUP_DETAIL_TYPE,
  TransitionKinds,
  type DriftTransition,
  type TransitionClaim,
} from '../drift/index.js';
import { SEVERITIES } from '../kernel/index.js';
import { isRecord } from '../kernel/index.js';
import { InvalidTransitionError } from './errors.js';

const text = z.string().min(1).max(2048);

/** The fields of a drift record the notifier relies on; the rest passes through. */
const RecordSchema = z.looseObject({
  driftId: text,
  account: z.string().regex(/^\d{12}$/, 'an account id is 12 digits'),
  region: z.string().min(1).max(32),
  resourceType: text,
  resourceId: text,
  resourceArn: text.optional(),
  ruleId: text,
  title: text,
  severity: z.enum(SEVERITIES),
  area: z.string(),
  status: z.enum(DriftStatuses),
  lastSeen: text,
  occurrences: z.number().int().min(0),
  lastEventId: text,
  owner: text.optional(),
  packVersion: z.string(),
  lastTransition: z.looseObject({ kind: z.enum(TransitionKinds), eventId: text, at: text }).optional(),
});

/** `detail` of a transition event on the tpguard bus. */
export const DriftTransitionSchema = z.looseObject({
  kind: z.enum(TransitionKinds),
  eventId: text,
  eventTime: text,
  record: RecordSchema,
  evidence: z.record(z.string(), z.unknown()).optional(),
});

const DETAIL_TYPE_KIND: ReadonlyMap<string, string> = new Map(
  Object.entries(TRANSITION_DETAIL_TYPES).map(([k, v]) => [v, k]),
);

/**
 * The transition carried by an EventBridge event from the tpguard bus (or a bare transition).
 * Throws {@link InvalidTransitionError} with the first problem; such an event is never retried.
 * @example parseTransitionEvent({ source: 'tpguard', 'detail-type': 'Drift Opened', detail })
 */
export function parseTransitionEvent(event: unknown): DriftTransition {
  if (!isRecord(event)) throw new InvalidTransitionError('the event is not an object');
  const enveloped = 'detail' in event;
  if (enveloped && event.source !== TPGUARD_EVENT_SOURCE)
    throw new InvalidTransitionError(`source ${String(event.source)} is not ${TPGUARD_EVENT_SOURCE}`);
  const parsed = DriftTransitionSchema.safeParse(enveloped ? event.detail : event);
  if (!parsed.success) throw new InvalidTransitionError(formatIssue(parsed.error.issues[0]!));
  const detailType = event['detail-type'];
  if (enveloped && typeof detailType === 'string' && DETAIL_TYPE_KIND.get(detailType) !== parsed.data.kind) {
    throw new InvalidTransitionError(`detail-type "${detailType}" does not match kind ${parsed.data.kind}`);
  }
  return parsed.data as unknown as DriftTransition;
}

/** A transition a group names: bounded text, nothing else is read from it (the store says the rest). */
const RefSchema = z.looseObject({
  driftId: text,
  kind: z.enum(TransitionKinds),
  eventId: text,
  eventTime: text,
  republished: z.boolean().optional(),
});

/** `detail` of a `Drift Transitions` event: at most {@link MAX_GROUP_SIZE} transitions. */
export const TransitionGroupSchema = z.looseObject({
  eventId: text,
  owner: text,
  transitions: z.array(RefSchema).min(1).max(MAX_GROUP_SIZE),
});

/** A transition named on the bus, and whether a duplicate delivery published it again. */
export type NamedTransition = TransitionClaim & { republished?: boolean };

/**
 * The transitions a tpguard bus event names: the members of a `Drift Transitions` group, or the one
 * transition of a `Drift Opened|...` event (still accepted: events in flight or in the dead-letter
 * queue from before groups, and the operator's own transitions). Throws {@link InvalidTransitionError}.
 * @example parseNotifyEvent({ source: 'tpguard', 'detail-type': 'Drift Transitions', detail: group }).length
 */
export function parseNotifyEvent(event: unknown): NamedTransition[] {
  if (!isRecord(event) || event['detail-type'] !== TRANSITION_GROUP_DETAIL_TYPE) {
    const t = parseTransitionEvent(event);
    return [
      {
        driftId: t.record.driftId,
        kind: t.kind,
        eventId: t.eventId,
        eventTime: t.eventTime,
        ...(t.republished ? { republished: true } : {}),
      },
    ];
  }
  if (event.source !== TPGUARD_EVENT_SOURCE)
    throw new InvalidTransitionError(`source ${String(event.source)} is not ${TPGUARD_EVENT_SOURCE}`);
  const parsed = TransitionGroupSchema.safeParse(event.detail);
  if (!parsed.success) throw new InvalidTransitionError(formatIssue(parsed.error.issues[0]!));
  return parsed.data.transitions.map((r) => ({
    driftId: r.driftId,
    kind: r.kind,
    eventId: r.eventId,
    eventTime: r.eventTime,
    ...(r.republished ? { republished: true } : {}),
  }));
}

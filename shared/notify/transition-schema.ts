import * as z from 'zod';
import { formatIssue } from '../config/index.js';
import {
  DriftStatuses,
  TPGUARD_EVENT_SOURCE,
  TRANSITION_DETAIL_TYPES,
  TransitionKinds,
  type DriftTransition,
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

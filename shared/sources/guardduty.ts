import * as z from 'zod';
import { isRecord, rec, str } from '../kernel/index.js';
import { syntheticId, tagsFromList } from './cloudtrail.js';
import { defineSource, type PatternDraft, pascal, sortedUnique } from './definition.js';
import { UnsupportedEventError } from './errors.js';
import { toIsoTime, UNKNOWN_TIME } from './time.js';
import type { Actor, Observation, ResourceRef } from './types.js';

export const GUARDDUTY_FINDING = 'GuardDuty Finding';
export const GUARDDUTY_MALWARE_SCAN = 'GuardDuty Malware Protection Object Scan Result';

function bucketResources(resource: Record<string, unknown>): ResourceRef[] {
  const buckets = Array.isArray(resource.s3BucketDetails) ? resource.s3BucketDetails : [];
  return buckets.flatMap((b): ResourceRef[] => {
    const name = str(b, 'name');
    if (!name) return [];
    const ref: ResourceRef = { type: 's3-bucket', id: name, name, arn: str(b, 'arn') ?? `arn:aws:s3:::${name}` };
    const tags = tagsFromList(isRecord(b) ? b.tags : undefined);
    if (tags) ref.tags = tags;
    return [ref];
  });
}

function principalResource(resource: Record<string, unknown>, account: string): ResourceRef[] {
  const key = rec(resource, 'accessKeyDetails');
  const userName = str(key, 'userName');
  if (!userName) return [];
  const userType = str(key, 'userType');
  if (userType === 'AssumedRole' || userType === 'Role') {
    return [{ type: 'iam-role', id: userName, name: userName, arn: `arn:aws:iam::${account}:role/${userName}` }];
  }
  if (userType === 'IAMUser')
    return [{ type: 'iam-user', id: userName, name: userName, arn: `arn:aws:iam::${account}:user/${userName}` }];
  return [];
}

function instanceResource(resource: Record<string, unknown>, account: string, region: string): ResourceRef[] {
  const inst = rec(resource, 'instanceDetails');
  const id = str(inst, 'instanceId');
  if (!id) return [];
  const ref: ResourceRef = {
    type: 'ec2-instance',
    id,
    name: id,
    arn: `arn:aws:ec2:${region}:${account}:instance/${id}`,
  };
  const tags = tagsFromList(inst?.tags);
  if (tags) ref.tags = tags;
  return [ref];
}

/** The ARN of the principal whose credentials the finding is about, when its type says which. */
function principalArn(userType: string | undefined, userName: string, account: string): string | undefined {
  if (userType === 'AssumedRole' || userType === 'Role') return `arn:aws:iam::${account}:role/${userName}`;
  if (userType === 'IAMUser') return `arn:aws:iam::${account}:user/${userName}`;
  if (userType === 'Root') return `arn:aws:iam::${account}:root`;
  return undefined;
}

function actorOf(finding: Record<string, unknown>, account: string): Actor | undefined {
  const action = rec(rec(finding, 'service'), 'action');
  const call = rec(action, 'awsApiCallAction');
  const ip = str(rec(call, 'remoteIpDetails'), 'ipAddressV4');
  const key = rec(rec(finding, 'resource'), 'accessKeyDetails');
  const userType = str(key, 'userType');
  const actor: Actor = { sourceIp: ip, type: userType };
  const userName = str(key, 'userName');
  // `principalId` is an id (AROA...:session), not an ARN: rules match actor.arn with ARN globs.
  if (userName) actor.arn = principalArn(userType, userName, account);
  if (!actor.arn) delete actor.arn;
  if (actor.sourceIp === undefined) delete actor.sourceIp;
  if (actor.type === undefined) delete actor.type;
  return Object.keys(actor).length > 0 ? actor : undefined;
}

/**
 * Normalizes a GuardDuty finding (the `detail` of "GuardDuty Finding", or a raw exported finding).
 * The affected resources come from `resource.s3BucketDetails[]`, `instanceDetails` and `accessKeyDetails`.
 */
export function normalizeGuardDutyFinding(
  finding: Record<string, unknown>,
  envelope?: Record<string, unknown>,
): Observation {
  const type = str(finding, 'type');
  if (!type) {
    const hint = typeof finding.Type === 'string' ? ' (PascalCase SDK shape; EventBridge findings are camelCase)' : '';
    throw new UnsupportedEventError(`GuardDuty finding without type${hint}`);
  }
  // Some findings (IAM ones without an access key) name no resource: they still are observations.
  const resource = rec(finding, 'resource') ?? {};
  const account = str(finding, 'accountId') || str(envelope, 'account') || 'unknown';
  const region = str(finding, 'region') || str(envelope, 'region') || 'unknown';
  const updatedAt = toIsoTime(finding.updatedAt);
  const findingId = str(finding, 'id');
  return {
    eventId: str(envelope, 'id') || (findingId ? `${findingId}@${updatedAt ?? ''}` : syntheticId('gd', finding)),
    eventTime: updatedAt ?? toIsoTime(envelope?.time) ?? toIsoTime(finding.createdAt) ?? UNKNOWN_TIME,
    source: 'guardduty',
    account,
    region,
    actor: actorOf(finding, account),
    resources: [
      ...bucketResources(resource),
      ...instanceResource(resource, account, region),
      ...principalResource(resource, account),
    ],
    trigger: { detailType: GUARDDUTY_FINDING, findingType: type },
    detail: finding,
    raw: envelope ?? finding,
  };
}

/** Normalizes "GuardDuty Malware Protection Object Scan Result" (Malware Protection for S3). */
export function normalizeMalwareScan(detail: Record<string, unknown>, envelope: Record<string, unknown>): Observation {
  const object = rec(detail, 's3ObjectDetails');
  const bucket = str(object, 'bucketName');
  if (!bucket) throw new UnsupportedEventError('malware scan result without s3ObjectDetails.bucketName');
  return {
    eventId: str(envelope, 'id') || syntheticId('gdm', detail),
    eventTime: toIsoTime(envelope.time) ?? UNKNOWN_TIME,
    source: 'guardduty',
    account: str(envelope, 'account') || 'unknown',
    region: str(envelope, 'region') || 'unknown',
    resources: [{ type: 's3-bucket', id: bucket, name: bucket, arn: `arn:aws:s3:::${bucket}` }],
    trigger: { detailType: GUARDDUTY_MALWARE_SCAN },
    detail,
    raw: envelope,
  };
}

/** True when an object without envelope looks like a GuardDuty finding. */
export function isRawFinding(v: Record<string, unknown>): boolean {
  return typeof v.schemaVersion === 'string' && typeof v.type === 'string' && isRecord(v.service);
}

const guardDutyTrigger = z.strictObject({
  source: z.literal('guardduty'),
  detailType: z.enum([GUARDDUTY_FINDING, GUARDDUTY_MALWARE_SCAN]).default(GUARDDUTY_FINDING),
  /** Finding types; a trailing `*` matches by prefix. Required for "GuardDuty Finding". */
  findingType: z.array(z.string().min(1)).min(1).optional(),
});
type GuardDutyTrigger = z.infer<typeof guardDutyTrigger>;

function findingTypeFilter(types: Iterable<string>): unknown[] {
  return sortedUnique(types).map((t) => (t.endsWith('*') ? { prefix: t.slice(0, -1) } : t));
}

function guardDutyPatterns(triggers: readonly GuardDutyTrigger[]): PatternDraft[] {
  const findings = triggers.flatMap((on) => on.findingType ?? []);
  const others = sortedUnique(triggers.filter((on) => !on.findingType).map((on) => on.detailType));
  const out: PatternDraft[] = [];
  if (findings.length > 0) {
    out.push({
      name: 'GuardDutyFinding',
      pattern: {
        source: ['aws.guardduty'],
        'detail-type': [GUARDDUTY_FINDING],
        detail: { type: findingTypeFilter(findings) },
      },
    });
  }
  for (const dt of others)
    out.push({
      name: `GuardDuty${pascal(dt.replace('GuardDuty ', ''))}`,
      pattern: { source: ['aws.guardduty'], 'detail-type': [dt] },
    });
  return out;
}

/** GuardDuty findings (EventBridge and exported) and Malware Protection for S3 scan results. */
export const guarddutySource = defineSource({
  name: 'guardduty',
  source: 'guardduty',
  detailTypes: { [GUARDDUTY_FINDING]: normalizeGuardDutyFinding, [GUARDDUTY_MALWARE_SCAN]: normalizeMalwareScan },
  raw: { matches: isRawFinding, normalize: (finding) => normalizeGuardDutyFinding(finding) },
  trigger: guardDutyTrigger,
  example: { source: 'guardduty', detailType: GUARDDUTY_FINDING, findingType: ['Exfiltration:S3/*'] },
  checkTrigger(on) {
    if (on.detailType === GUARDDUTY_FINDING && !on.findingType)
      return [`on.findingType is required for "${GUARDDUTY_FINDING}" (no catch-all triggers)`];
    // Such a rule would be indexed by finding type, which scan results do not have: it could never match.
    if (on.detailType !== GUARDDUTY_FINDING && on.findingType)
      return [`on.findingType only applies to "${GUARDDUTY_FINDING}", not "${on.detailType}"`];
    return [];
  },
  triggerKeys: (on) =>
    on.findingType
      ? on.findingType.map((t) =>
          t.endsWith('*') ? { key: `gd|${t.slice(0, -1)}`, prefix: true } : { key: `gd|${t}`, prefix: false },
        )
      : [{ key: `dt|${on.detailType}`, prefix: false }],
  observationKey: (t) => (t.findingType !== undefined ? `gd|${t.findingType}` : `dt|${t.detailType}`),
  describeTrigger: (on) => (on.findingType ? `guardduty ${on.findingType.join(',')}` : `guardduty "${on.detailType}"`),
  patterns: guardDutyPatterns,
  route: { target: 'guardduty', functionKey: 'ingestGuardduty' },
  wrap: (obs) => ({ 'detail-type': GUARDDUTY_FINDING, source: 'aws.guardduty', detail: obs.detail }),
});

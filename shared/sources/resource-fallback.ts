import { isRecord, parseJson, str } from '../kernel/index.js';
import type { ResourceRef } from './types.js';

/**
 * Where a CloudTrail record names its resource when `requestParameters` does not: calls that take
 * another handle (CreateModelPackage with only a group name, AuthorizeSecurityGroupIngress with a
 * group name), minimal records. Tried in order, and only for a type the request did not give:
 * 1. `responseElements` members (`modelPackageArn`, `securityGroupRuleSet.items[].groupId`, `keyId`);
 * 2. ARNs in CloudTrail's `resources[]`, then anywhere in `responseElements`;
 * 3. the ARN in the `Resource` of the resource policy the call sets (bucket, key, repository);
 * 4. a weaker handle of the request (`groupName`).
 * Only a resource of the service's own kinds, recognized by its ARN, is taken.
 */

interface ArnKind {
  type: string;
  /** Group 1 is the canonical id; without a group the whole ARN is the id. */
  match: RegExp;
}

const P = 'arn:aws[\\w-]*';
const kind = (type: string, re: string): ArnKind => ({ type, match: new RegExp(`^${P}:${re}$`) });

const S3_BUCKET = kind('s3-bucket', 's3:::([^/]+)(?:/.*)?');
const KMS_KEY: ArnKind = {
  type: 'kms-key',
  match: new RegExp(`^${P}:kms:[^:]*:\\d{12}:(?:key/)?((?:alias/)?[^:]+)$`),
};
const IAM_ROLE = kind('iam-role', 'iam::\\d{12}:role/(?:[^:]*/)?([^/:]+)');
const IAM_USER = kind('iam-user', 'iam::\\d{12}:user/(?:[^:]*/)?([^/:]+)');
const ECR_REPOSITORY = kind('ecr-repository', 'ecr:[^:]*:\\d{12}:repository/(.+)');
const SECURITY_GROUP = kind('security-group', 'ec2:[^:]*:\\d{12}:security-group/(sg-[0-9a-f]+)');
const TRAIL = kind('cloudtrail-trail', 'cloudtrail:[^:]*:\\d{12}:trail/(.+)');
const LAMBDA = kind('lambda-function', 'lambda:[^:]*:\\d{12}:function:([^:]+)(?::.*)?');
const TABLE = kind('dynamodb-table', 'dynamodb:[^:]*:\\d{12}:table/([^/]+)(?:/.*)?');
const EVENT_RULE = kind('eventbridge-rule', 'events:[^:]*:\\d{12}:rule/(?:[^/]+/)?([^/]+)');
/** Model packages keep their ARN as id, as a request's `modelPackageArn` gives it. */
const MODEL_PACKAGE = kind('sagemaker-model-package', 'sagemaker:[^:]*:\\d{12}:model-package/.+');

interface Fallback {
  kind: ArnKind;
  /** Members of `responseElements` that hold the id or the ARN (`[]` steps into a list's first item). */
  response?: readonly (readonly string[])[];
  /** Request members holding the resource policy the call sets. */
  policies?: readonly string[];
  /** A weaker handle of the request, used as the id as it is. */
  requestNames?: readonly string[];
}

const FALLBACKS: Readonly<Record<string, readonly Fallback[]>> = Object.assign(
  Object.create(null) as Record<string, readonly Fallback[]>,
  {
    's3.amazonaws.com': [{ kind: S3_BUCKET, policies: ['bucketPolicy', 'policy'] }],
    'kms.amazonaws.com': [{ kind: KMS_KEY, response: [['keyId'], ['keyMetadata', 'keyId']], policies: ['policy'] }],
    'iam.amazonaws.com': [
      { kind: IAM_ROLE, response: [['role', 'roleName']] },
      { kind: IAM_USER, response: [['user', 'userName']] },
    ],
    'ecr.amazonaws.com': [
      {
        kind: ECR_REPOSITORY,
        response: [['repositoryName'], ['repository', 'repositoryName']],
        policies: ['policyText'],
      },
    ],
    'ec2.amazonaws.com': [
      {
        kind: SECURITY_GROUP,
        response: [['securityGroupRuleSet', 'items', '[]', 'groupId'], ['groupId']],
        requestNames: ['groupName'],
      },
    ],
    'sagemaker.amazonaws.com': [{ kind: MODEL_PACKAGE, response: [['modelPackageArn']] }],
    'cloudtrail.amazonaws.com': [{ kind: TRAIL, response: [['trailARN'], ['name']] }],
    'lambda.amazonaws.com': [{ kind: LAMBDA, response: [['functionArn'], ['functionName']] }],
    'dynamodb.amazonaws.com': [{ kind: TABLE, response: [['tableDescription', 'tableName']] }],
    'events.amazonaws.com': [{ kind: EVENT_RULE, response: [['ruleArn']] }],
  },
);

/** Strings looked at in a response: enough for any API response, bounded for hostile ones. */
const MAX_STRINGS = 500;
const MAX_DEPTH = 6;
/** Largest policy document parsed for its `Resource`. */
const MAX_POLICY_BYTES = 64 * 1024;

function at(value: unknown, path: readonly string[]): string | undefined {
  let cur = value;
  for (const step of path) {
    if (step === '[]') cur = Array.isArray(cur) ? cur[0] : undefined;
    else cur = isRecord(cur) ? cur[step] : undefined;
  }
  return typeof cur === 'string' && cur !== '' ? cur : undefined;
}

/** String values of a value, breadth-first, bounded in count and depth. */
function stringsIn(value: unknown): string[] {
  const out: string[] = [];
  let level: unknown[] = [value];
  for (let depth = 0; depth <= MAX_DEPTH && level.length > 0 && out.length < MAX_STRINGS; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) next.push(...v.slice(0, MAX_STRINGS));
      else if (isRecord(v)) next.push(...Object.values(v).slice(0, MAX_STRINGS));
      if (out.length >= MAX_STRINGS) break;
    }
    level = next;
  }
  return out;
}

/** The `Resource` entries of a policy given as object or JSON string. */
function policyResources(policy: unknown): string[] {
  let doc = policy;
  if (typeof policy === 'string' && policy.length <= MAX_POLICY_BYTES && policy.trim().startsWith('{')) {
    try {
      doc = parseJson(policy);
    } catch {
      return [];
    }
  }
  if (!isRecord(doc)) return [];
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.flatMap((s) =>
    isRecord(s) ? (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).filter((r) => typeof r === 'string') : [],
  );
}

function fromArn(k: ArnKind, arn: string): ResourceRef | undefined {
  const m = k.match.exec(arn);
  if (!m) return undefined;
  const id = m[1] ?? arn;
  return { type: k.type, id, name: id.split(/[:/]/).pop(), arn };
}

function firstOf(k: ArnKind, candidates: Iterable<string>): ResourceRef | undefined {
  for (const c of candidates) {
    const ref = fromArn(k, c);
    if (ref) return ref;
  }
  return undefined;
}

function fallbackFor(
  f: Fallback,
  req: Record<string, unknown>,
  resp: unknown,
  listed: readonly string[],
): ResourceRef | undefined {
  for (const path of f.response ?? []) {
    const v = at(resp, path);
    if (v === undefined) continue;
    if (!v.startsWith('arn:')) return { type: f.kind.type, id: v, name: v };
    const ref = fromArn(f.kind, v);
    if (ref) return ref;
  }
  const arn =
    firstOf(f.kind, listed) ??
    firstOf(
      f.kind,
      stringsIn(resp).filter((s) => s.startsWith('arn:')),
    ) ??
    firstOf(
      f.kind,
      (f.policies ?? []).flatMap((p) => policyResources(req[p])),
    );
  if (arn) return arn;
  for (const key of f.requestNames ?? []) {
    const v = str(req, key);
    if (v) return { type: f.kind.type, id: v, name: v };
  }
  return undefined;
}

/**
 * The resources of a CloudTrail record that its request did not name, found elsewhere in it.
 * @example fallbackResources(record, 'sagemaker.amazonaws.com', []) // [{ type: 'sagemaker-model-package', id: 'arn:...', ... }]
 */
export function fallbackResources(
  record: Record<string, unknown>,
  eventSource: string,
  found: readonly ResourceRef[],
): ResourceRef[] {
  const fallbacks = FALLBACKS[eventSource] ?? [];
  const missing = fallbacks.filter((f) => !found.some((r) => r.type === f.kind.type));
  if (missing.length === 0) return [];
  const req = isRecord(record.requestParameters) ? record.requestParameters : {};
  const listed = (Array.isArray(record.resources) ? record.resources : [])
    .map((r) => str(r, 'ARN') ?? str(r, 'arn'))
    .filter((a): a is string => a !== undefined);
  return missing.flatMap((f) => fallbackFor(f, req, record.responseElements, listed) ?? []);
}

import { createHash } from 'node:crypto';
import * as z from 'zod';
import { isRecord, MAX_ARN, parseArn, rec, str } from '../kernel/index.js';
import { addAll, defineSource, type PatternDraft, pascal, sortedUnique } from './definition.js';
import { UnsupportedEventError } from './errors.js';
import { fallbackResources } from './resource-fallback.js';
import { toIsoTime, UNKNOWN_TIME } from './time.js';
import type { Actor, Observation, ResourceRef } from './types.js';

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

type Extractor = (req: Record<string, unknown>, account: string, region: string) => ResourceRef | undefined;

/**
 * A request parameter that names a resource, and how to build its ARN. `fromArn` gives the
 * canonical id when the parameter holds an ARN, so that a resource named by ARN in one call
 * and by name in another (Lambda functions, KMS keys, trails) is one drift record.
 */
function param(
  key: string,
  type: string,
  arn?: (id: string, account: string, region: string) => string,
  fromArn?: (arn: string) => string | undefined,
): Extractor {
  return (req, account, region) => {
    const raw = str(req, key);
    if (!raw) return undefined;
    // Longer than any ARN or name AWS accepts: kept as it is, evaluation reports it (never parsed).
    if (raw.length > MAX_ARN) return { type, id: raw, name: raw };
    const isArn = raw.startsWith('arn:');
    const id = (isArn && fromArn?.(raw)) || raw;
    const ref: ResourceRef = { type, id, name: lastName(id) };
    if (isArn) ref.arn = raw;
    else if (arn) ref.arn = arn(id, account, region);
    return ref;
  };
}

/** The name in an id that holds colons (an ARN): the part after its last `:` or `/`; other ids as they are. */
function lastName(id: string): string {
  return id.includes(':') ? id.slice(Math.max(id.lastIndexOf(':'), id.lastIndexOf('/')) + 1) : id;
}

/** Canonical ids from ARNs: `key/<id>` and `alias/<name>`, `function:<name>`, `trail/<name>`, `rule/[bus/]<name>`. */
function kmsIdFromArn(a: string): string | undefined {
  const resource = parseArn(a)?.resource;
  if (resource?.startsWith('key/')) return resource.slice(4) || undefined;
  return resource?.startsWith('alias/') && resource.length > 6 ? resource : undefined;
}
function lambdaNameFromArn(a: string): string | undefined {
  const resource = parseArn(a)?.resource;
  return resource?.startsWith('function:') ? resource.split(':')[1] || undefined : undefined;
}

/**
 * A Lambda function as its request names it: `name`, `name:qualifier` (a version or alias),
 * `123456789012:function:name[:qualifier]` or a full ARN, keyed by the function name (the
 * qualifier is not another function: `tpguard-prod-notify:live` is `tpguard-prod-notify`).
 */
function lambdaFunction(req: Record<string, unknown>, account: string, region: string): ResourceRef | undefined {
  const raw = str(req, 'functionName');
  if (!raw) return undefined;
  if (raw.length > MAX_ARN) return { type: 'lambda-function', id: raw, name: raw };
  const parts = raw.split(':');
  const name = raw.startsWith('arn:') ? lambdaNameFromArn(raw) : parts[1] === 'function' ? parts[2] : parts[0];
  if (!name) return { type: 'lambda-function', id: raw, name: raw };
  const arn = raw.startsWith('arn:') ? raw : `arn:aws:lambda:${region}:${account}:function:${name}`;
  return { type: 'lambda-function', id: name, name, arn };
}

/**
 * An EventBridge rule, keyed by its bus and name: `<bus>/<name>`, the bare name on the default bus.
 * A rule of the same name on another bus is another rule (enabling a decoy on `decoy-bus` must not
 * resolve the drift of tpguard's own rule). `name` (PutRule, EnableRule...) or `rule` (PutTargets).
 */
function eventBridgeRule(req: Record<string, unknown>, account: string, region: string): ResourceRef | undefined {
  const name = str(req, 'name') ?? str(req, 'rule');
  if (!name) return undefined;
  if (name.length > MAX_ARN) return { type: 'eventbridge-rule', id: name, name };
  const given = str(req, 'eventBusName') ?? 'default';
  const arnBus = parseArn(given)?.resource;
  const bus = arnBus?.startsWith('event-bus/') ? arnBus.slice('event-bus/'.length) : given;
  const id = bus === 'default' || bus === '' ? name : `${bus}/${name}`;
  return { type: 'eventbridge-rule', id, name, arn: `arn:aws:events:${region}:${account}:rule/${id}` };
}
const lastSegment = (a: string) => a.split('/').pop();

const sm = (kind: string) => (id: string, a: string, r: string) =>
  `arn:aws:sagemaker:${r}:${a}:${kind}/${id.toLowerCase()}`;

/**
 * Where each service's requests name the resources they touch. Rules get these as
 * `resource`; a rule can still compute another id with its own expression.
 */
const EXTRACTORS: Record<string, Extractor[]> = Object.assign(Object.create(null) as Record<string, Extractor[]>, {
  's3.amazonaws.com': [param('bucketName', 's3-bucket', (id) => `arn:aws:s3:::${id}`)],
  'ecr.amazonaws.com': [
    param('repositoryName', 'ecr-repository', (id, a, r) => `arn:aws:ecr:${r}:${a}:repository/${id}`),
    (_req: Record<string, unknown>, a: string) => ({ type: 'ecr-registry', id: a, name: a }),
  ],
  'iam.amazonaws.com': [
    param('roleName', 'iam-role', (id, a) => `arn:aws:iam::${a}:role/${id}`),
    param('userName', 'iam-user', (id, a) => `arn:aws:iam::${a}:user/${id}`),
  ],
  'kms.amazonaws.com': [param('keyId', 'kms-key', undefined, kmsIdFromArn)],
  'ec2.amazonaws.com': [param('groupId', 'security-group', (id, a, r) => `arn:aws:ec2:${r}:${a}:security-group/${id}`)],
  'cloudtrail.amazonaws.com': [
    param('name', 'cloudtrail-trail', undefined, lastSegment),
    param('trailName', 'cloudtrail-trail', undefined, lastSegment),
  ],
  'sagemaker.amazonaws.com': [
    param('trainingJobName', 'sagemaker-training-job', sm('training-job')),
    param('processingJobName', 'sagemaker-processing-job', sm('processing-job')),
    param('hyperParameterTuningJobName', 'sagemaker-tuning-job', sm('hyper-parameter-tuning-job')),
    param('pipelineName', 'sagemaker-pipeline', sm('pipeline')),
    param('modelPackageArn', 'sagemaker-model-package'),
    param('modelPackageName', 'sagemaker-model-package'),
    param('notebookInstanceName', 'sagemaker-notebook-instance', sm('notebook-instance')),
  ],
  'bedrock.amazonaws.com': [
    param(
      'jobName',
      'bedrock-customization-job',
      (id, a, r) => `arn:aws:bedrock:${r}:${a}:model-customization-job/${id}`,
    ),
    (_req: Record<string, unknown>, a: string) => ({ type: 'bedrock-logging', id: a, name: a }),
  ],
  'guardduty.amazonaws.com': [param('detectorId', 'guardduty-detector')],
  'config.amazonaws.com': [
    param('configurationRecorderName', 'config-recorder'),
    param('deliveryChannelName', 'config-delivery-channel'),
    (req: Record<string, unknown>) => {
      const name = str(rec(req, 'deliveryChannel'), 'name');
      return name ? { type: 'config-delivery-channel', id: name, name } : undefined;
    },
  ],
  'events.amazonaws.com': [eventBridgeRule],
  'lambda.amazonaws.com': [lambdaFunction],
  'dynamodb.amazonaws.com': [
    param('tableName', 'dynamodb-table', (id, a, r) => `arn:aws:dynamodb:${r}:${a}:table/${id}`),
  ],
});

/** Tags in request parameters: `[{key, value}]` (SageMaker) or `[{Key, Value}]`. */
export function tagsFromList(list: unknown): Record<string, string> | undefined {
  if (!Array.isArray(list)) return undefined;
  const tags: Record<string, string> = {};
  for (const t of list) {
    const k = str(t, 'key') ?? str(t, 'Key');
    const v = str(t, 'value') ?? str(t, 'Value');
    if (k !== undefined && v !== undefined && k !== '__proto__') tags[k] = v;
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

function actorOf(record: Record<string, unknown>): Actor | undefined {
  const ui = rec(record, 'userIdentity');
  const actor: Actor = {};
  if (ui) {
    actor.arn = str(ui, 'arn');
    actor.type = str(ui, 'type');
    actor.accountId = str(ui, 'accountId');
    actor.sessionIssuerArn = str(rec(rec(ui, 'sessionContext'), 'sessionIssuer'), 'arn');
  }
  actor.sourceIp = str(record, 'sourceIPAddress');
  actor.userAgent = str(record, 'userAgent');
  return Object.values(actor).some((v) => v !== undefined) ? actor : undefined;
}

function resourcesOf(
  record: Record<string, unknown>,
  eventSource: string,
  account: string,
  region: string,
): ResourceRef[] {
  const req = rec(record, 'requestParameters') ?? {};
  const out: ResourceRef[] = [];
  for (const extract of EXTRACTORS[eventSource] ?? []) {
    const ref = extract(req, account, region);
    if (ref && !out.some((r) => r.type === ref.type && r.id === ref.id)) out.push(ref);
  }
  // Not named by the request: its response, CloudTrail's resources[], the policy it sets.
  out.push(...fallbackResources(record, eventSource, out));
  const tags = tagsFromList(req.tags ?? req.Tags);
  if (tags && out[0]) out[0].tags = tags;
  // CloudTrail's own resources[] carries ARNs (KMS keys, for one): attach them.
  const listed = Array.isArray(record.resources) ? record.resources : [];
  for (const r of listed) {
    const arn = str(r, 'ARN') ?? str(r, 'arn');
    const match = arn ? out.find((o) => !o.arn && arn.endsWith(o.id)) : undefined;
    if (match && arn) match.arn = arn;
  }
  return out;
}

/** A stable id for a record that has no eventID (minimal samples, some exports). */
export function syntheticId(prefix: string, value: unknown): string {
  return `${prefix}-${createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24)}`;
}

/**
 * Normalizes one CloudTrail record (raw, or the `detail` of an EventBridge event).
 * @example normalizeCloudTrail(record) // { source: 'cloudtrail', trigger: { eventName: 'StopLogging', ... }, ... }
 */
export function normalizeCloudTrail(record: Record<string, unknown>, envelope?: Record<string, unknown>): Observation {
  const eventSource = str(record, 'eventSource');
  const eventName = str(record, 'eventName');
  if (!eventSource || !eventName) throw new UnsupportedEventError('CloudTrail record without eventSource/eventName');
  if (
    record.requestParameters !== undefined &&
    record.requestParameters !== null &&
    !isRecord(record.requestParameters)
  ) {
    throw new UnsupportedEventError('CloudTrail requestParameters is not an object');
  }
  // `||`, not `??`: an empty string is as good as absent (found by the fuzz tests).
  const account =
    str(record, 'recipientAccountId') ||
    str(envelope, 'account') ||
    str(rec(record, 'userIdentity'), 'accountId') ||
    'unknown';
  const region = str(record, 'awsRegion') || str(envelope, 'region') || 'unknown';
  const obs: Observation = {
    eventId: str(envelope, 'id') || str(record, 'eventID') || syntheticId('ct', record),
    eventTime: toIsoTime(record.eventTime) ?? toIsoTime(envelope?.time) ?? UNKNOWN_TIME,
    source: 'cloudtrail',
    account,
    region,
    actor: actorOf(record),
    resources: resourcesOf(record, eventSource, account, region),
    trigger: { detailType: str(envelope, 'detail-type') ?? CLOUDTRAIL_DETAIL_TYPE, eventSource, eventName },
    detail: record,
    raw: envelope ?? record,
  };
  const errorCode = str(record, 'errorCode');
  if (errorCode) obs.errorCode = errorCode;
  return obs;
}

/** True when a JSON object looks like a CloudTrail record. */
export function isCloudTrailRecord(v: Record<string, unknown>): boolean {
  return (
    typeof v.eventSource === 'string' &&
    typeof v.eventName === 'string' &&
    (v.eventSource as string).endsWith('.amazonaws.com')
  );
}

/** The index key of a CloudTrail call: the scan's pre-filter asks the index for it per record. */
export function cloudTrailKey(eventSource: string | undefined, eventName: string | undefined): string {
  return `ct|${eventSource}|${eventName}`;
}

const cloudTrailTrigger = z.strictObject({
  source: z.literal('cloudtrail'),
  eventSource: z
    .string()
    .regex(/^[a-z0-9-]+\.amazonaws\.com$/, 'eventSource is a service host such as s3.amazonaws.com'),
  eventName: z.array(z.string().min(1)).min(1),
  /** Failed calls (`errorCode`) are evaluated only when a rule says so. */
  includeFailed: z.boolean().default(false),
});

/** CloudTrail management events: EventBridge deliveries and raw records of log files. */
export const cloudtrailSource = defineSource({
  name: 'cloudtrail',
  source: 'cloudtrail',
  detailTypes: {
    [CLOUDTRAIL_DETAIL_TYPE]: normalizeCloudTrail,
    'AWS Service Event via CloudTrail': normalizeCloudTrail,
    'AWS Console Sign In via CloudTrail': normalizeCloudTrail,
  },
  raw: { matches: isCloudTrailRecord, normalize: (record) => normalizeCloudTrail(record) },
  trigger: cloudTrailTrigger,
  example: {
    source: 'cloudtrail',
    eventSource: 's3.amazonaws.com',
    eventName: ['PutBucketPolicy', 'DeleteBucketPolicy'],
    includeFailed: false,
  },
  triggerKeys: (on) => on.eventName.map((name) => ({ key: cloudTrailKey(on.eventSource, name), prefix: false })),
  observationKey: (t) => cloudTrailKey(t.eventSource, t.eventName),
  describeTrigger: (on) => `cloudtrail ${on.eventSource} ${on.eventName.join(',')}`,
  /** One pattern per service; CloudTrail patterns always list their eventNames (never a catch-all). */
  patterns(triggers): PatternDraft[] {
    const byHost = new Map<string, Set<string>>();
    for (const on of triggers) addAll(byHost, on.eventSource, on.eventName);
    return sortedUnique(byHost.keys()).map((host) => {
      const service = host.replace('.amazonaws.com', '');
      return {
        name: `CloudTrail${pascal(service)}`,
        pattern: {
          source: [`aws.${service}`],
          'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
          detail: { eventSource: [host], eventName: sortedUnique(byHost.get(host) ?? []) },
        },
      };
    });
  },
  route: { target: 'cloudtrail', functionKey: 'ingestCloudtrail' },
  wrap: (obs) => ({
    'detail-type': CLOUDTRAIL_DETAIL_TYPE,
    source: `aws.${(obs.trigger.eventSource ?? 'unknown').replace('.amazonaws.com', '')}`,
    detail: obs.detail,
  }),
});

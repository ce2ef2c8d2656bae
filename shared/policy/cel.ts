import { Environment } from '@marcbachmann/cel-js';
import { globAny, globMatch } from '../kernel/index.js';
import { imageApproved, parseImage } from './functions/image.js';
import { isWorldCidr, opensToWorld, s3BucketOf, worldOpenings } from './functions/network.js';
import { recorderSkips } from './functions/config-recorder.js';
import {
  policyAllowedActions,
  policyAllowsOnAnyResource,
  policyForeignAccounts,
  policyForeignOrganizations,
  policyIsPublic,
} from './functions/policy-document.js';
import { isSecretLike, secretKeys } from '../kernel/index.js';
import { logsManagementWrites } from './functions/cloudtrail.js';
import { configItem } from './functions/config-item.js';
import { isSampleFinding } from './functions/guardduty.js';
import { kmsKeyMatches } from './functions/kms.js';
import { callerMatches } from './functions/principal.js';
import { dataLocationApproved, s3AclIsPublic, s3Uris } from './functions/s3.js';
import { distributedTraining, tuningDefinitions } from './functions/sagemaker.js';
import { asList as listOf, parseJsonValue } from './functions/values.js';

/** The variables every rule condition can read. */
export const CEL_VARIABLES = {
  event: 'the original event (EventBridge envelope where there was one)',
  detail: 'the record: CloudTrail record, GuardDuty finding, configuration item or state-change detail',
  req: 'CloudTrail requestParameters ({} when absent)',
  resp: 'CloudTrail responseElements ({} when absent)',
  actor: 'who did it: arn, type, accountId, sourceIp, userAgent, sessionIssuerArn',
  resource: 'the resource evaluated: type, id, arn, name, tags',
  config: 'the scope and approved sections of tpguard.config.yaml',
  obs: 'eventId, eventTime, source, account, region, errorCode',
} as const;

/**
 * What a domain function reads of its first argument, for the path checks of `rules validate`:
 * - `view`: its result is the argument seen another way (`same`, as a `list`, the `configItem` view);
 * - `elements`: its result is a list of these sub-objects of the argument;
 * - `fields`: it reads these members (alternatives: a request has some of them);
 * - `whole`: it walks whatever it is given (not checkable by path).
 * Paths are dotted, `[]` for a list element. Kept beside each function's unit tests.
 */
export type FunctionReads =
  | { view: 'same' | 'list' | 'configItem' }
  | { elements: readonly string[] }
  | { fields: readonly string[] }
  | { whole: true };

export interface CelFunction {
  signature: string;
  handler: (...args: never[]) => unknown;
  description: string;
  reads?: FunctionReads;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The domain functions rules use; each is unit-tested in test/shared/policy/functions. */
export const CEL_FUNCTIONS: readonly CelFunction[] = [
  {
    signature: 'glob(string, string): bool',
    handler: (pattern: string, value: string) => globMatch(pattern, value),
    description: 'AWS wildcard match: glob(pattern, value)',
  },
  {
    signature: 'matchesAny(dyn, list): bool',
    handler: (v: unknown, l: unknown[]) => globAny(v, l),
    description: 'a value (or any of a list of values) matches one of the globs',
  },
  {
    signature: 'policyIsPublic(dyn): bool',
    handler: (d: unknown) => policyIsPublic(d),
    description: 'an Allow to * without a restricting condition',
    reads: { whole: true },
  },
  {
    signature: 'policyForeignAccounts(dyn, list): list',
    handler: (d: unknown, l: unknown[]) => policyForeignAccounts(d, asList(l)),
    description: 'accounts granted (as principals, or by a condition on a public or service principal) not in the list',
    reads: { whole: true },
  },
  {
    signature: 'policyForeignOrganizations(dyn, list): list',
    handler: (d: unknown, l: unknown[]) => policyForeignOrganizations(d, asList(l)),
    description: 'organizations a condition grants to that are not in the list ([] when the list is empty)',
    reads: { whole: true },
  },
  {
    signature: 'policyActions(dyn): list',
    handler: (d: unknown) => policyAllowedActions(d),
    description: 'actions of the Allow statements',
    reads: { whole: true },
  },
  {
    signature: 'policyAllowsOnAnyResource(dyn, string): bool',
    handler: (d: unknown, a: string) => policyAllowsOnAnyResource(d, a),
    description: 'an Allow of the action (NotAction included) on Resource "*" (or any NotResource)',
    reads: { whole: true },
  },
  {
    signature: 'policyAllowsOnAnyResource(dyn, string, string): bool',
    handler: (d: unknown, a: string, prefix: string) => policyAllowsOnAnyResource(d, a, prefix),
    description:
      'an Allow of the action on every resource whose ARN starts with the prefix (arn:aws:iam::*:role/* too)',
    reads: { whole: true },
  },
  {
    signature: 'secretKeys(dyn): list',
    handler: (m: unknown) => secretKeys(m),
    description: 'names of entries whose values look like secrets',
    reads: { whole: true },
  },
  {
    signature: 'isSecretLike(string, dyn): bool',
    handler: (n: string, v: unknown) => isSecretLike(n, v),
    description: 'a name/value pair that looks like a credential',
  },
  {
    signature: 'image(dyn): map',
    handler: (r: unknown) => ({ ...parseImage(r) }),
    description: 'registry, repository, tag, digest, pinned, ecr, account, region',
  },
  {
    signature: 'imageApproved(dyn, list): bool',
    handler: (r: unknown, l: unknown[]) => imageApproved(r, asList(l)),
    description:
      'an image reference matches an approved glob: registry host exactly (label by label), then repository, tag, digest',
  },
  { signature: 'isWorldCidr(dyn): bool', handler: (c: unknown) => isWorldCidr(c), description: 'any /0 prefix' },
  {
    signature: 'opensToWorld(dyn): bool',
    handler: (r: unknown) => opensToWorld(r),
    description: 'security-group request opens a rule to /0',
    reads: {
      fields: [
        'cidrIp',
        'cidrIpv6',
        'ipPermissions.items[].ipRanges.items[].cidrIp',
        'ipPermissions.items[].ipv6Ranges.items[].cidrIpv6',
      ],
    },
  },
  {
    signature: 'worldOpenings(dyn): list',
    handler: (r: unknown) => worldOpenings(r),
    description: 'what a security-group request opens to the internet: one `tcp 22-22 from 0.0.0.0/0` per entry',
    reads: {
      fields: [
        'cidrIp',
        'cidrIpv6',
        'ipProtocol',
        'fromPort',
        'toPort',
        'ipPermissions.items[].ipProtocol',
        'ipPermissions.items[].fromPort',
        'ipPermissions.items[].toPort',
        'ipPermissions.items[].ipRanges.items[].cidrIp',
        'ipPermissions.items[].ipv6Ranges.items[].cidrIpv6',
      ],
    },
  },
  {
    signature: 'recorderSkips(dyn, list): list',
    handler: (r: unknown, l: unknown[]) => recorderSkips(r, asList(l)),
    description: 'the listed Config resource types a PutConfigurationRecorder recording group does not record',
    reads: { whole: true },
  },
  {
    signature: 's3Bucket(dyn): string',
    handler: (u: unknown) => s3BucketOf(u),
    description: 'bucket of an s3:// URI or S3 ARN',
  },
  {
    signature: 's3Uris(dyn): list',
    handler: (v: unknown) => s3Uris(v),
    description:
      'every data location in a value: s3:// URIs and https S3 URLs as s3://bucket/key, and any other value of an s3Uri/s3OutputPath field',
    reads: { whole: true },
  },
  {
    signature: 'dataLocationApproved(dyn, list): bool',
    handler: (u: unknown, l: unknown[]) => dataLocationApproved(u, asList(l)),
    description: 'an s3:// location is in an approved s3://<bucket>/<key glob>: the bucket exactly, the key by glob',
  },
  {
    signature: 's3AclIsPublic(dyn): bool',
    handler: (r: unknown) => s3AclIsPublic(r),
    description: 'PutBucketAcl request grants to AllUsers/AuthenticatedUsers (canned ACL, grant header or grant)',
    reads: {
      fields: [
        'x-amz-acl',
        'x-amz-grant-read',
        'x-amz-grant-write',
        'x-amz-grant-read-acp',
        'x-amz-grant-write-acp',
        'x-amz-grant-full-control',
        'AccessControlPolicy.AccessControlList.Grant[].Grantee.URI',
      ],
    },
  },
  {
    signature: 'asList(dyn): list',
    handler: (v: unknown) => listOf(v),
    description: 'a list whatever the shape (XML bodies log one element as an object)',
    reads: { view: 'list' },
  },
  {
    signature: 'parseJson(dyn): dyn',
    handler: (v: unknown) => parseJsonValue(v),
    description: 'the value of a JSON string (also URL-encoded or encoded twice); other values unchanged',
    reads: { view: 'same' },
  },
  {
    signature: 'configItem(dyn): map',
    handler: (d: unknown) => ({ ...configItem(d) }),
    description: 'status, deleted, configuration, supplementary of a configuration item (decoded)',
    reads: { view: 'configItem' },
  },
  {
    signature: 'tuningDefinitions(dyn): list',
    handler: (r: unknown) => tuningDefinitions(r),
    description: 'trainingJobDefinition and every trainingJobDefinitions[] of a tuning job',
    reads: { elements: ['trainingJobDefinition', 'trainingJobDefinitions[]'] },
  },
  {
    signature: 'distributedTraining(dyn): bool',
    handler: (s: unknown) => distributedTraining(s),
    description: 'a job spec runs more than one instance',
    reads: {
      fields: [
        'resourceConfig.instanceCount',
        'resourceConfig.instanceGroups[].instanceCount',
        'hyperParameterTuningResourceConfig.instanceCount',
        'hyperParameterTuningResourceConfig.instanceConfigs[].instanceCount',
        'processingResources.clusterConfig.instanceCount',
      ],
    },
  },
  {
    signature: 'isSampleFinding(dyn): bool',
    handler: (f: unknown) => isSampleFinding(f),
    description: 'GuardDuty sample finding (service.additionalInfo.sample)',
    reads: { fields: ['service.additionalInfo.sample', 'service.additionalInfo.value'] },
  },
  {
    signature: 'callerMatches(dyn, list): bool',
    handler: (a: unknown, l: unknown[]) => callerMatches(a, asList(l)),
    description: 'the actor (session ARN or its role) matches one of the globs',
  },
  {
    signature: 'kmsKeyMatches(dyn, list, string, string): bool',
    handler: (k: unknown, l: unknown[], a: string, r: string) => kmsKeyMatches(k, asList(l), a, r),
    description: 'a key id, ARN or alias matches one of the globs: kmsKeyMatches(key, globs, account, region)',
  },
  {
    signature: 'logsManagementWrites(dyn): bool',
    handler: (r: unknown) => logsManagementWrites(r),
    description: 'PutEventSelectors request still logs write management events',
    reads: {
      fields: [
        'advancedEventSelectors[].fieldSelectors[].field',
        'advancedEventSelectors[].fieldSelectors[].equals',
        'eventSelectors[].includeManagementEvents',
        'eventSelectors[].readWriteType',
      ],
    },
  },
];

let shared: Environment | undefined;

/**
 * The CEL environment of the policy pack: the variables above, typed `map`, and the
 * domain functions. Built once per process.
 */
export function policyEnvironment(): Environment {
  if (shared) return shared;
  const env = new Environment({
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 5000, maxDepth: 64 },
  });
  for (const name of Object.keys(CEL_VARIABLES)) env.registerVariable(name, 'map');
  for (const fn of CEL_FUNCTIONS)
    env.registerFunction(fn.signature, fn.handler as (...args: unknown[]) => unknown, { description: fn.description });
  shared = env;
  return env;
}

import { Environment } from '@marcbachmann/cel-js';
import { globAny, globMatch } from './functions/glob.js';
import { parseImage } from './functions/image.js';
import { isWorldCidr, opensToWorld, s3BucketOf } from './functions/network.js';
import { policyAllowedActions, policyAllowsOnAnyResource, policyForeignAccounts, policyIsPublic } from './functions/policy-document.js';
import { isSecretLike, secretKeys } from './functions/secrets.js';

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

interface CelFunction {
  signature: string;
  handler: (...args: never[]) => unknown;
  description: string;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The domain functions rules use; each is unit-tested in test/shared/policy/functions. */
export const CEL_FUNCTIONS: readonly CelFunction[] = [
  { signature: 'glob(string, string): bool', handler: (pattern: string, value: string) => globMatch(pattern, value), description: 'AWS wildcard match: glob(pattern, value)' },
  { signature: 'matchesAny(dyn, list): bool', handler: (v: unknown, l: unknown[]) => globAny(v, l), description: 'a value (or any of a list of values) matches one of the globs' },
  { signature: 'policyIsPublic(dyn): bool', handler: (d: unknown) => policyIsPublic(d), description: 'an Allow to * without a restricting condition' },
  { signature: 'policyForeignAccounts(dyn, list): list', handler: (d: unknown, l: unknown[]) => policyForeignAccounts(d, asList(l)), description: 'accounts granted that are not in the list' },
  { signature: 'policyActions(dyn): list', handler: (d: unknown) => policyAllowedActions(d), description: 'actions of the Allow statements' },
  { signature: 'policyAllowsOnAnyResource(dyn, string): bool', handler: (d: unknown, a: string) => policyAllowsOnAnyResource(d, a), description: 'an Allow of the action on Resource "*"' },
  { signature: 'secretKeys(dyn): list', handler: (m: unknown) => secretKeys(m), description: 'names of entries whose values look like secrets' },
  { signature: 'isSecretLike(string, dyn): bool', handler: (n: string, v: unknown) => isSecretLike(n, v), description: 'a name/value pair that looks like a credential' },
  { signature: 'image(dyn): map', handler: (r: unknown) => ({ ...parseImage(r) }), description: 'registry, repository, tag, digest, pinned, ecr, account, region' },
  { signature: 'isWorldCidr(dyn): bool', handler: (c: unknown) => isWorldCidr(c), description: 'any /0 prefix' },
  { signature: 'opensToWorld(dyn): bool', handler: (r: unknown) => opensToWorld(r), description: 'security-group request opens a rule to /0' },
  { signature: 's3Bucket(dyn): string', handler: (u: unknown) => s3BucketOf(u), description: 'bucket of an s3:// URI or S3 ARN' },
];

let shared: Environment | undefined;

/**
 * The CEL environment of the policy pack: the variables above, typed `map`, and the
 * domain functions. Built once per process.
 */
export function policyEnvironment(): Environment {
  if (shared) return shared;
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false, limits: { maxAstNodes: 5000, maxDepth: 64 } });
  for (const name of Object.keys(CEL_VARIABLES)) env.registerVariable(name, 'map');
  for (const fn of CEL_FUNCTIONS) env.registerFunction(fn.signature, fn.handler as (...args: unknown[]) => unknown, { description: fn.description });
  shared = env;
  return env;
}

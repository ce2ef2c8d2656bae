import { globMatch } from '../kernel/index.js';

/**
 * An exception accepts the risk of named resources. A resource glob that leaves the name open
 * (`*`, `**`, `?*`, `*-*`, `arn:*`, `arn:aws:s3:::*`, `sg-*`) accepts it for every resource, or
 * every resource of a kind: `exception add --rule '*' --resource '**'` silenced all open drift.
 */

/** Literal characters of the resource name a glob must start with, before its first wildcard. */
export const MIN_LITERAL_NAME = 4;

/**
 * Resources nobody names on purpose, of every type and in every form a glob is matched against
 * (id, name, ARN): a glob that matches one of them matches resources of any name.
 */
export const CANARY_RESOURCES: readonly string[] = [
  'q7zcanary',
  'Q-7_z.canary',
  'sg-0f1e2d3c4b5a69788',
  'i-0f1e2d3c4b5a69788',
  'vol-0f1e2d3c4b5a69788',
  'subnet-0f1e2d3c4b5a69788',
  'vpc-0f1e2d3c4b5a69788',
  '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  'alias/q7zcanary',
  '000000000000',
  '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'q7zcanary/q7zcanary',
  'arn:aws:s3:::q7zcanary',
  'arn:aws:iam::000000000000:role/q7zcanary',
  'arn:aws:iam::000000000000:role/service-role/q7zcanary',
  'arn:aws:iam::000000000000:user/q7zcanary',
  'arn:aws:kms:eu-west-1:000000000000:key/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  'arn:aws:kms:eu-west-1:000000000000:alias/q7zcanary',
  'arn:aws:ecr:eu-west-1:000000000000:repository/q7zcanary',
  'arn:aws:ec2:eu-west-1:000000000000:security-group/sg-0f1e2d3c4b5a69788',
  'arn:aws:ec2:eu-west-1:000000000000:instance/i-0f1e2d3c4b5a69788',
  'arn:aws:cloudtrail:eu-west-1:000000000000:trail/q7zcanary',
  'arn:aws:sagemaker:eu-west-1:000000000000:training-job/q7zcanary',
  'arn:aws:sagemaker:eu-west-1:000000000000:pipeline/q7zcanary',
  'arn:aws:sagemaker:eu-west-1:000000000000:model-package/q7zcanary/1',
  'arn:aws:bedrock:eu-west-1:000000000000:model-customization-job/q7zcanary',
  'arn:aws:lambda:eu-west-1:000000000000:function:q7zcanary',
  'arn:aws:events:eu-west-1:000000000000:rule/q7zcanary',
  'arn:aws:dynamodb:eu-west-1:000000000000:table/q7zcanary',
  'arn:aws:guardduty:eu-west-1:000000000000:detector/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'arn:aws-cn:s3:::q7zcanary',
  'arn:aws-us-gov:iam::000000000000:role/q7zcanary',
];

/** Prefixes that name a kind of resource id, not a resource (`sg-0` is any security group). */
const ID_PREFIXES = /^(?:sg|i|vol|subnet|vpc|eni|ami|snap|igw|nat|rtb|acl|key|alias)-?[0-9a-f]?$/i;

/**
 * Why a resource glob accepts (nearly) every resource, or undefined when it names resources: its
 * resource name (after the last `:` or `/` before the first wildcard) must start with at least
 * {@link MIN_LITERAL_NAME} literal characters that are not just an id prefix, and it must not match
 * a {@link CANARY_RESOURCES canary}.
 * @example resourceGlobTooBroad('arn:*') // '"arn:*" leaves the resource name open after "arn:": ...'
 */
export function resourceGlobTooBroad(glob: string): string | undefined {
  const g = glob.trim();
  const star = g.indexOf('*');
  const question = g.indexOf('?');
  const first = star < 0 ? question : question < 0 ? star : Math.min(star, question);
  if (first < 0) return undefined;
  const prefix = g.slice(0, first);
  const name = prefix.slice(Math.max(prefix.lastIndexOf(':'), prefix.lastIndexOf('/')) + 1);
  if (name.length < MIN_LITERAL_NAME || ID_PREFIXES.test(name))
    return `"${g}" leaves the resource name open after "${prefix}": start the name with at least ${MIN_LITERAL_NAME} literal characters (ml-training-legacy-*)`;
  const canary = CANARY_RESOURCES.find((c) => globMatch(g, c));
  if (canary) return `"${g}" matches resources of any name (such as ${canary}): name the resources`;
  return undefined;
}

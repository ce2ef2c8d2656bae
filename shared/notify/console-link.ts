/**
 * Deep links into the AWS console for a drifted resource. The global console host redirects
 * `/<service>/home?region=<r>` to the regional console, so one base URL serves every region;
 * `consoleBaseUrl` switches partitions (GovCloud, China).
 */
export interface LinkTarget {
  account: string;
  region: string;
  resourceType: string;
  resourceId: string;
  resourceArn?: string;
}

type LinkBuilder = (t: LinkTarget, q: string) => string;

const enc = encodeURIComponent;

/** The last segment of an ARN or path (`arn:...:training-job/name` -> `name`), without a facet (` (tcp 22-22 ...)`). */
function shortName(t: LinkTarget): string {
  const facet = t.resourceId.indexOf(' (');
  const id = facet > 0 ? t.resourceId.slice(0, facet) : t.resourceId;
  if (!id.startsWith('arn:')) return id;
  const tail = id.split(':').slice(5).join(':');
  return tail.includes('/') ? tail.slice(tail.indexOf('/') + 1) : tail;
}

/** Console path per resource type (lookup table; unknown types fall back to CloudTrail event history). */
const LINKS: Readonly<Record<string, LinkBuilder>> = {
  's3-bucket': (t) => `/s3/buckets/${enc(shortName(t))}?region=${enc(t.region)}`,
  'iam-role': (t) => `/iam/home#/roles/details/${enc(shortName(t))}`,
  'iam-user': (t) => `/iam/home#/users/details/${enc(shortName(t))}`,
  'kms-key': (t, q) => `/kms/home${q}#/kms/keys/${enc(shortName(t))}`,
  'ecr-repository': (t, q) =>
    `/ecr/repositories/private/${enc(t.account)}/${shortName(t).split('/').map(enc).join('/')}${q}`,
  'security-group': (t, q) => `/ec2/home${q}#SecurityGroup:groupId=${enc(shortName(t))}`,
  'ec2-instance': (t, q) => `/ec2/home${q}#InstanceDetails:instanceId=${enc(shortName(t))}`,
  'cloudtrail-trail': (t, q) => `/cloudtrail/home${q}#/trails/${enc(t.resourceArn ?? shortName(t))}`,
  'sagemaker-training-job': (t, q) => `/sagemaker/home${q}#/jobs/${enc(shortName(t))}`,
  'sagemaker-processing-job': (t, q) => `/sagemaker/home${q}#/processing-jobs/${enc(shortName(t))}`,
  'sagemaker-tuning-job': (t, q) => `/sagemaker/home${q}#/hyper-tuning-jobs/${enc(shortName(t))}`,
  'sagemaker-notebook-instance': (t, q) => `/sagemaker/home${q}#/notebook-instances/${enc(shortName(t))}`,
  'bedrock-customization-job': (_t, q) => `/bedrock/home${q}#/custom-models`,
  'guardduty-detector': (_t, q) => `/guardduty/home${q}#/findings`,
  'lambda-function': (t, q) => `/lambda/home${q}#/functions/${enc(shortName(t))}`,
  'dynamodb-table': (t, q) => `/dynamodbv2/home${q}#table?name=${enc(shortName(t))}`,
  'eventbridge-rule': (t, q) => {
    const id = shortName(t); // `<bus>/<name>`, or the name on the default bus
    const slash = id.lastIndexOf('/');
    return `/events/home${q}#/eventbus/${enc(slash < 0 ? 'default' : id.slice(0, slash))}/rules/${enc(id.slice(slash + 1))}`;
  },
};

const fallback: LinkBuilder = (t, q) => `/cloudtrail/home${q}#/events?ResourceName=${enc(shortName(t))}`;

/**
 * The console URL of a resource.
 * @example consoleUrl({ account: '111122223333', region: 'eu-west-1', resourceType: 's3-bucket', resourceId: 'ml-training-data' })
 * // 'https://console.aws.amazon.com/s3/buckets/ml-training-data?region=eu-west-1'
 */
export function consoleUrl(target: LinkTarget, base = 'https://console.aws.amazon.com'): string {
  const builder = Object.hasOwn(LINKS, target.resourceType) ? LINKS[target.resourceType]! : fallback;
  return `${base.replace(/\/+$/, '')}${builder(target, `?region=${enc(target.region)}`)}`;
}

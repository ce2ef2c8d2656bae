import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/**
 * What a command run against a deployed stack learns about it, once per run: who the caller is
 * (STS GetCallerIdentity, which needs no permission) and the stack's outputs (CloudFormation
 * DescribeStacks). Loaded on demand (`loadStackAdapters()`), so that commands run against the
 * embedded store never load these SDK clients.
 */

/** Region and profile of every client of a run; credentials come from the standard chain (env, SSO, instance role). */
export interface AwsTarget {
  region?: string;
  profile?: string;
}

/** The caller, as AWS authenticated it. */
export interface CallerIdentity {
  /** The principal ARN: a role session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) or an IAM user. */
  arn: string;
  account: string;
  /** The region the clients use (the option, else the SDK's resolution). */
  region: string;
}

/** The outputs of a deployed tpguard stack the CLI uses. */
export interface StackOutputs {
  stackName: string;
  tableName: string;
  busName?: string;
  topicArn?: string;
  keyArn?: string;
  packVersion?: string;
  patterns?: string[];
  functions?: string[];
  lastUpdated?: string;
  /** The backfill state machine, its results bucket and the archive it reads (empty: none deployed). */
  backfillStateMachineArn?: string;
  backfillResultsBucket?: string;
  archiveBucket?: string;
}

/** The stack, the caller or a value AWS returned is unusable: one line, no stack trace. */
export class DeployedStackError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeployedStackError';
  }
}

const clientConfig = (t: AwsTarget) => ({
  ...(t.region ? { region: t.region } : {}),
  ...(t.profile ? { profile: t.profile } : {}),
});

/** Shapes every value must have before it is used or printed (nothing AWS returns reaches a terminal unchecked). */
const SHAPES = {
  principal: /^arn:aws[a-z-]*:(sts|iam)::\d{12}:[\w+=,.@/-]{1,512}$/,
  account: /^\d{12}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d$/,
  tableName: /^[\w.-]{3,255}$/,
  busName: /^[\w.\-/]{1,256}$/,
  arn: /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:[\w+=,.@:/-]{1,1024}$/,
  packVersion: /^[0-9a-f]{6,64}$/,
  names: /^[\w-]{1,128}(,[\w-]{1,128}){0,199}$/,
  bucket: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
} as const;

function shaped(shape: keyof typeof SHAPES, value: string | undefined, what: string): string {
  if (value === undefined || !SHAPES[shape].test(value))
    throw new DeployedStackError(`${what}: unexpected value from AWS (not a ${shape})`);
  return value;
}

/** The SDK's one-line reason (credentials, region, access), never a stack trace. */
function reasonOf(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const first = [
    ...String(e?.message ?? err)
      .split('\n')[0]!
      .slice(0, 300),
  ]
    .map((c) => (c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f) ? ' ' : c))
    .join('');
  return e?.name && e.name !== 'Error' ? `${e.name}: ${first}` : first;
}

/**
 * Who is calling: STS GetCallerIdentity with the run's region, profile and credential chain.
 * @example const me = await callerIdentity({ region: 'eu-west-1' }) // { arn: 'arn:aws:sts::111122223333:assumed-role/Reviewer/dana', account: '111122223333', region: 'eu-west-1' }
 */
export async function callerIdentity(target: AwsTarget): Promise<CallerIdentity> {
  const sts = new STSClient(clientConfig(target));
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    const region = shaped('region', await sts.config.region(), 'region');
    return {
      arn: shaped('principal', out.Arn, 'caller identity'),
      account: shaped('account', out.Account, 'caller account'),
      region,
    };
  } catch (err) {
    if (err instanceof DeployedStackError) throw err;
    throw new DeployedStackError(`cannot tell who you are in AWS (sts:GetCallerIdentity): ${reasonOf(err)}`, {
      cause: err,
    });
  } finally {
    sts.destroy();
  }
}

function output(stack: Stack, key: string): string | undefined {
  return stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
}

const list = (value: string | undefined, what: string) =>
  value === undefined || value === '' ? undefined : shaped('names', value, what).split(',');

/** The outputs a tpguard stack declares (serverless.yml and scripts/build-operators.ts), checked. */
export function stackOutputsOf(stack: Stack, stackName: string): StackOutputs {
  const optional = (shape: keyof typeof SHAPES, key: string) => {
    const v = output(stack, key);
    return v === undefined || v === '' ? undefined : shaped(shape, v, `stack ${stackName} output ${key}`);
  };
  const out: StackOutputs = {
    stackName,
    tableName: shaped('tableName', output(stack, 'TableName'), `stack ${stackName} output TableName`),
  };
  const fields = {
    busName: optional('busName', 'BusName'),
    topicArn: optional('arn', 'AlertTopicArn'),
    keyArn: optional('arn', 'KeyArn'),
    packVersion: optional('packVersion', 'PackVersion'),
    patterns: list(output(stack, 'IngestPatterns'), `stack ${stackName} output IngestPatterns`),
    functions: list(output(stack, 'Functions'), `stack ${stackName} output Functions`),
    lastUpdated: (stack.LastUpdatedTime ?? stack.CreationTime)?.toISOString(),
    backfillStateMachineArn: optional('arn', 'BackfillStateMachineArn'),
    backfillResultsBucket: optional('bucket', 'BackfillResultsBucket'),
    archiveBucket: optional('bucket', 'ArchiveBucket'),
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) Object.assign(out, { [k]: v });
  return out;
}

/**
 * The outputs of a deployed stack (CloudFormation DescribeStacks, one call).
 * @example const stack = await describeStack('tpguard-prod', { region: 'eu-west-1' }); stack.tableName // 'tpguard-prod'
 */
export async function describeStack(stackName: string, target: AwsTarget): Promise<StackOutputs> {
  const cfn = new CloudFormationClient(clientConfig(target));
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (!stack) throw new DeployedStackError(`no stack ${stackName}`);
    return stackOutputsOf(stack, stackName);
  } catch (err) {
    if (err instanceof DeployedStackError) throw err;
    const missing = /does not exist/.test(String((err as Error)?.message));
    throw new DeployedStackError(
      missing
        ? `no stack ${stackName} in this account and region (deployed with: npm run deploy -- --stage <stage> --region <region>)`
        : `cannot read stack ${stackName} (cloudformation:DescribeStacks): ${reasonOf(err)}`,
      { cause: err },
    );
  } finally {
    cfn.destroy();
  }
}

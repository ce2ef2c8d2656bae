import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { openLocalTable, type LocalTable } from '../../shared/adapters/local/index.js';
import { startFaultProxy, type FaultProxy } from '../reliability/support/fault-proxy.js';

/**
 * A "deployed" tpguard for CLI tests: the stack's table is a real DynamoDB API (dynalite, reached
 * through AWS_ENDPOINT_URL_DYNAMODB as the SDK honours it, behind a proxy that records every
 * request), while STS, CloudFormation, EventBridge and SNS, which cannot run here, are mocked.
 */

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const STACK = 'tpguard-prod';

/** Role sessions as IAM Identity Center names them. */
export const PEOPLE = {
  deployer: `arn:aws:sts::${ACCOUNT}:assumed-role/tpguard-deployer/ci-pipeline`,
  sam: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_tpguard-security-admin_0a1b2c/sam@example.com`,
  chris: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_tpguard-security-admin_0a1b2c/chris@example.com`,
  dana: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_tpguard-reviewer_3d4e5f/dana@example.com`,
  ari: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_tpguard-auditor_6a7b8c/ari@example.com`,
} as const;

/** One DynamoDB request as the table saw it. */
export interface TableRequest {
  operation: string;
  index?: string;
  /** Partition key of the item written or read (GetItem, PutItem, UpdateItem). */
  pk?: string;
  /** Top-level attributes an UpdateItem names (its update and condition expressions). */
  attributes?: string[];
}

export interface DeployedWorld {
  table: LocalTable;
  proxy: FaultProxy;
  requests: TableRequest[];
  sts: ReturnType<typeof mockClient>;
  cfn: ReturnType<typeof mockClient>;
  events: ReturnType<typeof mockClient>;
  sns: ReturnType<typeof mockClient>;
  /** The caller of the next CLI runs. */
  as(arn: string): void;
  /** Replaces the stack's outputs. */
  outputs(values: Record<string, string>): void;
  /** Entries put on any bus so far. */
  putEvents(): PutEventsRequestEntry[];
  close(): Promise<void>;
}

/** The parts of a DynamoDB request body the recorder reads. */
interface RequestBody {
  Key?: { pk?: { S?: string } };
  Item?: { pk?: { S?: string } };
  IndexName?: string;
  UpdateExpression?: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

/** The top-level attribute names an UpdateItem touches, with `#name` placeholders resolved. */
function attributesOf(body: RequestBody): string[] {
  const names = body.ExpressionAttributeNames ?? {};
  const text = `${body.UpdateExpression ?? ''} ${body.ConditionExpression ?? ''}`;
  const found = new Set<string>();
  for (const m of text.matchAll(/(#?[A-Za-z_][\w]*)(?=[\s.[,=<>)]|$)/g)) {
    const raw = m[1]!;
    if (['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'IN'].includes(raw)) continue;
    if (/^(attribute_exists|attribute_not_exists|if_not_exists|begins_with|size|list_append)$/.test(raw)) continue;
    const before = text[m.index! - 1];
    if (before === ':' || before === '.') continue;
    found.add(raw.startsWith('#') ? (names[raw] ?? raw) : raw);
  }
  return [...found].sort();
}

function record(operation: string, text: string): TableRequest {
  const body = JSON.parse(text) as RequestBody;
  const pk = body.Key?.pk?.S ?? body.Item?.pk?.S;
  const req: TableRequest = { operation };
  if (body.IndexName) req.index = body.IndexName;
  if (pk) req.pk = pk;
  if (operation === 'UpdateItem') req.attributes = attributesOf(body);
  return req;
}

const DEFAULT_ENV = {
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * Starts the deployed world: table `tpguard-prod`, the mocks, the environment (restored by close).
 * @example const world = await startDeployedWorld({ PackVersion: pack.version }); world.as(PEOPLE.dana)
 */
export async function startDeployedWorld(extraOutputs: Record<string, string> = {}): Promise<DeployedWorld> {
  const table = await openLocalTable({ tableName: STACK });
  const proxy = await startFaultProxy(table.endpoint);
  const requests: TableRequest[] = [];
  proxy.setPlan((operation, _i, body) => {
    requests.push(record(operation, body));
    return undefined;
  });
  const vars: Record<string, string> = { ...DEFAULT_ENV, AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint };
  const saved = Object.fromEntries([...Object.keys(vars), 'AWS_PROFILE'].map((k) => [k, process.env[k]] as const));
  Object.assign(process.env, vars);
  delete process.env.AWS_PROFILE;

  const sts = mockClient(STSClient);
  const cfn = mockClient(CloudFormationClient);
  const events = mockClient(EventBridgeClient);
  const sns = mockClient(SNSClient);
  events.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `evt-${i}` })),
  }));
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  let outputs: Record<string, string> = {
    TableName: STACK,
    BusName: STACK,
    AlertTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${STACK}-alerts`,
    KeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0d4c6e2a-5b7f-4a1e-9c3d-2f6a8b9c0d1e`,
    AuditorPolicyArn: `arn:aws:iam::${ACCOUNT}:policy/${STACK}-auditor`,
    ...extraOutputs,
  };
  const describe = () =>
    cfn.on(DescribeStacksCommand, { StackName: STACK }).resolves({
      Stacks: [
        {
          StackName: STACK,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-10-01T08:00:00Z'),
          LastUpdatedTime: new Date('2027-01-04T08:00:00Z'),
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]): Output => ({ OutputKey, OutputValue })),
        },
      ],
    });
  // What CloudFormation answers for any other stack name.
  cfn
    .on(DescribeStacksCommand)
    .rejects(Object.assign(new Error('Stack with id tpguard-dev does not exist'), { name: 'ValidationError' }));
  describe();
  const world: DeployedWorld = {
    table,
    proxy,
    requests,
    sts,
    cfn,
    events,
    sns,
    as: (arn) => {
      sts.on(GetCallerIdentityCommand).resolves({ Arn: arn, Account: ACCOUNT, UserId: 'AROAEXAMPLE:session' });
    },
    outputs: (values) => {
      outputs = { ...outputs, ...values };
      describe();
    },
    putEvents: () => events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []),
    close: async () => {
      for (const m of [sts, cfn, events, sns]) m.restore();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await proxy.close();
      await table.close();
    },
  };
  world.as(PEOPLE.ari);
  return world;
}

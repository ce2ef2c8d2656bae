import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The IAM action each AWS SDK command needs (document-client and low-level names). */
export const COMMAND_ACTIONS: Readonly<Record<string, string>> = {
  GetCommand: 'dynamodb:GetItem',
  GetItemCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  PutItemCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
  BatchGetCommand: 'dynamodb:BatchGetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
  BatchWriteItemCommand: 'dynamodb:BatchWriteItem',
  TransactWriteCommand: 'dynamodb:TransactWriteItems',
  TransactGetCommand: 'dynamodb:TransactGetItems',
  CreateTableCommand: 'dynamodb:CreateTable',
  DescribeTableCommand: 'dynamodb:DescribeTable',
  PutEventsCommand: 'events:PutEvents',
  PublishCommand: 'sns:Publish',
  PublishBatchCommand: 'sns:Publish',
  GetParameterCommand: 'ssm:GetParameter',
  GetParametersCommand: 'ssm:GetParameters',
  GetParametersByPathCommand: 'ssm:GetParametersByPath',
  BatchImportFindingsCommand: 'securityhub:BatchImportFindings',
  BatchUpdateFindingsCommand: 'securityhub:BatchUpdateFindings',
  GetObjectCommand: 's3:GetObject',
  ListObjectsV2Command: 's3:ListBucket',
  PutObjectCommand: 's3:PutObject',
};

/** Powertools Parameters calls (functions and SSMProvider methods) and the SSM action each makes. */
const POWERTOOLS_SSM: Readonly<Record<string, string>> = {
  '\\bgetParameter\\s*\\(': 'ssm:GetParameter',
  '\\bgetParameters\\s*\\(': 'ssm:GetParametersByPath',
  '\\bgetParametersByName\\s*\\(': 'ssm:GetParameters',
  '\\.get\\s*\\(': 'ssm:GetParameter',
  '\\.getMultiple\\s*\\(': 'ssm:GetParametersByPath',
};

/** Code without comments (a TSDoc `@example new XCommand(...)` is not a call). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

export interface AwsCalls {
  actions: Set<string>;
  /** `Command` classes instantiated that COMMAND_ACTIONS does not know. */
  unknown: string[];
}

/**
 * The AWS calls a bundle can make: every `new XCommand(` in the project sources that went into
 * it, and the Powertools SSM helpers they call.
 * @example awsCallsOf(root, ['shared/adapters/aws/sns.ts']).actions // Set { 'sns:Publish' }
 */
export function awsCallsOf(root: string, sources: readonly string[]): AwsCalls {
  const actions = new Set<string>();
  const unknown = new Set<string>();
  for (const file of sources) {
    const text = withoutComments(readFileSync(join(root, file), 'utf8'));
    for (const m of text.matchAll(/\bnew\s+([A-Z]\w*Command)\s*\(/g)) {
      const action = COMMAND_ACTIONS[m[1]!];
      if (action) actions.add(action);
      else unknown.add(`${m[1]} (${file})`);
    }
    if (/from\s+['"]@aws-lambda-powertools\/parameters(\/ssm)?['"]/.test(text)) {
      for (const [call, action] of Object.entries(POWERTOOLS_SSM)) if (new RegExp(call).test(text)) actions.add(action);
    }
  }
  return { actions, unknown: [...unknown].sort() };
}

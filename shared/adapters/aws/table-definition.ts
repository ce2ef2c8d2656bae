/**
 * The tpguard table, defined once: the embedded store creates it from this, and the deployment
 * (serverless.yml) is tested against it. Single table, on-demand, one GSI, TTL on `expiresAt`.
 * See docs/data-model.md for the items it holds.
 */
export const TABLE_KEYS = { pk: 'pk', sk: 'sk', gsi1pk: 'gsi1pk', gsi1sk: 'gsi1sk', ttl: 'expiresAt' } as const;

export const GSI1 = 'gsi1';

/** The local table name (`tpguard-<stage>` when deployed). */
export const LOCAL_TABLE_NAME = 'tpguard';

/** The CloudFormation stack of a stage (`${service}-${stage}`, serverless.yml's service `tpguard`). */
export function stackNameFor(stage: string): string {
  return `tpguard-${stage}`;
}

/** Deployed name of the table for a stage. */
export function tableNameFor(stage: string): string {
  return `tpguard-${stage}`;
}

/**
 * CreateTable input without the name (the same shape as CloudFormation's AWS::DynamoDB::Table
 * key schema, attribute definitions and GSI).
 * @example new CreateTableCommand({ TableName: 'tpguard', ...TABLE_DEFINITION })
 */
export const TABLE_DEFINITION = {
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.pk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.sk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.gsi1pk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.gsi1sk, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: TABLE_KEYS.pk, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sk, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: GSI1,
      KeySchema: [
        { AttributeName: TABLE_KEYS.gsi1pk, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.gsi1sk, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
} as const;

/** TimeToLiveSpecification of the table. */
export const TABLE_TTL = { AttributeName: TABLE_KEYS.ttl, Enabled: true } as const;

export { documentClient, DynamoDriftStore } from './dynamodb-drift-store.js';
export { DynamoExceptionStore } from './dynamodb-exceptions.js';
export { DynamoReviewStore } from './dynamodb-review.js';
export { DynamoSightings } from './dynamodb-sightings.js';
export { DynamoResourceTags, TAGS_RETENTION_DAYS } from './dynamodb-resource-tags.js';
export { EventBridgePublisher } from './eventbridge-publisher.js';
export { DynamoNotificationLedger } from './notification-ledger.js';
export { createSecurityHubSender } from './securityhub.js';
export { createSnsChatbotSender, createSnsEmailSender } from './sns.js';
export { createWebhookResolver } from './ssm.js';
export { GSI1, LOCAL_TABLE_NAME, stackNameFor, TABLE_DEFINITION, TABLE_TTL } from './table-definition.js';
export type { ExecutionProgress } from './sfn-backfill.js';
export type { AwsTarget, CallerIdentity, StackOutputs } from './stack.js';

/**
 * The STS and CloudFormation adapters (caller identity, stack outputs), loaded on demand: only a
 * command run against a deployed stack pays for their SDK clients.
 * @example const { callerIdentity, describeStack } = await loadStackAdapters()
 */
export const loadStackAdapters = () => import('./stack.js');

/**
 * The AWS Config, SageMaker and Bedrock reader of a baseline, loaded on demand (its three SDK
 * clients are not loaded by any other command).
 * @example const { AwsStateReader, baselineClients } = await loadBaselineReader()
 */
export const loadBaselineReader = () => import('./baseline-reader.js');
export { baselineKeys, DynamoBaselineRuns } from './dynamodb-baseline-runs.js';
export { eventBridgeSummaries } from './eventbridge-summaries.js';

/**
 * The S3 archive adapter (`scan s3://`, `replay s3://`, the backfill worker), loaded on demand: a
 * scan of local files never loads the S3 client.
 * @example const { S3Archive } = await loadS3Archive()
 */
export const loadS3Archive = () => import('./s3-archive.js');

/**
 * The Step Functions adapter of `npm run backfill`, loaded on demand.
 * @example const { BackfillClient } = await loadBackfillAdapters()
 */
export const loadBackfillAdapters = () => import('./sfn-backfill.js');

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
export type { AwsTarget, CallerIdentity, StackOutputs } from './stack.js';

/**
 * The STS and CloudFormation adapters (caller identity, stack outputs), loaded on demand: only a
 * command run against a deployed stack pays for their SDK clients.
 * @example const { callerIdentity, describeStack } = await loadStackAdapters()
 */
export const loadStackAdapters = () => import('./stack.js');

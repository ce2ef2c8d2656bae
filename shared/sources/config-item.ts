import * as z from 'zod';
import { isRecord, rec, str } from '../kernel/index.js';
import { syntheticId } from './cloudtrail.js';
import { addAll, defineSource, pascal, sortedUnique } from './definition.js';
import { UnsupportedEventError } from './errors.js';
import { fromConfigType } from './resource-types.js';
import { toIsoTime, UNKNOWN_TIME } from './time.js';
import type { Observation, ResourceRef } from './types.js';

export const CONFIG_ITEM_CHANGE = 'Config Configuration Item Change';
export const CONFIG_COMPLIANCE_CHANGE = 'Config Rules Compliance Change';

function tagsOf(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const tags: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') tags[k] = val;
  return Object.keys(tags).length > 0 ? tags : undefined;
}

/**
 * Normalizes a configuration item: the `detail.configurationItem` of a change
 * notification (names `awsAccountId`, `ARN`) or a history/snapshot item (`accountId`, `arn`).
 */
export function normalizeConfigItem(item: Record<string, unknown>, envelope?: Record<string, unknown>): Observation {
  const configType = str(item, 'resourceType');
  const resourceId = str(item, 'resourceId') ?? str(item, 'resourceName');
  if (!configType || !resourceId) throw new UnsupportedEventError('configuration item without resourceType/resourceId');
  const account = str(item, 'awsAccountId') || str(item, 'accountId') || str(envelope, 'account') || 'unknown';
  const region = str(item, 'awsRegion') || str(envelope, 'region') || 'unknown';
  const type = fromConfigType(configType);
  const name = str(item, 'resourceName');
  // IAM's Config resourceId is the unique id (AROA...), CloudTrail names roles and users by name:
  // key them by name so both sources meet on one drift record.
  const id = (type === 'iam-role' || type === 'iam-user') && name ? name : resourceId;
  const ref: ResourceRef = { type, id, name: name ?? resourceId };
  const arn = str(item, 'ARN') ?? str(item, 'arn');
  if (arn) ref.arn = arn;
  const tags = tagsOf(item.tags);
  if (tags) ref.tags = tags;
  const captured = toIsoTime(item.configurationItemCaptureTime);
  return {
    eventId:
      str(envelope, 'id') ||
      syntheticId('ci', [configType, resourceId, captured, item.configurationStateId, item.configurationItemMD5Hash]),
    eventTime: captured ?? toIsoTime(envelope?.time) ?? UNKNOWN_TIME,
    source: 'config',
    account,
    region,
    resources: [ref],
    trigger: { detailType: CONFIG_ITEM_CHANGE, resourceType: configType },
    detail: item,
    raw: envelope ?? item,
  };
}

/** Normalizes the detail of "Config Configuration Item Change" (including oversized summaries). */
export function normalizeConfigChange(detail: Record<string, unknown>, envelope: Record<string, unknown>): Observation {
  const item = rec(detail, 'configurationItem') ?? rec(detail, 'configurationItemSummary');
  if (!item) throw new UnsupportedEventError('Config change without detail.configurationItem');
  // Deleted resources still become observations: rules see configurationItemStatus.
  return normalizeConfigItem(item, envelope);
}

/** Normalizes "Config Rules Compliance Change". */
export function normalizeComplianceChange(
  detail: Record<string, unknown>,
  envelope: Record<string, unknown>,
): Observation {
  const configType = str(detail, 'resourceType');
  const resourceId = str(detail, 'resourceId');
  if (!configType || !resourceId) throw new UnsupportedEventError('compliance change without resourceType/resourceId');
  const result = rec(detail, 'newEvaluationResult');
  return {
    eventId: str(envelope, 'id') || syntheticId('cc', detail),
    eventTime: toIsoTime(result?.resultRecordedTime) ?? toIsoTime(envelope.time) ?? UNKNOWN_TIME,
    source: 'config',
    account: str(detail, 'awsAccountId') || str(envelope, 'account') || 'unknown',
    region: str(detail, 'awsRegion') || str(envelope, 'region') || 'unknown',
    resources: [{ type: fromConfigType(configType), id: resourceId, name: resourceId }],
    trigger: { detailType: CONFIG_COMPLIANCE_CHANGE, resourceType: configType },
    detail,
    raw: envelope,
  };
}

/** True when an object without envelope looks like a configuration item. */
export function isRawConfigItem(v: Record<string, unknown>): boolean {
  return (
    typeof v.resourceType === 'string' &&
    'configurationItemCaptureTime' in v &&
    ('configuration' in v || 'configurationItemStatus' in v)
  );
}

const configTrigger = z.strictObject({
  source: z.literal('config'),
  detailType: z.enum([CONFIG_ITEM_CHANGE, CONFIG_COMPLIANCE_CHANGE]).default(CONFIG_ITEM_CHANGE),
  resourceType: z
    .array(z.string().regex(/^AWS::\w+::\w+$/, 'resourceType is an AWS Config type such as AWS::S3::Bucket'))
    .min(1),
});

/** AWS Config: configuration item changes (EventBridge, history and snapshot items) and rule compliance changes. */
export const configItemSource = defineSource({
  name: 'config-item',
  source: 'config',
  detailTypes: { [CONFIG_ITEM_CHANGE]: normalizeConfigChange, [CONFIG_COMPLIANCE_CHANGE]: normalizeComplianceChange },
  raw: { matches: isRawConfigItem, normalize: (item) => normalizeConfigItem(item) },
  trigger: configTrigger,
  example: { source: 'config', detailType: CONFIG_ITEM_CHANGE, resourceType: ['AWS::S3::Bucket'] },
  triggerKeys: (on) => on.resourceType.map((t) => ({ key: `cfg|${on.detailType}|${t}`, prefix: false })),
  observationKey: (t) => `cfg|${t.detailType}|${t.resourceType}`,
  describeTrigger: (on) =>
    `config ${on.resourceType.join(',')}${on.detailType === CONFIG_COMPLIANCE_CHANGE ? ' (compliance change)' : ''}`,
  patterns(triggers) {
    const byDetailType = new Map<string, Set<string>>();
    for (const on of triggers) addAll(byDetailType, on.detailType, on.resourceType);
    return sortedUnique(byDetailType.keys()).map((dt) => {
      const types = sortedUnique(byDetailType.get(dt) ?? []);
      // An oversized item arrives as a summary: both shapes are matched.
      const detail =
        dt === CONFIG_ITEM_CHANGE
          ? {
              $or: [
                { configurationItem: { resourceType: types } },
                { configurationItemSummary: { resourceType: types } },
              ],
            }
          : { resourceType: types };
      return {
        name: `Config${pascal(dt.replace('Config ', ''))}`,
        pattern: { source: ['aws.config'], 'detail-type': [dt], detail },
      };
    });
  },
  route: { target: 'config', functionKey: 'ingestConfig' },
  wrap: (obs) => ({
    'detail-type': CONFIG_ITEM_CHANGE,
    source: 'aws.config',
    detail: { messageType: 'ConfigurationItemChangeNotification', configurationItem: obs.detail },
  }),
});

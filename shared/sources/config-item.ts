import * as z from 'zod';
import { isRecord, parseJson, rec, str } from '../kernel/index.js';
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

/** History/snapshot (and API) names of an item -> the names of a change notification's `configurationItem`. */
const NOTIFICATION_NAMES: readonly (readonly [string, string])[] = [
  ['version', 'configurationItemVersion'],
  ['accountId', 'awsAccountId'],
  ['arn', 'ARN'],
  ['configurationItemMD5Hash', 'configurationStateMd5Hash'],
];

/** A JSON value that may arrive as a JSON string (BatchGetResourceConfig's `configuration`), at most 1 MiB. */
function decoded(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return parseJson(v, 1024 * 1024);
  } catch {
    return undefined;
  }
}

/** `[{key,value}]`, `[{Key,Value}]` or `{k: v}` as a tag map. */
function tagList(v: unknown): Record<string, string> | undefined {
  if (!Array.isArray(v)) return tagsOf(v);
  const tags: Record<string, string> = {};
  for (const t of v.slice(0, 100)) {
    const key = str(t, 'key') ?? str(t, 'Key');
    const value = str(t, 'value') ?? str(t, 'Value');
    if (key !== undefined && value !== undefined) tags[key] = value;
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

/**
 * Tags of an item that does not carry `tags` (BatchGetResourceConfig returns none): from the
 * bucket's tagging supplement, or the `tags`/`Tags` of its configuration.
 */
function tagsFromState(item: Record<string, unknown>): Record<string, string> | undefined {
  const tagging = decoded(rec(item, 'supplementaryConfiguration')?.BucketTaggingConfiguration);
  const sets = isRecord(tagging) && Array.isArray(tagging.tagSets) ? tagging.tagSets : [];
  const fromSets = Object.assign({}, ...sets.slice(0, 10).map((t) => (isRecord(t) ? (tagsOf(t.tags) ?? {}) : {})));
  if (Object.keys(fromSets).length > 0) return fromSets as Record<string, string>;
  const configuration = decoded(item.configuration);
  return isRecord(configuration) ? (tagList(configuration.tags) ?? tagList(configuration.Tags)) : undefined;
}

/**
 * A configuration item under the names of a change notification, whatever form it came in: a
 * history or snapshot file and the API use `version`, `accountId`, `arn`, `configurationItemMD5Hash`
 * and `relationshipName`; the `configurationItem` of an EventBridge change uses
 * `configurationItemVersion`, `awsAccountId`, `ARN`, `configurationStateMd5Hash` and `name`. Rules
 * then read one shape. Tags are derived from the state when the item has none (API items).
 * @example canonicalConfigItem({ accountId: '111122223333', arn: 'arn:aws:s3:::b', ... }).awsAccountId // '111122223333'
 */
export function canonicalConfigItem(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...item };
  for (const [history, notification] of NOTIFICATION_NAMES) {
    if (!(history in out)) continue;
    if (out[notification] === undefined) out[notification] = out[history];
    delete out[history];
  }
  if (Array.isArray(out.relationships))
    out.relationships = out.relationships.map((r) => {
      if (!isRecord(r) || !('relationshipName' in r)) return r;
      const { relationshipName, ...rest } = r;
      return { ...rest, name: rest.name ?? relationshipName };
    });
  if (!isRecord(out.tags)) {
    const tags = tagsFromState(out);
    if (tags) out.tags = tags;
  }
  return out;
}

const HISTORY_NAMES = ['version', 'accountId', 'arn', 'configurationItemMD5Hash'];

/** True when an item uses a history/snapshot name (then it is made canonical first). */
function hasHistoryNames(item: Record<string, unknown>): boolean {
  return HISTORY_NAMES.some((k) => k in item) || !isRecord(item.tags);
}

/**
 * Normalizes a configuration item: the `detail.configurationItem` of a change
 * notification (names `awsAccountId`, `ARN`) or a history/snapshot item (`accountId`, `arn`).
 */
export function normalizeConfigItem(input: Record<string, unknown>, envelope?: Record<string, unknown>): Observation {
  const item = hasHistoryNames(input) ? canonicalConfigItem(input) : input;
  const configType = str(item, 'resourceType');
  const resourceId = str(item, 'resourceId') ?? str(item, 'resourceName');
  if (!configType || !resourceId) throw new UnsupportedEventError('configuration item without resourceType/resourceId');
  const account = str(item, 'awsAccountId') || str(envelope, 'account') || 'unknown';
  const region = str(item, 'awsRegion') || str(envelope, 'region') || 'unknown';
  const type = fromConfigType(configType);
  const name = str(item, 'resourceName');
  // IAM's Config resourceId is the unique id (AROA...), CloudTrail names roles and users by name:
  // key them by name so both sources meet on one drift record.
  const id = (type === 'iam-role' || type === 'iam-user') && name ? name : resourceId;
  const ref: ResourceRef = { type, id, name: name ?? resourceId };
  const arn = str(item, 'ARN');
  if (arn) ref.arn = arn;
  const tags = tagsOf(item.tags);
  if (tags) ref.tags = tags;
  const captured = toIsoTime(item.configurationItemCaptureTime);
  return {
    eventId:
      str(envelope, 'id') ||
      syntheticId('ci', [configType, resourceId, captured, item.configurationStateId, input.configurationItemMD5Hash]),
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
  wholeState: (on) => on.detailType === CONFIG_ITEM_CHANGE,
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

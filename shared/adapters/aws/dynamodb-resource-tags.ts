import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RememberedTags, ResourceTagKey, ResourceTagStore } from '../../ingest/index.js';
import { isConditionFailure } from './conditional.js';

/**
 * The tags last seen on a resource (for `scope.tags`: CloudTrail carries none): pk
 * `TAGS#<account>#<region>#<resourceType>#<resourceId>`, sk `TAGS`; one PutItem, conditional on
 * event-time order, so a late copy of an older tagging never overwrites newer tags. Kept
 * `TAGS_RETENTION_DAYS` after the last sighting (TTL `expiresAt`): tags not seen for longer are unknown again.
 */
export const TAGS_RETENTION_DAYS = 400;

function keyOf(k: ResourceTagKey) {
  return { pk: `TAGS#${k.account}#${k.region}#${k.type}#${k.id}`, sk: 'TAGS' };
}

export class DynamoResourceTags implements ResourceTagStore {
  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async getTags(key: ResourceTagKey): Promise<RememberedTags | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: keyOf(key) }));
    if (!Item || typeof Item.tags !== 'object' || Item.tags === null) return undefined;
    return {
      tags: Item.tags as Record<string, string>,
      seenAt: String(Item.seenAt),
      eventId: String(Item.eventId),
      complete: Item.complete === true,
    };
  }

  public async putTags(key: ResourceTagKey, t: RememberedTags): Promise<void> {
    const expiresAt = Math.floor(Date.parse(t.seenAt) / 1000) + TAGS_RETENTION_DAYS * 86_400;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keyOf(key), itemType: 'tags', ...key, ...t, expiresAt },
          ConditionExpression: 'attribute_not_exists(seenAt) OR seenAt <= :t',
          ExpressionAttributeValues: { ':t': t.seenAt },
        }),
      );
    } catch (err) {
      // Newer tags are stored already: this observation is older and changes nothing.
      if (!isConditionFailure(err)) throw err;
    }
  }
}

import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FindingSighting } from '../../ingest/index.js';
import type { FindingSightings } from '../../review/index.js';
import { isConditionFailure } from './conditional.js';

/**
 * GuardDuty finding types seen on in-scope resources (the review's threat delta):
 * pk `SIGHTING#<findingType>`, sk `<account>#<region>#<resourceType>#<resourceId>`,
 * gsi1pk `SIGHTING`, gsi1sk `<lastSeen>#<findingType>` (so a period's sightings are one Query),
 * counted per delivery, kept `SIGHTING_RETENTION_DAYS` after the last one (TTL `expiresAt`).
 */
export const SIGHTING_RETENTION_DAYS = 400;

function keyOf(s: FindingSighting) {
  return { pk: `SIGHTING#${s.findingType}`, sk: `${s.account}#${s.region}#${s.resource.type}#${s.resource.id}` };
}

export class DynamoSightings implements FindingSightings {
  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Counts one sighting: one UpdateItem that moves lastSeen forward; an older delivery (out of
   * order) only adds to the count and, when earlier, moves firstSeen back.
   */
  public async record(s: FindingSighting): Promise<void> {
    const ttl = Math.floor(Date.parse(s.lastSeen) / 1000) + SIGHTING_RETENTION_DAYS * 86_400;
    const base = { TableName: this.table, Key: keyOf(s) };
    try {
      await this.doc.send(
        new UpdateCommand({
          ...base,
          UpdateExpression:
            'SET findingType = :type, account = :account, #region = :region, #resource = :resource, firstSeen = if_not_exists(firstSeen, :t), lastSeen = :t, gsi1pk = :g, gsi1sk = :gs, expiresAt = :ttl, itemType = :it ADD #count :n',
          ConditionExpression: 'attribute_not_exists(lastSeen) OR lastSeen <= :t',
          ExpressionAttributeNames: { '#region': 'region', '#resource': 'resource', '#count': 'count' },
          ExpressionAttributeValues: {
            ':type': s.findingType,
            ':account': s.account,
            ':region': s.region,
            ':resource': s.resource,
            ':t': s.lastSeen,
            ':ttl': ttl,
            ':n': s.count,
            ':it': 'sighting',
            ':g': 'SIGHTING',
            ':gs': `${s.lastSeen}#${s.findingType}`,
          },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      await this.doc
        .send(
          new UpdateCommand({
            ...base,
            UpdateExpression: 'SET firstSeen = :t ADD #count :n',
            ConditionExpression: 'firstSeen > :t',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':t': s.firstSeen, ':n': s.count },
          }),
        )
        .catch(async (e2: unknown) => {
          if (!isConditionFailure(e2)) throw e2;
          await this.doc.send(
            new UpdateCommand({
              ...base,
              UpdateExpression: 'ADD #count :n',
              ExpressionAttributeNames: { '#count': 'count' },
              ExpressionAttributeValues: { ':n': s.count },
            }),
          );
        });
    }
  }

  public async list(from: string, to: string): Promise<FindingSighting[]> {
    const out: FindingSighting[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :from',
          FilterExpression: 'firstSeen < :to',
          ExpressionAttributeValues: { ':p': 'SIGHTING', ':from': from, ':to': to },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) {
        out.push({
          findingType: i.findingType,
          account: i.account,
          region: i.region,
          resource: i.resource,
          firstSeen: i.firstSeen,
          lastSeen: i.lastSeen,
          count: i.count,
        });
      }
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

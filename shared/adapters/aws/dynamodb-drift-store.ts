import { ConditionalCheckFailedException, DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeResult, DriftQuery, DriftStore, LatePatch, RejectedInput, StateChange } from '../../drift/index.js';
import type { DriftHistoryEntry, DriftRecord } from '../../drift/index.js';
import { keys, latePatchUpdate, recordOf, statusBefore, updateFor } from './dynamodb-drift-items.js';
import { GSI1 } from './table-definition.js';

export interface DynamoDriftStoreOptions {
  tableName: string;
  /** How long history entries are kept (TTL), in days. */
  historyRetentionDays?: number;
  /** How long rejected inputs are kept, in days. */
  rejectedRetentionDays?: number;
}

const DAY_SECONDS = 86_400;

/**
 * A document client for the tpguard table: undefined values dropped (optional fields), so items
 * carry only what they have.
 * @example const doc = documentClient({ region: 'eu-west-1' })
 */
export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
}

function historyEntryOf(item: Record<string, unknown>): DriftHistoryEntry {
  const { pk: _pk, sk: _sk, expiresAt: _ttl, ...entry } = item;
  return entry as unknown as DriftHistoryEntry;
}

function epochSeconds(iso: string): number {
  const ms = Date.parse(iso);
  return Math.floor((Number.isFinite(ms) ? ms : 0) / 1000);
}

/**
 * The DriftStore on DynamoDB (or the embedded dynalite): single-item conditional writes only.
 * ConditionalCheckFailed is an answer (duplicate, older observation); every other error is thrown,
 * after the SDK's own retries, so that Lambda retries the event.
 */
export class DynamoDriftStore implements DriftStore {
  private readonly table: string;
  private readonly historySeconds: number;
  private readonly rejectedSeconds: number;

  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    options: DynamoDriftStoreOptions,
  ) {
    this.table = options.tableName;
    this.historySeconds = (options.historyRetentionDays ?? 400) * DAY_SECONDS;
    this.rejectedSeconds = (options.rejectedRetentionDays ?? 30) * DAY_SECONDS;
  }

  public async putHistory(entry: DriftHistoryEntry): Promise<boolean> {
    // Retention counts from the later of event time and recording time: replaying old logs
    // must not write markers that expire at once (a redelivery would then count twice).
    const base = Math.max(epochSeconds(entry.eventTime), epochSeconds(entry.recordedAt ?? entry.eventTime));
    const item = { ...keys.history(entry), ...entry, expiresAt: base + this.historySeconds };
    return this.putIfAbsent(item);
  }

  public async applyChange(change: StateChange): Promise<ChangeResult> {
    let item: Record<string, unknown>;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.drift(change.facts.driftId),
          ...updateFor(change),
          ReturnValues: 'ALL_NEW',
        }),
      );
      item = out.Attributes ?? {};
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // The SDK retries a write whose answer was lost (timeout, reset, 500 after the write): the
      // retry then fails its own condition. A record that already stands at this change's position
      // took this change, so its transition must not be lost (found by the fault-injection tests).
      // One consistent read, on the rare condition-failure path only.
      const out = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: keys.drift(change.facts.driftId), ConsistentRead: true }),
      );
      if (!out.Item) return { applied: false };
      if (out.Item.lastEventId !== change.eventId || out.Item.lastSeen !== change.eventTime)
        return { applied: false, current: recordOf(out.Item) };
      item = out.Item;
    }
    const before = statusBefore(item);
    return before ? { applied: true, before, record: recordOf(item) } : { applied: true, record: recordOf(item) };
  }

  public async getRecord(driftId: string): Promise<DriftRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: keys.drift(driftId), ConsistentRead: true }),
    );
    return out.Item ? recordOf(out.Item) : undefined;
  }

  public async applyLate(driftId: string, patch: LatePatch): Promise<DriftRecord | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.drift(driftId),
          ...latePatchUpdate(patch),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return recordOf(out.Attributes ?? {});
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  public async historyNear(
    driftId: string,
    eventTime: string,
    direction: 'upTo' | 'from',
    limit: number,
  ): Promise<DriftHistoryEntry[]> {
    // History sort keys are `H#<eventTime>#<eventId>`: '$' sorts right after '#', '$' after 'H#...'.
    const range =
      direction === 'upTo' ? { ':lo': 'H#', ':hi': `H#${eventTime}$` } : { ':lo': `H#${eventTime}#`, ':hi': 'H$' };
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: { ':pk': keys.drift(driftId).pk, ...range },
        ScanIndexForward: direction === 'from',
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(historyEntryOf);
  }

  public async queryRecords(query: DriftQuery): Promise<DriftRecord[]> {
    const all: DriftRecord[] = [];
    for (const status of query.statuses) {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: GSI1,
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.statusIndex(status) },
            ScanIndexForward: false,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) all.push(recordOf(item));
        start = out.LastEvaluatedKey;
      } while (start && (query.limit === undefined || all.length < query.limit));
    }
    all.sort((a, b) => b.lastSeen.localeCompare(a.lastSeen) || a.driftId.localeCompare(b.driftId));
    return query.limit === undefined ? all : all.slice(0, query.limit);
  }

  public async listHistory(driftId: string): Promise<DriftHistoryEntry[]> {
    const entries: DriftHistoryEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
          ExpressionAttributeValues: { ':pk': keys.drift(driftId).pk, ':h': 'H#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) entries.push(historyEntryOf(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  public async putRejected(input: RejectedInput): Promise<void> {
    const item = {
      ...keys.rejected(input.receivedAt, input.sha256),
      ...input,
      expiresAt: epochSeconds(input.receivedAt) + this.rejectedSeconds,
    };
    await this.putIfAbsent(item);
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { currentTransitionCondition, recordOf } from './dynamodb-drift-items.js';
import {
  ClaimOutcomes,
  entryName,
  guardHolds,
  type ClaimGuard,
  type ClaimOutcome,
  type LedgerSlot,
  type NotificationLedger,
} from '../../notify/index.js';

const DIGEST_TTL_SECONDS = 30 * 24 * 3600;

type Expression = { condition: string; names: Record<string, string>; values: Record<string, unknown> };

/**
 * The guard as a DynamoDB condition on the drift item, built on the drift items' own
 * `currentTransitionCondition` (the item keeps its current transition in per-status slots).
 * The same rule as `guardHolds`.
 */
const GUARDS: { readonly [K in ClaimGuard['type']]: (g: Extract<ClaimGuard, { type: K }>) => Expression } = {
  'current-or-newer': (g) => {
    const current = currentTransitionCondition(g.transition.kind, g.transition.eventId);
    return {
      condition: `(${current.expression}) OR lastSeen < :evTime`,
      names: current.names,
      values: { ...current.values, ':evTime': g.transition.eventTime },
    };
  },
  'still-open': (g) => {
    const current = currentTransitionCondition('opened', g.openEventId);
    return { condition: current.expression, names: current.names, values: current.values };
  },
};

function guardExpression(g: ClaimGuard): Expression {
  return (GUARDS[g.type] as (g: ClaimGuard) => Expression)(g);
}

const isError = (err: unknown, name: string): boolean => err instanceof Error && err.name === name;
const missingMap = (err: unknown): boolean =>
  isError(err, 'ValidationException') && /document path/i.test((err as Error).message);

/**
 * The notification ledger on the contract table. Transition claims live in the drift item's
 * `notified` map (pk `DRIFT#<driftId>`, sk `STATE`, entry `<channel>#<kind>#<eventId>`), written by
 * a conditional UpdateItem; digests are items pk `DIGEST#<day>`, sk `<channel>#<owner>` that
 * expire after 30 days. Single-item conditional writes only.
 * @example new DynamoNotificationLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'tpguard-prod')
 */
export class DynamoNotificationLedger implements NotificationLedger {
  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async claim(slot: LedgerSlot, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const cutoff = new Date(now.getTime() - leaseMs).toISOString();
    if (slot.scope === 'digest') return this.claimDigest(slot, now, cutoff);
    try {
      return await this.claimDrift(slot, now, cutoff);
    } catch (err) {
      if (!missingMap(err)) throw err;
    }
    // First notification of this record: create the empty map, then claim again.
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: driftKey(slot.driftId),
          UpdateExpression: 'SET #n = if_not_exists(#n, :empty)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#n': 'notified' },
          ExpressionAttributeValues: { ':empty': {} },
        }),
      );
    } catch (err) {
      if (isError(err, 'ConditionalCheckFailedException')) return ClaimOutcomes.missing;
      throw err;
    }
    return this.claimDrift(slot, now, cutoff);
  }

  private async claimDrift(
    slot: Extract<LedgerSlot, { scope: 'drift' }>,
    now: Date,
    cutoff: string,
  ): Promise<ClaimOutcome> {
    const guard = guardExpression(slot.guard);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: driftKey(slot.driftId),
          UpdateExpression: 'SET #n.#e = :claim',
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(#n.#e) OR (#n.#e.#st = :sending AND #n.#e.#ca < :cutoff)) AND (${guard.condition})`,
          ExpressionAttributeNames: {
            '#n': 'notified',
            '#e': entryName(slot.channel, slot.key),
            '#st': 'status',
            '#ca': 'claimedAt',
            ...guard.names,
          },
          ExpressionAttributeValues: {
            ':claim': { status: 'sending', claimedAt: now.toISOString() },
            ':sending': 'sending',
            ':cutoff': cutoff,
            ...guard.values,
          },
        }),
      );
      return ClaimOutcomes.claimed;
    } catch (err) {
      if (!isError(err, 'ConditionalCheckFailedException')) throw err;
    }
    const item = (
      await this.doc.send(new GetCommand({ TableName: this.table, Key: driftKey(slot.driftId), ConsistentRead: true }))
    ).Item;
    if (!item) return ClaimOutcomes.missing;
    const entry = (item.notified as Record<string, { status?: string; claimedAt?: string }> | undefined)?.[
      entryName(slot.channel, slot.key)
    ];
    if (entry?.status === 'sent') return ClaimOutcomes.duplicate;
    if (entry?.status === 'sending' && (entry.claimedAt ?? '') >= cutoff) return ClaimOutcomes.inFlight;
    return guardHolds(recordOf(item), slot.guard) ? ClaimOutcomes.inFlight : ClaimOutcomes.stale;
  }

  private async claimDigest(
    slot: Extract<LedgerSlot, { scope: 'digest' }>,
    now: Date,
    cutoff: string,
  ): Promise<ClaimOutcome> {
    const key = digestKey(slot);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key,
            status: 'sending',
            claimedAt: now.toISOString(),
            owner: slot.owner,
            channel: slot.channel,
            expiresAt: Math.floor(now.getTime() / 1000) + DIGEST_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#st = :sending AND #ca < :cutoff)',
          ExpressionAttributeNames: { '#st': 'status', '#ca': 'claimedAt' },
          ExpressionAttributeValues: { ':sending': 'sending', ':cutoff': cutoff },
        }),
      );
      return ClaimOutcomes.claimed;
    } catch (err) {
      if (!isError(err, 'ConditionalCheckFailedException')) throw err;
    }
    const item = (await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }))).Item;
    return item?.status === 'sent' ? ClaimOutcomes.duplicate : ClaimOutcomes.inFlight;
  }

  public async confirm(slot: LedgerSlot, now: Date): Promise<void> {
    if (slot.scope === 'digest') {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: digestKey(slot),
          UpdateExpression: 'SET #st = :sent, sentAt = :now',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString() },
        }),
      );
      return;
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: driftKey(slot.driftId),
        UpdateExpression: 'SET #n.#e.#st = :sent, #n.#e.sentAt = :now',
        ConditionExpression: 'attribute_exists(#n.#e)',
        ExpressionAttributeNames: { '#n': 'notified', '#e': entryName(slot.channel, slot.key), '#st': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString() },
      }),
    );
  }

  public async release(slot: LedgerSlot): Promise<void> {
    try {
      if (slot.scope === 'digest') {
        await this.doc.send(
          new DeleteCommand({
            TableName: this.table,
            Key: digestKey(slot),
            ConditionExpression: '#st = :sending',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending' },
          }),
        );
        return;
      }
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: driftKey(slot.driftId),
          UpdateExpression: 'REMOVE #n.#e',
          ConditionExpression: '#n.#e.#st = :sending',
          ExpressionAttributeNames: { '#n': 'notified', '#e': entryName(slot.channel, slot.key), '#st': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (err) {
      if (!isError(err, 'ConditionalCheckFailedException')) throw err; // already released or taken over
    }
  }
}

function driftKey(driftId: string): { pk: string; sk: string } {
  return { pk: `DRIFT#${driftId}`, sk: 'STATE' };
}

function digestKey(slot: Extract<LedgerSlot, { scope: 'digest' }>): { pk: string; sk: string } {
  return { pk: `DIGEST#${slot.day}`, sk: `${slot.channel}#${slot.owner}` };
}

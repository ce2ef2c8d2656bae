import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  ClaimOutcomes,
  entryName,
  type ClaimOutcome,
  type LedgerSlot,
  type NotificationLedger,
} from '../../notify/index.js';

const DAY_SECONDS = 24 * 3600;
const DIGEST_TTL_SECONDS = 30 * DAY_SECONDS;
/** As long as history: a transition's event cannot be recorded again before its ledger entries expire. */
const TRANSITION_TTL_SECONDS = 400 * DAY_SECONDS;

const isError = (err: unknown, name: string): boolean => err instanceof Error && err.name === name;

/** The ledger item of a slot: a transition's beside its drift record, a digest's under its day. */
export function ledgerKey(slot: LedgerSlot): { pk: string; sk: string } {
  return slot.scope === 'drift'
    ? { pk: `DRIFT#${slot.driftId}`, sk: `N#${entryName(slot.channel, slot.key)}` }
    : { pk: `DIGEST#${slot.day}`, sk: `${slot.channel}#${slot.owner}` };
}

/**
 * The notification ledger on the contract table: one small item per (transition, channel), pk
 * `DRIFT#<driftId>`, sk `N#<channel>#<kind>#<eventId>`, kept 400 days (TTL, as long as history);
 * digests are items pk `DIGEST#<day>`, sk `<channel>#<owner>`, kept 30 days. The drift item itself
 * carries no ledger, so it stays the same size however often the drift flaps. Single-item
 * conditional writes only.
 * @example new DynamoNotificationLedger(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'tpguard-prod')
 */
export class DynamoNotificationLedger implements NotificationLedger {
  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async claim(slot: LedgerSlot, now: Date, leaseMs: number): Promise<ClaimOutcome> {
    const cutoff = new Date(now.getTime() - leaseMs).toISOString();
    const key = ledgerKey(slot);
    const ttl = slot.scope === 'drift' ? TRANSITION_TTL_SECONDS : DIGEST_TTL_SECONDS;
    const about = slot.scope === 'drift' ? { driftId: slot.driftId, key: slot.key } : { owner: slot.owner };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key,
            ...about,
            status: 'sending',
            claimedAt: now.toISOString(),
            channel: slot.channel,
            expiresAt: Math.floor(now.getTime() / 1000) + ttl,
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
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: ledgerKey(slot),
        UpdateExpression: 'SET #st = :sent, sentAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString() },
      }),
    );
  }

  public async release(slot: LedgerSlot): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: ledgerKey(slot),
          ConditionExpression: '#st = :sending',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (err) {
      if (!isError(err, 'ConditionalCheckFailedException')) throw err; // already released or taken over
    }
  }
}

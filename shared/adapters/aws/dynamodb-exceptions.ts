import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ExceptionAlreadyRevokedError, ExceptionError, ExceptionNotFoundError } from '../../exceptions/index.js';
import { DistinctApproverError, ExceptionNotPendingError, exceptionState } from '../../exceptions/index.js';
import type { ExceptionApproval, RiskException } from '../../exceptions/index.js';
import type { ExceptionStore } from '../../exceptions/index.js';
import { isConditionFailure } from './conditional.js';

/**
 * Exceptions in the single table: pk `EXCEPTION#<id>`, sk `STATE`, gsi1pk `EXCEPTION`,
 * gsi1sk `<validUntil>#<id>`. The exception's own expiry is `validUntil` (ISO); `expiresAt` is
 * the table's TTL (epoch seconds): the item is kept this long after the exception ends, as
 * evidence for the audit.
 */
export const EXCEPTION_RETENTION_DAYS = 400;

interface ExceptionItem extends Omit<RiskException, 'expiresAt'> {
  validUntil: string;
}

function key(id: string) {
  return { pk: `EXCEPTION#${id}`, sk: 'STATE' };
}

function fromItem(item: Record<string, unknown>): RiskException {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _gs, itemType: _t, expiresAt: _ttl, validUntil, ...rest } = item;
  return { ...(rest as Omit<ExceptionItem, 'validUntil'>), expiresAt: validUntil as string };
}

export class DynamoExceptionStore implements ExceptionStore {
  public constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async add(exc: RiskException): Promise<void> {
    const { expiresAt, ...rest } = exc;
    const ttl = Math.floor(Date.parse(expiresAt) / 1000) + EXCEPTION_RETENTION_DAYS * 86_400;
    const item = {
      ...key(exc.exceptionId),
      gsi1pk: 'EXCEPTION',
      gsi1sk: `${expiresAt}#${exc.exceptionId}`,
      itemType: 'exception',
      ...rest,
      validUntil: expiresAt,
      expiresAt: ttl,
    };
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (err) {
      if (isConditionFailure(err))
        throw new ExceptionError(`exception ${exc.exceptionId} exists already`, { cause: err });
      throw err;
    }
  }

  public async get(exceptionId: string): Promise<RiskException | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key(exceptionId), ConsistentRead: true }),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  }

  public async list(): Promise<RiskException[]> {
    const out: RiskException[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': 'EXCEPTION' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of res.Items ?? []) out.push(fromItem(item));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  public async revoke(exceptionId: string, by: string, at: string, byName?: string): Promise<RiskException> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(exceptionId),
          UpdateExpression: `SET #status = :revoked, revokedAt = :at, revokedBy = :by${byName ? ', revokedByName = :name' : ''}`,
          ConditionExpression: 'attribute_exists(pk) AND #status IN (:active, :pending)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revoked': 'revoked',
            ':active': 'active',
            ':pending': 'pending',
            ':at': at,
            ':by': by,
            ...(byName ? { ':name': byName } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(res.Attributes ?? {});
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const exc = await this.get(exceptionId);
      if (!exc) throw new ExceptionNotFoundError(exceptionId, { cause: err });
      throw new ExceptionAlreadyRevokedError(exceptionId, exc.revokedAt ?? 'unknown', { cause: err });
    }
  }

  /**
   * Pending -> active with the approval, in one conditional write: the item must be pending and
   * the approver must not be the identity that added it, so two concurrent approvals or a
   * self-approval cannot both pass, whatever the caller checked before.
   */
  public async approve(exceptionId: string, approval: ExceptionApproval): Promise<RiskException> {
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key(exceptionId),
          UpdateExpression: 'SET #status = :active, approval = :approval',
          ConditionExpression:
            'attribute_exists(pk) AND #status = :pending AND validUntil > :at AND (attribute_not_exists(createdBy) OR createdBy <> :by)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':active': 'active',
            ':pending': 'pending',
            ':approval': approval,
            ':at': approval.at,
            ':by': approval.by,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(res.Attributes ?? {});
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const exc = await this.get(exceptionId);
      if (!exc) throw new ExceptionNotFoundError(exceptionId, { cause: err });
      const state = exceptionState(exc, approval.at);
      if (state !== 'pending') throw new ExceptionNotPendingError(exceptionId, state, { cause: err });
      throw new DistinctApproverError(exceptionId, approval.by, { cause: err });
    }
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoExceptionStore, EXCEPTION_RETENTION_DAYS } from '../../../../shared/adapters/aws/dynamodb-exceptions.js';
import type { LocalTable } from '../../../../shared/adapters/local/index.js';
import { openTestTable } from '../../../helpers/dynamodb.js';
import {
  DistinctApproverError,
  ExceptionAlreadyRevokedError,
  ExceptionError,
  ExceptionNotFoundError,
  ExceptionNotPendingError,
} from '../../../../shared/exceptions/index.js';
import { createException } from '../../../../shared/exceptions/index.js';
import { createExceptionMatcher } from '../../../../shared/exceptions/index.js';
import type { Clock } from '../../../../shared/kernel/index.js';

let table: LocalTable;
let store: DynamoExceptionStore;
const NOW = new Date('2027-04-01T07:00:00Z');

beforeAll(async () => {
  table = await openTestTable();
  store = new DynamoExceptionStore(table.doc, table.tableName);
});
afterAll(async () => table.close());

function request(resource: string) {
  return {
    ruleId: 'TPS-S3-90',
    resource,
    reason: 'legacy bucket, migration planned',
    approvedBy: 'CISO office',
    expiresAt: '2027-06-30T22:00:00.000Z',
  };
}

describe('Class: DynamoExceptionStore', () => {
  it('stores an exception with a TTL long after its expiry, and refuses the same id twice', async () => {
    // Prepare
    const exc = createException(request('ml-training-legacy-a'), NOW, 365);

    // Act
    await store.add(exc);
    const item = (
      await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: `EXCEPTION#${exc.exceptionId}`, sk: 'STATE' } }),
      )
    ).Item!;

    // Assess
    expect(await store.get(exc.exceptionId)).toEqual(exc);
    expect(item.expiresAt).toBe(Date.parse(exc.expiresAt) / 1000 + EXCEPTION_RETENTION_DAYS * 86_400);
    expect(item.gsi1sk).toBe(`${exc.expiresAt}#${exc.exceptionId}`);
    await expect(store.add(exc)).rejects.toThrow(ExceptionError);
  });

  it('revokes once and names what it cannot revoke', async () => {
    // Prepare
    const exc = createException(request('ml-training-legacy-b'), NOW, 365);
    await store.add(exc);

    // Act
    const revoked = await store.revoke(exc.exceptionId, 'CISO office', '2027-04-15T10:00:00.000Z');

    // Assess
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokedBy: 'CISO office',
      revokedAt: '2027-04-15T10:00:00.000Z',
      expiresAt: exc.expiresAt,
    });
    await expect(store.revoke(exc.exceptionId, 'x', '2027-04-16T00:00:00.000Z')).rejects.toThrow(
      ExceptionAlreadyRevokedError,
    );
    await expect(store.revoke('EX-00000000', 'x', '2027-04-16T00:00:00.000Z')).rejects.toThrow(ExceptionNotFoundError);
  });

  it('lists every exception through the index', async () => {
    expect((await store.list()).map((e) => e.resource).sort()).toEqual(
      expect.arrayContaining(['ml-training-legacy-a', 'ml-training-legacy-b']),
    );
  });
});

describe('Function: createExceptionMatcher', () => {
  it('reads the exceptions once per cache period, not per event', async () => {
    // Prepare
    let reads = 0;
    let now = NOW.getTime();
    const clock: Clock = { now: () => new Date(now) };
    const counting = {
      list: async () => {
        reads++;
        return store.list();
      },
    };
    const matcher = createExceptionMatcher(counting, clock, 60_000);

    // Act: 50 events within the minute, then one after it
    const hits = [];
    for (let i = 0; i < 50; i++)
      hits.push(
        await matcher('TPS-S3-90', { type: 's3-bucket', id: 'ml-training-legacy-a' }, '2027-04-02T00:00:00.000Z'),
      );
    now += 60_000;
    const revokedOne = await matcher(
      'TPS-S3-90',
      { type: 's3-bucket', id: 'ml-training-legacy-b' },
      '2027-04-20T00:00:00.000Z',
    );

    // Assess
    expect(new Set(hits).size).toBe(1);
    expect(hits[0]).toMatch(/^EX-/);
    expect(revokedOne).toBeUndefined();
    expect(reads).toBe(2);
  });

  it('approves a pending exception once, in a write that refuses the identity that added it', async () => {
    // Prepare
    const sam = 'arn:aws:sts::111122223333:assumed-role/SecurityAdmin/sam';
    const chris = 'arn:aws:sts::111122223333:assumed-role/SecurityAdmin/chris';
    const exc = createException(
      { ...request('ml-training-legacy-c'), createdBy: sam, createdByName: 'Sam', requireApproval: true },
      NOW,
      365,
    );
    await store.add(exc);

    // Act: the store itself refuses a self-approval (a caller that skipped the check gains nothing)
    const self = store.approve(exc.exceptionId, { by: sam, at: '2027-04-02T00:00:00.000Z' });
    await expect(self).rejects.toThrow(DistinctApproverError);
    const approved = await store.approve(exc.exceptionId, { by: chris, name: 'Chris', at: '2027-04-02T01:00:00.000Z' });
    const again = store.approve(exc.exceptionId, { by: chris, at: '2027-04-02T02:00:00.000Z' });

    // Assess
    expect(approved).toMatchObject({
      status: 'active',
      createdBy: sam,
      createdByName: 'Sam',
      approval: { by: chris, name: 'Chris', at: '2027-04-02T01:00:00.000Z' },
    });
    await expect(again).rejects.toThrow(ExceptionNotPendingError);
    await expect(store.approve('EX-00000000', { by: chris, at: '2027-04-02T00:00:00.000Z' })).rejects.toThrow(
      ExceptionNotFoundError,
    );
  });

  it('revokes a pending exception too, with the display name beside the identity', async () => {
    // Prepare
    const exc = createException(
      { ...request('ml-training-legacy-d'), createdBy: 'alice', requireApproval: true },
      NOW,
      365,
    );
    await store.add(exc);

    // Act
    const revoked = await store.revoke(
      exc.exceptionId,
      'arn:aws:sts::1:assumed-role/A/b',
      '2027-04-03T00:00:00.000Z',
      'Bo',
    );

    // Assess
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokedBy: 'arn:aws:sts::1:assumed-role/A/b',
      revokedByName: 'Bo',
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDriftStore } from '../../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../../shared/adapters/local/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import { driftIdOf } from '../../../shared/drift/index.js';
import { recordFinding } from '../../../shared/drift/index.js';
import type { DriftTransition } from '../../../shared/drift/index.js';
import { createException } from '../../../shared/exceptions/match.js';
import { reconcileExceptions } from '../../../shared/exceptions/reconcile.js';
import type { RiskException } from '../../../shared/exceptions/types.js';
import { fixedClock } from '../../../shared/kernel/index.js';

let table: LocalTable;
let drift: DynamoDriftStore;

beforeAll(async () => {
  table = await openTestTable();
  drift = new DynamoDriftStore(table.doc, { tableName: table.tableName });
});
afterAll(async () => table.close());

/** Records one violation of TPS-S3-90 on `bucket`, suppressed when `exceptionId` is given. */
async function violation(bucket: string, at: string, exceptionId?: string): Promise<string> {
  const key = {
    account: '111122223333',
    region: 'eu-west-1',
    resourceType: 's3-bucket',
    resourceId: bucket,
    ruleId: 'TPS-S3-90',
  };
  const facts = {
    ...key,
    driftId: driftIdOf(key),
    title: 'Training bucket versioning is suspended',
    severity: 'medium' as const,
    area: 's3',
    owner: 'storage',
    packVersion: 'p1',
  };
  await recordFinding(
    drift,
    {
      facts,
      intent: exceptionId ? 'suppress' : 'violation',
      verdict: 'violation',
      eventId: `ev-${bucket}`,
      eventTime: at,
      source: 'cloudtrail',
      ...(exceptionId ? { exceptionId } : {}),
    },
    at,
  );
  return facts.driftId;
}

function collector(): {
  published: DriftTransition[];
  publisher: { publish: (t: readonly DriftTransition[]) => Promise<void> };
} {
  const published: DriftTransition[] = [];
  return { published, publisher: { publish: async (t) => void published.push(...t) } };
}

const NOW = new Date('2027-04-01T07:00:00Z');
function exception(resource: string, expiresAt: string): RiskException {
  return createException(
    { ruleId: 'TPS-S3-90', resource, reason: 'legacy', approvedBy: 'CISO office', expiresAt },
    NOW,
    365,
  );
}

// The tests share one table: each looks at its own record.
describe('Function: reconcileExceptions', () => {
  it('suppresses open drift an active exception covers, once', async () => {
    // Prepare
    const id = await violation('ml-training-rc-a', '2027-03-01T00:00:00.000Z');
    const exc = exception('ml-training-rc-a', '2027-06-01T00:00:00.000Z');
    const { published, publisher } = collector();

    // Act
    const first = await reconcileExceptions({ drift, publisher, exceptions: [exc], clock: fixedClock(NOW) });
    const second = await reconcileExceptions({ drift, publisher, exceptions: [exc], clock: fixedClock(NOW) });

    // Assess
    expect(first.suppressed.map((t) => t.record.driftId)).toEqual([id]);
    expect(second.suppressed).toEqual([]);
    expect(published.filter((t) => t.record.driftId === id).map((t) => t.kind)).toEqual(['suppressed']);
    expect(await drift.getRecord(id)).toMatchObject({ status: 'suppressed', exceptionId: exc.exceptionId });
  });

  it('reopens suppressed drift once its exception expired, publishing one reopened transition with the reason', async () => {
    // Prepare
    const exc = exception('ml-training-rc-b', '2027-04-20T22:00:00.000Z');
    const id = await violation('ml-training-rc-b', '2027-03-02T00:00:00.000Z', exc.exceptionId);
    const { published, publisher } = collector();

    // Act: the day before expiry, then the day after (twice)
    await reconcileExceptions({ drift, publisher, exceptions: [exc], clock: fixedClock('2027-04-20T06:00:00Z') });
    await reconcileExceptions({ drift, publisher, exceptions: [exc], clock: fixedClock('2027-04-21T06:00:00Z') });
    await reconcileExceptions({ drift, publisher, exceptions: [exc], clock: fixedClock('2027-04-22T06:00:00Z') });

    // Assess
    expect(published.filter((t) => t.record.driftId === id).map((t) => `${t.kind} ${t.eventTime}`)).toEqual([
      'reopened 2027-04-21T06:00:00.000Z',
    ]);
    expect((await drift.getRecord(id))?.status).toBe('open');
    const history = await drift.listHistory(id);
    expect(history.find((h) => h.verdict === 'manual')).toMatchObject({
      transition: 'reopened',
      actor: 'review-reminder',
      note: `exception ${exc.exceptionId} expired`,
    });
  });

  it('reopens drift of a revoked exception and says who revoked it', async () => {
    // Prepare
    const exc = exception('ml-training-rc-c', '2027-06-01T00:00:00.000Z');
    const id = await violation('ml-training-rc-c', '2027-03-03T00:00:00.000Z', exc.exceptionId);
    const revoked: RiskException = {
      ...exc,
      status: 'revoked',
      revokedAt: '2027-04-10T00:00:00.000Z',
      revokedBy: 'CISO office',
    };
    const { published, publisher } = collector();

    // Act
    await reconcileExceptions({ drift, publisher, exceptions: [revoked], clock: fixedClock('2027-04-11T00:00:00Z') });

    // Assess
    expect(published.filter((t) => t.record.driftId === id).map((t) => t.kind)).toEqual(['reopened']);
    expect((await drift.getRecord(id))?.status).toBe('open');
    expect((await drift.listHistory(id)).find((h) => h.verdict === 'manual')?.note).toBe(
      `exception ${exc.exceptionId} was revoked by CISO office`,
    );
  });

  it('suppresses drift whose latest observation is dated in year 9999 (attack 23: the operator is not locked out)', async () => {
    // Prepare: a record written before intake rejected far-future times
    const id = await violation('ml-training-rc-d', '9999-12-31T23:59:59.999Z');
    const exc = exception('ml-training-rc-d', '2027-06-01T00:00:00.000Z');
    const { published, publisher } = collector();

    // Act
    const result = await reconcileExceptions({ drift, publisher, exceptions: [exc], clock: fixedClock(NOW) });

    // Assess
    expect(result.suppressed.map((t) => t.record.driftId)).toEqual([id]);
    expect(published.filter((t) => t.record.driftId === id).map((t) => t.kind)).toEqual(['suppressed']);
    expect((await drift.getRecord(id))?.lastSeen).toBe(NOW.toISOString());
  });
});

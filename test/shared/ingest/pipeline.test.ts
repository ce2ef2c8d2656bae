import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { driftIdOf } from '../../../shared/drift/index.js';
import { ingestEvent } from '../../../shared/ingest/pipeline.js';
import { startStoreFixture, type StoreFixture } from '../drift/store-fixture.js';
import { fixtureEvent, ingestFixture, type IngestFixture } from './ingest-fixture.js';

let fx: StoreFixture;
let ing: IngestFixture;

beforeEach(async () => {
  fx = await startStoreFixture();
  ing = await ingestFixture(fx);
});
afterEach(async () => {
  await fx.close();
});

const bucketDrift = (bucket: string, ruleId = 'TPS-S3-90') =>
  driftIdOf({ account: '111122223333', region: 'eu-west-1', resourceType: 's3-bucket', resourceId: bucket, ruleId });

describe('Function: ingestEvent', () => {
  it('opens drift for a violating CloudTrail event and publishes one transition with the owner', async () => {
    // Act
    const r = await ingestEvent(fixtureEvent('ct-versioning-suspended.json'), ing.deps);
    // Assess
    expect(r).toMatchObject({ events: 1, findings: 1, violations: 1 });
    expect(ing.publisher.published.map((t) => t.kind)).toEqual(['opened']);
    expect(ing.publisher.published[0]!.record).toMatchObject({
      driftId: bucketDrift('ml-training-vision-raw'),
      status: 'open',
      owner: 'vision',
      severity: 'high',
      area: 's3',
      packVersion: ing.pack.version,
    });
  });

  it('resolves it when versioning is enabled again, and reopens it when suspended later', async () => {
    // Act
    for (const name of [
      'ct-versioning-suspended.json',
      'ct-versioning-enabled.json',
      'ct-versioning-suspended-again.json',
    ])
      await ingestEvent(fixtureEvent(name), ing.deps);
    // Assess
    expect(ing.publisher.published.map((t) => t.kind)).toEqual(['opened', 'resolved', 'reopened']);
    expect(ing.publisher.published[1]!.record.resolvedBy).toBe(
      'arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/github-actions',
    );
  });

  it('resolves Config drift when a later configuration item complies (no resolve condition needed)', async () => {
    // Act
    await ingestEvent(fixtureEvent('cfg-bucket-unversioned.json'), ing.deps);
    await ingestEvent(fixtureEvent('cfg-bucket-versioned.json'), ing.deps);
    // Assess
    // The bucket's tag owner=nlp adds nlp; no owners.resources glob names it, so its owner is the default.
    expect(
      ing.publisher.published.map((t) => [t.kind, t.record.ruleId, t.record.owner, t.record.taggedOwners]),
    ).toEqual([
      ['opened', 'TPS-CFG-90', 'default', ['nlp']],
      ['resolved', 'TPS-CFG-90', 'default', ['nlp']],
    ]);
  });

  it('makes no request at all for an event no rule matches, or a resource out of scope', async () => {
    // Act
    const unrelated = await ingestEvent(fixtureEvent('ct-unrelated.json'), ing.deps);
    const outOfScope = await ingestEvent(fixtureEvent('ct-versioning-out-of-scope.json'), ing.deps);
    // Assess
    expect([unrelated.findings, outOfScope.findings]).toEqual([0, 0]);
    expect(fx.writes() + fx.reads()).toBe(0);
  });

  it('stays within the budget: 2 writes per matching rule, 1 for a duplicate, no reads on the hot path', async () => {
    // Prepare
    const event = fixtureEvent('gd-exfiltration.json');
    // Act
    await ingestEvent(event, ing.deps);
    const first = { writes: fx.writes(), reads: fx.reads() };
    fx.reset();
    await ingestEvent(structuredClone(event), ing.deps);
    // Assess
    expect(first).toEqual({ writes: 2, reads: 0 });
    expect(fx.writes()).toBe(1);
  });

  it('records input that can never succeed as rejected, with TTL and secrets redacted, and does not throw', async () => {
    // Act
    const r = await ingestEvent(fixtureEvent('bad-shape.json'), ing.deps);
    // Assess
    expect(r.rejected).toEqual([{ where: 'event', reason: expect.stringContaining('unrecognized event shape') }]);
    const out = await fx.table.doc.send(
      new QueryCommand({
        TableName: fx.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'REJECTED#2026-11-02' },
      }),
    );
    expect(out.Items).toHaveLength(1);
    const item = out.Items![0]!;
    expect(item).toMatchObject({
      intake: 'test',
      where: 'event',
      expiresAt: Date.parse('2026-12-02T18:00:00Z') / 1000,
    });
    expect(item.excerpt).not.toContain('hunter2');
  });

  it('keeps secrets out of history and transitions: evidence is redacted', async () => {
    // Act
    await ingestEvent(fixtureEvent('ct-training-open.json'), ing.deps);
    // Assess
    const t = ing.publisher.published[0]!;
    const history = await fx.store.listHistory(t.record.driftId);
    const stored = JSON.stringify({ t, history });
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'hunter2'])
      expect(stored).not.toContain(secret);
    expect(
      (t.evidence!.fields as { requestParameters: { environment: Record<string, string> } }).requestParameters
        .environment,
    ).toMatchObject({ HF_HOME: '[value not kept]', DB_PASSWORD: '***REDACTED***' }); // keys only, never values
  });

  it('suppresses drift an active exception covers, and publishes a suppressed transition', async () => {
    // Prepare
    const exceptions = (ruleId: string, resource: { id: string }) =>
      ruleId === 'TPS-S3-90' && resource.id === 'ml-training-vision-raw' ? 'EX-0001' : undefined;
    const deps = { ...ing.deps, exceptions };
    // Act
    await ingestEvent(fixtureEvent('ct-versioning-suspended.json'), deps);
    // Assess
    expect(ing.publisher.published.map((t) => [t.kind, t.record.status, t.record.exceptionId])).toEqual([
      ['suppressed', 'suppressed', 'EX-0001'],
    ]);
  });

  it('throws when publishing fails, and publishes the transition on the retry', async () => {
    // Prepare
    const failing = { publish: async () => Promise.reject(new Error('throttled')) };
    const event = fixtureEvent('ct-versioning-suspended.json');
    // Act
    await expect(ingestEvent(event, { ...ing.deps, publisher: failing })).rejects.toThrow('throttled');
    const retry = await ingestEvent(structuredClone(event), ing.deps);
    // Assess
    expect(retry.outcomes.duplicate).toBe(1);
    expect(ing.publisher.published.map((t) => [t.kind, t.eventId])).toEqual([
      ['opened', '5a1c0e2b-0001-4c3e-9b1a-000000000001'],
    ]);
  });

  it('records a cannot-evaluate verdict caused by a truncated field as unverifiable drift, within the write budget', async () => {
    // Prepare: CloudTrail truncated the request parameters
    const event = fixtureEvent('ct-versioning-suspended.json');
    (event.detail as Record<string, unknown>).requestParameters = {
      bucketName: 'ml-training-vision-raw',
      VersioningConfiguration: { omitted: true },
    };
    // Act
    const r = await ingestEvent(event, ing.deps);
    // Assess
    expect(r).toMatchObject({ cannotEvaluate: 1, unverifiable: 1, findings: 1 });
    expect(r.transitions.map((t) => [t.kind, t.record.status])).toEqual([['unverifiable', 'unverifiable']]);
    expect(fx.writes()).toBe(2);
  });
});

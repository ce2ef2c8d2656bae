import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDriftStore, DynamoResourceTags } from '../../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../../shared/adapters/local/index.js';
import { loadConfig } from '../../../shared/config/index.js';
import { ingestEvent, type IngestDeps, MAX_REMEMBERED_TAGS } from '../../../shared/ingest/index.js';
import { fixedClock } from '../../../shared/kernel/index.js';
import { createEvaluator, loadPolicyPack } from '../../../shared/policy/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import { type Json, REPO_ROOT } from '../../helpers/fixtures.js';
import { RecordingPublisher } from './ingest-fixture.js';

/**
 * Issue 13, attacker review item 7 part 28: a bucket in scope only through its tag. CloudTrail
 * carries no tags, so the tags are remembered from what carries them (Config items, GuardDuty,
 * tagging calls) and used for scope; where they are unknown, the rule says so instead of passing.
 */
const SECURITY = join(REPO_ROOT, 'test', 'security', 'fixtures');

const repro = (name: string): Json => JSON.parse(readFileSync(join(SECURITY, name), 'utf8')) as Json;
const CONFIG_ITEM = '28-1-config-tagged-bucket.json';
const PUBLIC_POLICY = '28-2-public-policy-tagged-bucket.json';

/** A CloudTrail S3 call on research-datasets, `name` with these request parameters, at `time`. */
function s3Call(eventName: string, requestParameters: Json, time: string, id: string): Json {
  const e = repro(PUBLIC_POLICY);
  e.id = id;
  e.time = time;
  e.detail.eventID = id;
  e.detail.eventTime = time;
  e.detail.eventName = eventName;
  e.detail.requestParameters = { bucketName: 'research-datasets', ...requestParameters };
  return e;
}
const tagging = (tags: Array<[string, string]>) => ({
  Tagging: { TagSet: { Tag: tags.map(([Key, Value]) => ({ Key, Value })) } },
});

let table: LocalTable;
let deps: IngestDeps;
let publisher: RecordingPublisher;
beforeEach(async () => {
  table = await openTestTable();
  publisher = new RecordingPublisher();
  const [pack, config] = await Promise.all([
    loadPolicyPack(join(REPO_ROOT, 'policies')),
    loadConfig(join(SECURITY, 'tpguard.config.yaml')),
  ]);
  deps = {
    evaluator: createEvaluator(pack, config),
    store: new DynamoDriftStore(table.doc, { tableName: table.tableName }),
    tags: new DynamoResourceTags(table.doc, table.tableName),
    publisher,
    clock: fixedClock('2026-11-02T18:00:00Z'),
    intake: 'test',
  };
});
afterEach(async () => table.close());

const opened = () => publisher.published.filter((t) => t.kind === 'opened').map((t) => t.record.ruleId);

describe('Scope through remembered tags (attack 7, part 28)', () => {
  it('judges the public policy of a bucket whose tag a Config item showed (28-1 then 28-2)', async () => {
    // Act
    await ingestEvent(repro(CONFIG_ITEM), deps);
    const policy = await ingestEvent(repro(PUBLIC_POLICY), deps);
    // Assess
    expect(policy.violations).toBeGreaterThan(0);
    expect(opened()).toContain('TPS-S3-01');
  });

  it('says the tags are unknown (cannot-evaluate with the reason) rather than passing in silence (28-2 alone)', async () => {
    // Prepare
    const warnings: Array<{ message: string; fields: Json }> = [];
    const telemetry = {
      count: () => undefined,
      info: () => undefined,
      warn: (message: string, fields: Json) => void warnings.push({ message, fields }),
      error: () => undefined,
    };
    // Act
    const result = await ingestEvent(repro(PUBLIC_POLICY), { ...deps, telemetry } as IngestDeps);
    // Assess
    expect(result.violations).toBe(0);
    expect(result.cannotEvaluate).toBeGreaterThan(0);
    const s301 = warnings.find((w) => w.fields.ruleId === 'TPS-S3-01');
    expect(s301?.fields.cause).toBe('tags-unknown');
    expect(s301?.fields.reason).toMatch(/tags of s3-bucket research-datasets are unknown/);
  });

  it('learns tags from PutBucketTagging and forgets them with DeleteBucketTagging, in event-time order', async () => {
    // Act: tagged in scope at 08:00, untagged at 08:10, a late copy of the 08:00 tagging arrives last.
    await ingestEvent(
      s3Call('PutBucketTagging', tagging([['ml:pipeline', 'training']]), '2026-11-02T08:00:00Z', 'a'),
      deps,
    );
    const inScope = await ingestEvent(repro(PUBLIC_POLICY), deps);
    await ingestEvent(s3Call('DeleteBucketTagging', {}, '2026-11-02T08:30:00Z', 'b'), deps);
    await ingestEvent(
      s3Call('PutBucketTagging', tagging([['ml:pipeline', 'training']]), '2026-11-02T08:00:01Z', 'c'),
      deps,
    );
    const later = s3Call('PutBucketPolicy', repro(PUBLIC_POLICY).detail.requestParameters, '2026-11-02T09:00:00Z', 'd');
    const outOfScope = await ingestEvent(later, deps);
    // Assess
    expect(inScope.violations).toBeGreaterThan(0);
    expect(outOfScope.findings + outOfScope.cannotEvaluate).toBe(0);
  });

  it('applies remembered tags to each part of a faceted resource: a security group tagged in scope (NET-01)', async () => {
    // Prepare: a Config item of sg-0abc (out of scope by name) tagged ml:pipeline=training, then port 22 opened to the world.
    const item = repro(CONFIG_ITEM);
    const ci = item.detail.configurationItem;
    Object.assign(ci, {
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0abc1234567890def',
      resourceName: 'training-sg',
      ARN: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0abc1234567890def',
      configuration: { groupId: 'sg-0abc1234567890def', ipPermissions: [] },
      supplementaryConfiguration: {},
    });
    item.resources = [ci.ARN];
    const ingress = JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'events', 'cloudtrail', 'ec2-authorize-security-group-ingress-world-violation.json'),
        'utf8',
      ).replaceAll('sg-0ml5a1b2c3d4e5f60', 'sg-0abc1234567890def'),
    ) as Json;
    // Act
    const before = await ingestEvent(structuredClone(ingress), deps);
    await ingestEvent(item, deps);
    ingress.id = 'ingress-again';
    ingress.detail.eventID = 'ingress-again';
    const after = await ingestEvent(ingress, deps);
    // Assess
    expect(before.violations).toBe(0);
    expect(before.cannotEvaluate).toBeGreaterThan(0);
    expect(after.violations).toBeGreaterThan(0);
    expect(opened()).toContain('TPS-NET-01');
  });

  it('stores a bounded, redacted tags item per resource', async () => {
    // Prepare: 80 tags of 600 characters, one of them a secret.
    const item = repro(CONFIG_ITEM);
    const tags: Record<string, string> = {
      'ml:pipeline': 'training',
      token: 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
    };
    for (let i = 0; i < 80; i++) tags[`k${String(i).padStart(3, '0')}${'x'.repeat(200)}`] = 'v'.repeat(600);
    item.detail.configurationItem.tags = tags;
    // Act
    await ingestEvent(item, deps);
    // Assess
    const stored = await deps.tags!.getTags({
      account: '111122223333',
      region: 'eu-west-1',
      type: 's3-bucket',
      id: 'research-datasets',
    });
    expect(stored).toBeDefined();
    const entries = Object.entries(stored!.tags);
    expect(entries.length).toBeLessThanOrEqual(MAX_REMEMBERED_TAGS);
    expect(entries.every(([k, v]) => k.length <= 128 && v.length <= 256)).toBe(true);
    expect(stored!.tags['ml:pipeline']).toBe('training');
    expect(JSON.stringify(stored)).not.toContain('ghp_0123456789');
    const raw = await table.doc.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: 'TAGS#111122223333#eu-west-1#s3-bucket#research-datasets', sk: 'TAGS' },
      }),
    );
    expect(JSON.stringify(raw.Item).length).toBeLessThan(40_000);
  });

  it('reads no tags when the resource is in scope by name, and writes none without scope.tags', async () => {
    // Prepare: the ingest fixture config has no scope.tags.
    const config = await loadConfig(join(REPO_ROOT, 'test', 'shared', 'ingest', 'fixtures', 'tpguard.config.yaml'));
    const calls: string[] = [];
    const spy = {
      getTags: async () => void calls.push('get'),
      putTags: async () => void calls.push('put'),
    };
    const noTagScope = { ...deps, evaluator: createEvaluator(deps.evaluator.pack, config), tags: spy };
    // Act
    await ingestEvent(repro(CONFIG_ITEM), noTagScope as IngestDeps);
    await ingestEvent(repro(PUBLIC_POLICY), noTagScope as IngestDeps);
    // Assess
    expect(calls).toEqual([]);
  });
});

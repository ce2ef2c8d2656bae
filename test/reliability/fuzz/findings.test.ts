import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake, MAX_REASON_LENGTH, type IntakeResult } from '../../../shared/sources/index.js';
import { readInputs } from '../../../shared/events/index.js';
import { toIsoTime } from '../../../shared/sources/index.js';
import { loadConfig } from '../../../shared/config/index.js';
import { redactDeep } from '../../../shared/drift/index.js';
import {
  createEvaluator,
  evaluate,
  MAX_EVENT_DEPTH,
  MAX_RESOURCE_ID,
  nestedDeeperThan,
} from '../../../shared/policy/index.js';
import { loadPolicyPack } from '../../../shared/policy/index.js';
import { parseJson } from '../../../shared/kernel/index.js';
import { fixtureEvent } from '../../shared/ingest/ingest-fixture.js';
import { loadLeafEvents, ROOT } from '../support/seeds.js';
import { createWorld, eventBridge, loadFunctions, sns } from '../support/world.js';

/**
 * What the fuzz tests found, kept as fixed cases so that each stays fixed even if a
 * seed stops reaching it.
 */
const record = (id: string) => ({
  eventSource: 's3.amazonaws.com',
  eventName: 'PutBucketVersioning',
  eventID: id,
  eventTime: '2026-11-02T10:00:00Z',
  requestParameters: { bucketName: 'ml-training-data' },
});

async function read(file: string): Promise<IntakeResult[]> {
  const out: IntakeResult[] = [];
  for await (const r of readInputs([file])) out.push(r);
  return out;
}

describe('Function: fuzz findings (regressions)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tpguard-findings-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await (await loadFunctions()).close();
  });

  it('refuses times whose year has more than four digits, which no longer sort as strings', () => {
    // Act
    const times = [1e15, 8.64e15, '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '99999-01-01'].map(toIsoTime);

    // Assess
    expect(times).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(toIsoTime(99_999_999_999)).toBe('5138-11-16T09:46:39.000Z');
  });

  it('never gives an empty event id, account or resource id when the event carries empty strings', () => {
    // Prepare
    const ct = {
      ...record(''),
      recipientAccountId: '',
      awsRegion: '',
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'DeleteModelInvocationLoggingConfiguration',
    };
    const envelope = structuredClone(
      loadLeafEvents().find((e) => (e as { 'detail-type'?: string })['detail-type'] === 'AWS API Call via CloudTrail'),
    ) as Record<string, unknown>;
    Object.assign(envelope, { id: '', account: '', region: '' });

    // Act
    const results = [...intake(ct, 'ct'), ...intake(envelope, 'eb')];

    // Assess
    for (const r of results) {
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.observation.eventId).not.toBe('');
      expect(r.observation.account).not.toBe('');
      for (const res of r.observation.resources) expect(res.id).not.toBe('');
    }
  });

  it('rejects a last NDJSON line that is only a broken UTF-8 sequence instead of dropping it', async () => {
    // Prepare
    const file = join(dir, 'tail.ndjson');
    writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(record('a'))}\n`), Buffer.from([0xc8])]));

    // Act
    const results = await read(file);

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, false]);
  });

  it('rejects a log file whose "Records" key is followed by a second colon, instead of yielding nothing', async () => {
    // Prepare
    const file = join(dir, 'colon.json');
    writeFileSync(file, `{"Records": "x": [${JSON.stringify(record('a'))}]}`);

    // Act
    const results = await read(file);

    // Assess
    expect(results).toHaveLength(1);
    expect(results[0].ok).toBe(false);
  });

  it('rejects a log file with two "Records" lists instead of reading only one of them', async () => {
    // Prepare
    const file = join(dir, 'twice.json');
    writeFileSync(
      file,
      JSON.stringify({ Records: [record('a')] }).replace(/}$/, `,"Records":[${JSON.stringify(record('b'))}]}`),
    );

    // Act
    const results = await read(file);

    // Assess
    const rejections = results.flatMap((r) => (r.ok ? [] : [r.rejection.reason]));
    expect(rejections.join(' ')).toMatch(/duplicate "Records"/);
  });

  it('drops a __proto__ key spelled with a \\u escape, which a substring test let through', () => {
    // Act
    const value = parseJson('{"\\u005f_proto__": {"isAdmin": true}, "a": 1}') as Record<string, unknown>;

    // Assess
    expect(Object.hasOwn(value, '__proto__')).toBe(false);
    expect((Object.assign({}, value) as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('prunes what is nested deeper than CEL evaluates in linear time: only rules reading into it cannot evaluate', async () => {
    // Prepare
    const pack = await loadPolicyPack(join(ROOT, 'policies'));
    const ev = createEvaluator(pack, await loadConfig(join(ROOT, 'tpguard.config.yaml')));
    const event = structuredClone(loadLeafEvents().find((e) => JSON.stringify(e).includes('"CreateTrainingJob"'))) as {
      detail: { requestParameters: Record<string, unknown> };
    };
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5_000; i++) deep = { n: deep };
    event.detail.requestParameters = { deep, ...event.detail.requestParameters };
    const [result] = [...intake(event, 'deep')];

    // Act
    const findings = result.ok ? evaluate(ev, result.observation) : [];

    // Assess
    expect(nestedDeeperThan(event, MAX_EVENT_DEPTH)).toBe(true);
    expect(nestedDeeperThan(structuredClone(loadLeafEvents()), MAX_EVENT_DEPTH)).toBe(false);
    const blind = findings.filter((f) => f.reason?.includes('nested deeper than'));
    expect(blind.length).toBeGreaterThan(0);
    // Rules that read fields beside it (network isolation, volume encryption) still judge the job.
    expect(findings.filter((f) => f.verdict !== 'cannot-evaluate').length).toBeGreaterThan(0);
    for (const f of blind)
      expect(f.reason).toMatch(/^requestParameters[ .].*nested deeper than 64 levels$|^requestParameters: /);
  });

  it('keeps an own constructor key and numbers DynamoDB cannot store out of the evidence', () => {
    // Act
    const out = redactDeep({
      env: JSON.parse('{"constructor": {"name": "Map"}, "prototype": 1, "ok": "yes"}'),
      n: [Infinity, -9.5e27, 4e-237, 0, 1.5],
    });

    // Assess
    expect(out).toEqual({ env: { ok: 'yes' }, n: ['Infinity', '-9.5e+27', '4e-237', 0, 1.5] });
  });

  it('records a training job whose environment has a variable named constructor instead of throwing forever', async () => {
    // Prepare
    const w = await createWorld();
    const event = fixtureEvent('ct-training-open.json') as {
      detail: { requestParameters: { environment: Record<string, unknown> } };
    };
    event.detail.requestParameters.environment = JSON.parse('{"constructor": "x", "LIMIT": 1e400}');

    // Act
    const summary = await w.handlers.cloudtrail.lambdaHandler(event, w.ingestDeps);
    await w.close();
    eventBridge.reset();
    sns.reset();

    // Assess
    expect(summary).toMatchObject({ events: 1, rejected: 0, violations: 1 });
  });

  it('does not record a resource whose ARN is longer than any AWS ARN, and caps rejection reasons', async () => {
    // Prepare
    const pack = await loadPolicyPack(join(ROOT, 'policies'));
    const ev = createEvaluator(pack, await loadConfig(join(ROOT, 'tpguard.config.yaml')));
    const event = structuredClone(loadLeafEvents().find((e) => JSON.stringify(e).includes('"CreateTrainingJob"'))) as {
      detail: { requestParameters: Record<string, unknown> };
    };
    event.detail.requestParameters.trainingJobName = `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${'x'.repeat(MAX_RESOURCE_ID)}`;
    const [result] = [...intake(event, 'long')];
    const [rejected] = [...intake({ 'detail-type': 'x'.repeat(1_000_000), source: 'aws.s3', detail: {} }, 'huge')];

    // Act
    const findings = result.ok ? evaluate(ev, result.observation) : [];

    // Assess
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.reason).toMatch(/longer than 2048/);
    expect(rejected.ok ? '' : rejected.rejection.reason.length).toBeLessThanOrEqual(MAX_REASON_LENGTH + 1);
  });
});

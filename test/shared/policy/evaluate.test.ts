import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type TpguardConfig } from '../../../shared/config/index.js';
import { intake } from '../../../shared/sources/index.js';
import type { Observation } from '../../../shared/sources/index.js';
import { createEvaluator, evaluate, type Evaluator, type Finding } from '../../../shared/policy/evaluate.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/load.js';
import { loadShape, tempDir, type Json } from '../../helpers/fixtures.js';
import { writePack, type RuleSpec } from '../../helpers/pack.js';

const RULES: RuleSpec[] = [
  {
    id: 'TPS-S3-01',
    title: 'Pipeline bucket made public by policy',
    severity: 'critical',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketPolicy'] },
    resource: { type: 's3-bucket' },
    violation: 'policyIsPublic(req.bucketPolicy)',
  },
  {
    id: 'TPS-S3-02',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketVersioning'] },
    resource: { type: 's3-bucket' },
    violation: 'req.VersioningConfiguration.Status == "Suspended"',
    resolve: 'req.VersioningConfiguration.Status == "Enabled"',
  },
  {
    id: 'TPS-S3-03',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketPolicy'], includeFailed: true },
    resource: { type: 's3-bucket' },
    violation: 'obs.errorCode == "AccessDenied" && !matchesAny(actor.arn, config.approved.principals)',
  },
  {
    id: 'TPS-AUD-01',
    on: { source: 'cloudtrail', eventSource: 'cloudtrail.amazonaws.com', eventName: ['StopLogging', 'DeleteTrail'] },
    resource: { type: 'cloudtrail-trail' },
    violation: 'true',
  },
  {
    id: 'TPS-KMS-01',
    on: { source: 'cloudtrail', eventSource: 'kms.amazonaws.com', eventName: ['ScheduleKeyDeletion'] },
    resource: { type: 'kms-key', id: 'req.keyId' },
    violation: 'true',
  },
  {
    id: 'TPS-KMS-02',
    on: { source: 'cloudtrail', eventSource: 'kms.amazonaws.com', eventName: ['ScheduleKeyDeletion'] },
    resource: { type: 'kms-key', id: 'req.noSuchField' },
    violation: 'true',
  },
  {
    id: 'TPS-KMS-03',
    on: { source: 'cloudtrail', eventSource: 'kms.amazonaws.com', eventName: ['ScheduleKeyDeletion'] },
    resource: { type: 'kms-key', id: 'req.pendingWindowInDays' },
    violation: 'true',
  },
  {
    id: 'TPS-KMS-04',
    on: { source: 'cloudtrail', eventSource: 'kms.amazonaws.com', eventName: ['ScheduleKeyDeletion'] },
    resource: { type: 'kms-key' },
    violation: 'req.pendingWindowInDays < 30 && resp.keyState == "PendingDeletion"',
  },
  {
    id: 'TPS-KMS-05',
    on: { source: 'cloudtrail', eventSource: 'kms.amazonaws.com', eventName: ['ScheduleKeyDeletion'] },
    resource: { type: 'kms-key' },
    violation: 'req.keyId',
  },
  {
    id: 'TPS-IAM-01',
    on: { source: 'cloudtrail', eventSource: 'iam.amazonaws.com', eventName: ['AttachRolePolicy'] },
    resource: { type: 'iam-role' },
    violation: 'req.policyArn.endsWith("/AdministratorAccess")',
  },
  {
    id: 'TPS-IAM-02',
    on: { source: 'cloudtrail', eventSource: 'iam.amazonaws.com', eventName: ['AttachRolePolicy'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-GD-01',
    on: { source: 'guardduty', findingType: ['Exfiltration:S3/*'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-GD-02',
    on: { source: 'guardduty', findingType: ['CryptoCurrency:EC2/BitcoinTool.B!DNS'] },
    resource: { type: 'ec2-instance' },
    violation: 'detail.severity >= 7.0',
  },
  {
    id: 'TPS-CFG-01',
    on: { source: 'config', resourceType: ['AWS::S3::Bucket'] },
    resource: { type: 's3-bucket' },
    violation: 'detail.supplementaryConfiguration.BucketVersioningConfiguration.status != "Enabled"',
  },
  {
    id: 'TPS-SM-20',
    on: { source: 'sagemaker', detailType: ['SageMaker Training Job State Change'] },
    resource: { type: 'sagemaker-training-job' },
    violation: '!detail.EnableNetworkIsolation',
  },
  {
    id: 'TPS-SM-21',
    on: { source: 'sagemaker', detailType: ['SageMaker Training Job State Change'] },
    resource: { type: 'sagemaker-training-job' },
    violation: 'detail.HyperParameters.missing == "x"',
  },
];

const CONFIG = {
  scope: {
    resources: {
      's3-bucket': ['ml-training-*'],
      'iam-role': ['arn:aws:iam::111122223333:role/SageMaker*'],
      'kms-key': ['arn:aws:kms:*:111122223333:key/1234abcd-*'],
      'cloudtrail-trail': ['*'],
    },
    tags: { 'ml:pipeline': ['training'] },
  },
  approved: { principals: ['arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/*'] },
};

/** The observations of a shape fixture. */
function observations(file: string, edit?: (doc: Json) => void): Observation[] {
  const doc = loadShape<Json>(file);
  edit?.(doc);
  return [...intake(doc, file)].flatMap((r) => (r.ok ? [r.observation] : []));
}

describe('Function: evaluate', () => {
  let pack: PolicyPack;
  let ev: Evaluator;
  let cleanup: () => Promise<void>;
  const verdicts = (obs: Observation, evaluator = ev) =>
    evaluate(evaluator, obs).map((f) => `${f.ruleId} ${f.resource.id} ${f.verdict}`);
  const withConfig = (config: object) => createEvaluator(pack, ConfigSchema.parse(config) as TpguardConfig);

  beforeAll(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    pack = await loadPolicyPack(await writePack(tmp.dir, RULES));
    ev = withConfig(CONFIG);
  });

  afterAll(async () => {
    await cleanup();
  });

  it('meets only the rules whose trigger matches', () => {
    // Prepare
    const [stop, policy] = observations('cloudtrail-log-file.json');

    // Act & Assess
    expect(verdicts(stop!)).toEqual(['TPS-AUD-01 org-audit-trail violation']);
    expect(verdicts(policy!)).toEqual([
      'TPS-S3-01 ml-training-nlp-corpus violation',
      'TPS-S3-03 ml-training-nlp-corpus pass',
    ]);
    expect(observations('guardduty-malware-scan-result.json').flatMap((o) => verdicts(o))).toEqual([]);
  });

  it('reports the rule title and severity with a violation', () => {
    // Prepare
    const [, policy] = observations('cloudtrail-log-file.json');

    // Act
    const [finding] = evaluate(ev, policy!);

    // Assess
    expect(finding).toEqual({
      ruleId: 'TPS-S3-01',
      title: 'Pipeline bucket made public by policy',
      severity: 'critical',
      verdict: 'violation',
      resolves: false,
      resource: expect.objectContaining({ type: 's3-bucket', id: 'ml-training-nlp-corpus' }),
    });
  });

  it('evaluates only in-scope resources: by glob on name, id or ARN, or by tag', () => {
    // Prepare
    const [, policy] = observations('cloudtrail-log-file.json');
    const gd = observations('guardduty-finding-s3-exfiltration.json')[0]!;

    // Act
    const noScope = withConfig({});
    const byArn = withConfig({ scope: { resources: { 's3-bucket': ['arn:aws:s3:::ml-training-nlp-*'] } } });
    const byTag = withConfig({ scope: { tags: { owner: ['vis*'] } } });

    // Assess
    expect(verdicts(policy!, noScope)).toEqual([]);
    expect(verdicts(policy!, byArn)).toEqual([
      'TPS-S3-01 ml-training-nlp-corpus violation',
      'TPS-S3-03 ml-training-nlp-corpus pass',
    ]);
    expect(verdicts(gd, byTag)).toEqual(['TPS-GD-01 ml-training-vision-raw violation']);
    expect(verdicts(gd, noScope)).toEqual([]);
  });

  it('always evaluates training jobs, with no scope configured', () => {
    // Prepare
    const [job] = observations(
      'sagemaker-training-job-state-change.json',
      (e) => (e.detail.EnableNetworkIsolation = false),
    );

    // Act
    const result = evaluate(withConfig({}), job!);

    // Assess
    expect(result.map((f) => `${f.ruleId} ${f.verdict}`)).toEqual(['TPS-SM-20 violation', 'TPS-SM-21 cannot-evaluate']);
  });

  it('skips failed calls, except for rules that include them', () => {
    // Prepare
    const [, , denied] = observations('cloudtrail-log-file.json');

    // Act
    const result = evaluate(ev, denied!);

    // Assess
    expect(denied!.errorCode).toBe('AccessDenied');
    expect(result.map((f) => `${f.ruleId} ${f.verdict}`)).toEqual(['TPS-S3-03 violation']);
  });

  it('cannot evaluate when the event lacks the resource, and says so', () => {
    // Prepare
    const [attach] = [
      ...intake(
        {
          eventSource: 'iam.amazonaws.com',
          eventName: 'AttachRolePolicy',
          recipientAccountId: '111122223333',
          requestParameters: {
            roleName: 'SageMakerTrainingExecution',
            policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          },
        },
        'x',
      ),
    ].flatMap((r) => (r.ok ? [r.observation] : []));

    // Act
    const result = evaluate(ev, attach!);

    // Assess
    expect(result).toEqual([
      {
        ruleId: 'TPS-IAM-01',
        title: 'Test rule TPS-IAM-01',
        severity: 'high',
        verdict: 'violation',
        resolves: false,
        resource: expect.objectContaining({ id: 'SageMakerTrainingExecution' }),
      },
      {
        ruleId: 'TPS-IAM-02',
        title: 'Test rule TPS-IAM-02',
        severity: 'informational',
        verdict: 'cannot-evaluate',
        resolves: false,
        resource: { type: 's3-bucket', id: 'unknown' },
        reason: 'no s3-bucket in the event',
        cause: 'no-resource',
      },
    ]);
  });

  it('takes the resource from resource.id, and cannot evaluate when that expression fails', () => {
    // Prepare
    const [obs] = observations('cloudtrail-record-kms-schedule-key-deletion.json');

    // Act
    const result = evaluate(ev, obs!);

    // Assess
    expect(result.map((f) => [f.ruleId, f.verdict, f.reason ?? ''])).toEqual([
      ['TPS-KMS-01', 'violation', ''],
      ['TPS-KMS-02', 'cannot-evaluate', expect.stringMatching(/^resource\.id: .*noSuchField/)],
      ['TPS-KMS-03', 'cannot-evaluate', 'resource.id did not give a kms-key id'],
      ['TPS-KMS-04', 'violation', ''],
      ['TPS-KMS-05', 'cannot-evaluate', 'violation did not give a bool'],
    ]);
    expect(result[0]?.resource).toMatchObject({
      id: '1234abcd-12ab-34cd-56ef-1234567890ab',
      arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
  });

  it('turns a CEL runtime error into cannot-evaluate (informational), never a silent pass', () => {
    // Prepare
    const [job] = observations('sagemaker-training-job-state-change.json');

    // Act
    const finding = evaluate(ev, job!).find((f) => f.ruleId === 'TPS-SM-21');

    // Assess
    expect(finding).toMatchObject({
      verdict: 'cannot-evaluate',
      severity: 'informational',
      reason: expect.stringMatching(/^violation: .*missing/),
    });
  });

  it('captures no stack for the errors CEL builds on absent fields, and restores the limit it found', () => {
    // Prepare
    const [job] = observations('sagemaker-training-job-state-change.json');
    const saved = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!;
    const limits: number[] = [];
    let limit = 7;
    Object.defineProperty(Error, 'stackTraceLimit', {
      configurable: true,
      get: () => limit,
      set: (v: number) => {
        limits.push(v);
        limit = v;
      },
    });

    // Act
    let finding: Finding | undefined;
    try {
      finding = evaluate(ev, job!).find((f) => f.ruleId === 'TPS-SM-21');
    } finally {
      Object.defineProperty(Error, 'stackTraceLimit', saved);
    }

    // Assess
    expect(finding).toMatchObject({ verdict: 'cannot-evaluate', reason: expect.stringMatching(/missing/) });
    expect(limits).toEqual([0, 7]);
    expect(Error.stackTraceLimit).toBe(saved.value);
  });

  it('cannot evaluate a rule that reads a field CloudTrail truncated (omitted: true); other rules evaluate', () => {
    // Prepare
    const [policy] = observations('cloudtrail-log-file.json', (log) => {
      log.Records[1].requestParameters.bucketPolicy = { omitted: true, originalSize: 24576 };
    }).slice(1);

    // Act
    const result = evaluate(ev, policy!);

    // Assess: TPS-S3-01 reads req.bucketPolicy, TPS-S3-03 only the caller and the error code
    expect(result.map((f) => [f.ruleId, f.verdict, f.reason])).toEqual([
      ['TPS-S3-01', 'cannot-evaluate', 'CloudTrail truncated requestParameters.bucketPolicy (omitted: true)'],
      ['TPS-S3-03', 'pass', undefined],
    ]);
  });

  it('prunes a subtree nested deeper than MAX_EVENT_DEPTH: only the rules reading into it cannot evaluate', () => {
    // Prepare
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5_000; i++) deep = { n: deep };
    const [aside] = observations('cloudtrail-log-file.json', (log) => {
      log.Records[1].additionalEventData = { deep };
    }).slice(1);
    const [inside] = observations('cloudtrail-log-file.json', (log) => {
      log.Records[1].requestParameters.bucketPolicy = { deep };
    }).slice(1);

    // Act
    const a = evaluate(ev, aside!);
    const b = evaluate(ev, inside!);

    // Assess
    expect(a.map((f) => [f.ruleId, f.verdict])).toEqual([
      ['TPS-S3-01', 'violation'],
      ['TPS-S3-03', 'pass'],
    ]);
    expect(b.map((f) => [f.ruleId, f.verdict, f.reason])).toEqual([
      [
        'TPS-S3-01',
        'cannot-evaluate',
        expect.stringMatching(/^requestParameters\.bucketPolicy\.deep\.n.* nested deeper than 64 levels$/),
      ],
      ['TPS-S3-03', 'pass', undefined],
    ]);
  });

  it('resolves earlier drift only when the rule says so, or for a configuration item that now complies', () => {
    // Prepare
    const [suspended] = observations('eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json');
    const enabledObs = observations(
      'eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json',
      (e) => (e.detail.requestParameters.VersioningConfiguration.Status = 'Enabled'),
    )[0]!;
    const otherState = observations(
      'eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json',
      (e) => (e.detail.requestParameters.VersioningConfiguration.Status = 'Unknown'),
    )[0]!;
    const ciBad = observations('config-item-change-s3-bucket.json')[0]!;
    const ciGood = observations(
      'config-item-change-s3-bucket.json',
      (e) => (e.detail.configurationItem.supplementaryConfiguration.BucketVersioningConfiguration.status = 'Enabled'),
    )[0]!;

    // Act
    const results = [suspended!, enabledObs, otherState, ciBad, ciGood].map((o) =>
      evaluate(ev, o).map((f) => `${f.verdict}${f.resolves ? ' resolves' : ''}`),
    );

    // Assess
    expect(results).toEqual([['violation'], ['pass resolves'], ['pass'], ['violation'], ['pass resolves']]);
  });

  it('evaluates only the rules asked for', () => {
    // Prepare
    const [obs] = observations('cloudtrail-record-kms-schedule-key-deletion.json');

    // Act
    const result = evaluate(ev, obs!, new Set(['TPS-KMS-04']));

    // Assess
    expect(result.map((f) => f.ruleId)).toEqual(['TPS-KMS-04']);
  });

  it('gives CEL the variables: config lists, actor, obs', () => {
    // Prepare
    const [, , denied] = observations('cloudtrail-log-file.json');
    const approved = withConfig({
      ...CONFIG,
      approved: { principals: ['arn:aws:sts::111122223333:assumed-role/dev-jumpbox/*'] },
    });

    // Act
    const result = evaluate(approved, denied!);

    // Assess
    expect(result.map((f) => `${f.ruleId} ${f.verdict}`)).toEqual(['TPS-S3-03 pass']);
  });
});

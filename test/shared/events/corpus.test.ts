import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../shared/config/index.js';
import type { IntakeResult } from '../../../shared/sources/index.js';
import { readInputs } from '../../../shared/events/reader.js';
import { createEvaluator, evaluate, type Evaluator, type Finding } from '../../../shared/policy/index.js';
import { loadPolicyPack } from '../../../shared/policy/index.js';
import { CORPUS_DIR, tempDir } from '../../helpers/fixtures.js';
import { writePack, type RuleSpec } from '../../helpers/pack.js';

/** Rules that meet many corpus events, so that evaluation (not only intake) is exercised. */
const RULES: RuleSpec[] = [
  {
    id: 'TPS-T-01',
    on: {
      source: 'cloudtrail',
      eventSource: 's3.amazonaws.com',
      eventName: ['PutBucketPolicy', 'PutBucketVersioning', 'DeleteBucketEncryption', 'PutBucketAcl', 'CreateBucket'],
    },
    resource: { type: 's3-bucket' },
    violation:
      'policyIsPublic(req.?bucketPolicy.orValue({})) || req.?VersioningConfiguration.?Status.orValue("") == "Suspended"',
  },
  {
    id: 'TPS-T-02',
    on: {
      source: 'cloudtrail',
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: ['StopLogging', 'DeleteTrail', 'PutEventSelectors'],
    },
    resource: { type: 'cloudtrail-trail' },
    violation: 'true',
  },
  {
    id: 'TPS-T-03',
    on: {
      source: 'cloudtrail',
      eventSource: 'kms.amazonaws.com',
      eventName: ['PutKeyPolicy', 'ScheduleKeyDeletion', 'DisableKey'],
    },
    resource: { type: 'kms-key', id: 'req.keyId' },
    violation: 'policyIsPublic(req.?policy.orValue("{}")) || obs.eventId != ""',
  },
  {
    id: 'TPS-T-04',
    on: {
      source: 'cloudtrail',
      eventSource: 'iam.amazonaws.com',
      eventName: ['AttachRolePolicy', 'UpdateAssumeRolePolicy', 'CreateRole'],
    },
    resource: { type: 'iam-role' },
    violation:
      'req.?policyArn.orValue("").endsWith("/AdministratorAccess") || policyIsPublic(req.?policyDocument.orValue("{}"))',
  },
  {
    id: 'TPS-T-05',
    on: { source: 'cloudtrail', eventSource: 'ec2.amazonaws.com', eventName: ['AuthorizeSecurityGroupIngress'] },
    resource: { type: 'security-group' },
    violation: 'opensToWorld(req)',
  },
  {
    id: 'TPS-T-06',
    on: {
      source: 'cloudtrail',
      eventSource: 'bedrock.amazonaws.com',
      eventName: ['CreateModelCustomizationJob', 'DeleteModelInvocationLoggingConfiguration'],
    },
    resource: { type: 'bedrock-logging' },
    violation: 'obs.eventId.size() > 0',
  },
  {
    id: 'TPS-T-07',
    on: {
      source: 'guardduty',
      findingType: [
        'Policy:S3/*',
        'PenTest:S3/*',
        'Backdoor:EC2/*',
        'UnauthorizedAccess:IAMUser/*',
        'Recon:IAMUser/*',
        'AttackSequence:*',
      ],
    },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-T-08',
    on: {
      source: 'config',
      resourceType: ['AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::ECR::Repository'],
    },
    resource: { type: 's3-bucket' },
    violation: 'detail.?supplementaryConfiguration.?BucketVersioningConfiguration.?status.orValue("Off") != "Enabled"',
  },
  {
    id: 'TPS-T-09',
    on: { source: 'config', detailType: 'Config Rules Compliance Change', resourceType: ['AWS::IAM::Role'] },
    resource: { type: 'iam-role' },
    violation: 'detail.newEvaluationResult.complianceType == "NON_COMPLIANT"',
  },
  {
    id: 'TPS-T-10',
    on: {
      source: 'sagemaker',
      detailType: [
        'SageMaker Training Job State Change',
        'SageMaker HyperParameter Tuning Job State Change',
        'SageMaker Model Building Pipeline Execution Status Change',
        'SageMaker Model Building Pipeline Execution Step Status Change',
      ],
    },
    resource: { type: 'sagemaker-training-job' },
    violation: '!(has(detail.EnableNetworkIsolation) && detail.EnableNetworkIsolation)',
  },
  {
    id: 'TPS-T-11',
    on: { source: 'bedrock', detailType: ['Model Customization Job State Change'] },
    resource: { type: 'bedrock-customization-job' },
    violation: 'detail.jobStatus == "Failed"',
  },
];

const VERDICTS = new Set(['violation', 'pass', 'cannot-evaluate']);

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out.sort();
}

describe('Function: readInputs (public corpus)', () => {
  let evaluator: Evaluator;
  let cleanup: () => Promise<void>;
  const results: IntakeResult[] = [];
  const skipped = new Map<string, string>();
  const findings = new Map<string, Finding[]>();

  beforeAll(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const pack = await loadPolicyPack(await writePack(tmp.dir, RULES));
    evaluator = createEvaluator(
      pack,
      ConfigSchema.parse({
        scope: {
          resources: {
            's3-bucket': ['*'],
            'iam-role': ['*'],
            'kms-key': ['*'],
            'security-group': ['*'],
            'cloudtrail-trail': ['*'],
          },
        },
      }),
    );
    for await (const r of readInputs([CORPUS_DIR], { onSkip: (file, reason) => skipped.set(file, reason) })) {
      results.push(r);
      if (r.ok) findings.set(r.where, evaluate(evaluator, r.observation));
    }
  });

  afterAll(async () => {
    await cleanup();
  });

  it('accounts for every file: evaluated, rejected with a reason, or skipped with a reason', async () => {
    // Prepare
    const files = await listFiles(CORPUS_DIR);
    const fileOf = (where: string) => files.find((f) => where === f || where.startsWith(`${f}:`));

    // Act
    const seen = new Set([...results.map((r) => fileOf(r.ok ? r.where : r.rejection.where)), ...skipped.keys()]);

    // Assess
    expect(files.length).toBeGreaterThanOrEqual(60);
    expect(files.filter((f) => !seen.has(f)).map((f) => relative(CORPUS_DIR, f))).toEqual([]);
  });

  it('gives every rejection a one-line reason naming the file and record', () => {
    // Act
    const rejected = results.flatMap((r) => (r.ok ? [] : [r.rejection]));

    // Assess
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) {
      expect(r.where.startsWith(CORPUS_DIR)).toBe(true);
      expect(r.reason.length).toBeGreaterThan(10);
      expect(r.reason).not.toMatch(/\n|^\s+at /);
    }
  });

  it('rejects the malformed file as invalid JSON instead of crashing', () => {
    // Act
    const malformed = results.find(
      (r) => !r.ok && r.rejection.where.endsWith('ct_osis_UpdatePipeline.MALFORMED.json.txt'),
    );

    // Assess
    expect(malformed).toEqual({
      ok: false,
      rejection: {
        where: join(CORPUS_DIR, 'aws-docs-opensearch', 'ct_osis_UpdatePipeline.MALFORMED.json.txt'),
        reason: expect.stringMatching(/^invalid JSON at position \d+ \(line 36 column 43\)$/),
      },
    });
  });

  it('skips INDEX.md with a reason', () => {
    // Assess
    expect(skipped.get(join(CORPUS_DIR, 'INDEX.md'))).toBe('not an event file (not JSON, NDJSON or gzip)');
    expect(skipped.size).toBe(1);
  });

  it('rejects what is not a training-pipeline event, and says why', () => {
    // Prepare
    const reasonOf = (name: string) =>
      results.flatMap((r) => (!r.ok && r.rejection.where.endsWith(name) ? [r.rejection.reason] : []));

    // Assess
    expect(reasonOf('event-instance-state.json')).toEqual([
      'unsupported event: source aws.ec2, detail-type "EC2 Instance State-change Notification"',
    ]);
    expect(reasonOf('event-scheduled.json')).toEqual([
      'unsupported event: source aws.events, detail-type "Scheduled Event"',
    ]);
    expect(reasonOf('sm_endpoint_state_change.json')).toEqual([
      'unsupported event: source aws.sagemaker, detail-type "SageMaker Endpoint State Change"',
    ]);
    expect(reasonOf('eb_bedrock_batch_inference_job_state_change.json')).toEqual([
      'unsupported event: source aws.bedrock, detail-type "Batch Inference Job State Change"',
    ]);
    expect(reasonOf('Credential-Access-IAM-Anomalous-Behavior.json')[0]).toContain('PascalCase');
    expect(reasonOf('sm_model_package_state_change.json')).toEqual([
      'envelope field "source" must be a string (got array)',
    ]);
  });

  it('normalizes every accepted record with an ISO time, an id and a known source', () => {
    // Act
    const observations = results.flatMap((r) => (r.ok ? [r.observation] : []));

    // Assess
    expect(observations.length).toBeGreaterThanOrEqual(45);
    for (const o of observations) {
      expect(o.eventId.length).toBeGreaterThan(0);
      expect(o.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(['cloudtrail', 'guardduty', 'config', 'sagemaker', 'bedrock']).toContain(o.source);
    }
  });

  it('evaluates every accepted record, each verdict valid', () => {
    // Act
    const all = [...findings.values()].flat();

    // Assess
    expect(all.length).toBeGreaterThan(20);
    for (const f of all) expect(VERDICTS.has(f.verdict), `${f.ruleId} ${f.verdict}`).toBe(true);
    expect(new Set(all.map((f) => f.ruleId)).size).toBeGreaterThanOrEqual(9);
  });

  it('treats a failed call as an observation but not a violation', () => {
    // Act
    const denied = results.find((r) => r.ok && r.where.endsWith('ct_s3_PutBucketPolicy_accessdenied.json'));
    const publicPolicy = results.find((r) => r.ok && r.where.endsWith('ct_s3_PutBucketPolicy_public.json'));

    // Assess
    expect(denied).toMatchObject({ ok: true, observation: { errorCode: 'AccessDenied' } });
    expect(findings.get((denied as { where: string }).where)).toEqual([]);
    expect(findings.get((publicPolicy as { where: string }).where)?.map((f) => f.verdict)).toEqual(['violation']);
  });

  it('meets only rules whose trigger matches (DeleteBucketEncryption from ec2.amazonaws.com is not S3)', () => {
    // Act
    const negative = results.find((r) => r.ok && r.where.endsWith('ct_ec2source_DeleteBucketEncryption_negative.json'));

    // Assess
    expect(negative?.ok).toBe(true);
    expect(findings.get((negative as { where: string }).where)).toEqual([]);
  });
});

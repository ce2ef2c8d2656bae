import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/index.js';
import { intake } from '../../shared/sources/index.js';
import { createEvaluator, evaluate, type Evaluator, type Finding } from '../../shared/policy/index.js';
import { loadPolicyPack, type PolicyPack } from '../../shared/policy/index.js';
import { loadJson, REPO_ROOT, type Json } from '../helpers/fixtures.js';

/** Every finding of the whole pack for one event document. */
function findings(ev: Evaluator, doc: unknown): Finding[] {
  return [...intake(doc, 'trap')].flatMap((r) => {
    if (!r.ok) throw new Error(`fixture rejected: ${r.rejection.reason}`);
    return evaluate(ev, r.observation);
  });
}

/** `ruleId verdict` of the findings of one rule (or all rules). */
const verdicts = (ev: Evaluator, doc: unknown, ruleId?: string) =>
  findings(ev, doc)
    .filter((f) => !ruleId || f.ruleId === ruleId)
    .map((f) => `${f.ruleId} ${f.verdict}`);

const ct = (file: string) => loadJson<Json>(`events/cloudtrail/${file}`);

describe('Traps: events that look like violations and are not, and the reverse', () => {
  let pack: PolicyPack;
  let ev: Evaluator;

  beforeAll(async () => {
    pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
    ev = createEvaluator(pack, await loadConfig(join(REPO_ROOT, 'policies', 'test.config.yaml')));
  });

  it('never reports a failed call (errorCode) as a violation', () => {
    // Prepare
    const failed = ct('s3-put-bucket-policy-public-violation.json');
    failed.detail.errorCode = 'AccessDenied';
    failed.detail.errorMessage = 'Access Denied';

    // Act + Assess
    expect(verdicts(ev, ct('s3-put-bucket-policy-public-violation.json'), 'TPS-S3-01')).toEqual([
      'TPS-S3-01 violation',
    ]);
    expect(findings(ev, failed)).toEqual([]);
  });

  it('evaluates a failed call only for a rule that sets includeFailed', () => {
    // Prepare
    const failed = ct('s3-put-bucket-policy-public-violation.json');
    failed.detail.errorCode = 'AccessDenied';
    const rules = pack.rules.map((c) =>
      c.rule.id === 'TPS-S3-01' ? { ...c, rule: { ...c.rule, on: { ...c.rule.on, includeFailed: true } } } : c,
    ) as PolicyPack['rules'];
    const including = createEvaluator({ ...pack, rules }, ev.config);

    // Act + Assess
    expect(verdicts(including, failed, 'TPS-S3-01')).toEqual(['TPS-S3-01 violation']);
  });

  it('does not treat a Deny with Principal "*" as public', () => {
    // Prepare
    const denyOnly = ct('s3-put-bucket-policy-restricted-compliant.json');
    const policy = denyOnly.detail.requestParameters.bucketPolicy;
    policy.Statement = policy.Statement.filter((s: Json) => s.Effect === 'Deny');

    // Act + Assess
    expect(policy.Statement.every((s: Json) => s.Principal === '*')).toBe(true);
    expect(verdicts(ev, denyOnly, 'TPS-S3-01')).toEqual(['TPS-S3-01 pass']);
    expect(verdicts(ev, ct('s3-put-bucket-policy-restricted-compliant.json'), 'TPS-S3-01')).toEqual(['TPS-S3-01 pass']);
  });

  it('ignores an event name of one service logged by another (DeleteBucketEncryption from ec2)', () => {
    // Prepare
    const s3 = ct('s3-delete-bucket-encryption-violation.json');
    const ec2 = ct('s3-delete-bucket-encryption-violation.json');
    ec2.source = 'aws.ec2';
    ec2.detail.eventSource = 'ec2.amazonaws.com';

    // Act + Assess
    expect(verdicts(ev, s3)).toEqual(['TPS-S3-05 violation']);
    expect(findings(ev, ec2)).toEqual([]);
  });

  it('ignores UpdatePipeline of OpenSearch Ingestion', () => {
    // Prepare
    const osis = ct('osis-update-pipeline-other-service.json');
    const sagemaker = ct('sagemaker-update-pipeline-by-user-violation.json');

    // Act + Assess
    expect(osis.detail.eventName).toBe('UpdatePipeline');
    expect(findings(ev, osis)).toEqual([]);
    expect(verdicts(ev, sagemaker, 'TPS-SM-21')).toEqual(['TPS-SM-21 violation']);
  });

  it('gives the same verdict for policies logged as strings or as objects', () => {
    // Prepare
    const cases: [string, string, (req: Json) => void][] = [
      [
        's3-put-bucket-policy-public-violation.json',
        'TPS-S3-01',
        (req) => (req.bucketPolicy = JSON.stringify(req.bucketPolicy)),
      ],
      [
        's3-put-bucket-policy-restricted-compliant.json',
        'TPS-S3-01',
        (req) => (req.bucketPolicy = JSON.stringify(req.bucketPolicy)),
      ],
      ['kms-put-key-policy-public-violation.json', 'TPS-KMS-03', (req) => (req.policy = JSON.parse(req.policy))],
      ['kms-put-key-policy-restricted-compliant.json', 'TPS-KMS-03', (req) => (req.policy = JSON.parse(req.policy))],
      [
        'iam-update-assume-role-policy-foreign-violation.json',
        'TPS-IAM-03',
        (req) => (req.policyDocument = JSON.parse(req.policyDocument)),
      ],
      [
        'ecr-set-repository-policy-public-violation.json',
        'TPS-ECR-01',
        (req) => (req.policyText = JSON.parse(req.policyText)),
      ],
    ];

    // Act
    const pairs = cases.map(([file, rule, convert]) => {
      const other = ct(file);
      convert(other.detail.requestParameters);
      return [file, verdicts(ev, ct(file), rule), verdicts(ev, other, rule)];
    });

    // Assess
    for (const [file, asLogged, converted] of pairs) expect(converted, file as string).toEqual(asLogged);
    expect(pairs.flatMap((p) => p[1])).toEqual([
      'TPS-S3-01 violation',
      'TPS-S3-01 pass',
      'TPS-KMS-03 violation',
      'TPS-KMS-03 pass',
      'TPS-IAM-03 violation',
      'TPS-ECR-01 violation',
    ]);
  });

  it('reports a truncated field (omitted: true) as an informational cannot-evaluate for the rules reading it, never a pass', () => {
    // Prepare
    const truncatedPolicy = ct('s3-put-bucket-policy-restricted-compliant.json');
    truncatedPolicy.detail.requestParameters.bucketPolicy = { omitted: true, originalSize: 131072 };

    // Act
    const pipeline = findings(ev, ct('sagemaker-update-pipeline-truncated.json'));
    const bucket = findings(ev, truncatedPolicy);

    // Assess
    // The pipeline rules read the caller and RoleArn, not the truncated definition: they judge the call.
    expect(pipeline.map((f) => `${f.ruleId} ${f.verdict} ${f.severity}`)).toEqual([
      'TPS-SM-21 pass medium',
      'TPS-SM-22 pass high',
    ]);
    expect(bucket.map((f) => `${f.ruleId} ${f.verdict} ${f.severity}`)).toEqual([
      'TPS-S3-01 cannot-evaluate informational',
    ]);
    expect(bucket[0]!.reason).toMatch(/omitted/);
  });

  it("reads Bedrock's vpcConfig.subnetIds and SageMaker's vpcConfig.subnets, not each other's", () => {
    // Prepare
    const bedrock = ct('bedrock-create-model-customization-job-compliant.json');
    const bedrockWithSageMakerKey = ct('bedrock-create-model-customization-job-compliant.json');
    const vpc = bedrockWithSageMakerKey.detail.requestParameters.vpcConfig;
    vpc.subnets = vpc.subnetIds;
    delete vpc.subnetIds;
    const sagemaker = ct('sagemaker-create-training-job-compliant.json');
    const sagemakerWithBedrockKey = ct('sagemaker-create-training-job-compliant.json');
    const smVpc = sagemakerWithBedrockKey.detail.requestParameters.vpcConfig;
    smVpc.subnetIds = smVpc.subnets;
    delete smVpc.subnets;

    // Act + Assess: the other service's key is not read as subnets (never a pass); a vpcConfig without
    // the subnets its API requires is a record the rule cannot judge
    expect(verdicts(ev, bedrock, 'TPS-BR-01')).toEqual(['TPS-BR-01 pass']);
    expect(verdicts(ev, bedrockWithSageMakerKey, 'TPS-BR-01')).toEqual(['TPS-BR-01 cannot-evaluate']);
    expect(verdicts(ev, sagemaker, 'TPS-SM-02')).toEqual(['TPS-SM-02 pass']);
    expect(verdicts(ev, sagemakerWithBedrockKey, 'TPS-SM-02')).toEqual(['TPS-SM-02 cannot-evaluate']);
  });

  it('treats GuardDuty sample findings as informational only', () => {
    // Prepare
    const sample = loadJson<Json>('events/guardduty/guardduty-object-s3-malicious-file-sample.json');
    const real = loadJson<Json>('events/guardduty/guardduty-object-s3-malicious-file-violation.json');

    // Act
    const sampleViolations = findings(ev, sample).filter((f) => f.verdict === 'violation');
    const realViolations = findings(ev, real).filter((f) => f.verdict === 'violation');

    // Assess
    expect(sampleViolations.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['TPS-GD-09 informational']);
    expect(realViolations.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['TPS-GD-01 critical']);
  });
});

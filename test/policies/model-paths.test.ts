import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../../shared/events/index.js';
import {
  checkPackPaths,
  type CompiledRule,
  loadModels,
  loadPolicyPack,
  type PolicyPack,
  unresolvedKeys,
} from '../../shared/policy/index.js';
import { CORPUS_DIR, REPO_ROOT } from '../helpers/fixtures.js';

/** The public sample events in the repository (test/corpus/public, each with its source and license). */
const SAMPLES = CORPUS_DIR;

/** A typo seeded into one rule, and the one error `rules validate` must give for it. */
interface Seed {
  rule: string;
  field: 'violation' | 'resource.id' | 'on.eventName';
  from: string;
  to: string;
  message: string;
}

const SEEDS: Seed[] = [
  {
    rule: 'TPS-SM-01',
    field: 'violation',
    from: 'req.?enableNetworkIsolation',
    to: 'req.?enableNetworkIsolaton',
    message:
      'violation: req.enableNetworkIsolaton: no member enableNetworkIsolaton in CreateTrainingJob input (did you mean enableNetworkIsolation?)',
  },
  {
    rule: 'TPS-BR-01',
    field: 'violation',
    from: 'subnetIds',
    to: 'subnets',
    message:
      'violation: req.vpcConfig.subnets: no member subnets in VpcConfig of CreateModelCustomizationJob input (did you mean subnetIds?)',
  },
  {
    rule: 'TPS-SM-02',
    field: 'violation',
    from: 'subnets',
    to: 'subnetIds',
    message:
      'violation: req.vpcConfig.subnetIds: no member subnetIds in VpcConfig of CreateTrainingJob input (did you mean subnets?)',
  },
  {
    rule: 'TPS-SM-03',
    field: 'violation',
    from: 'volumeKmsKeyId',
    to: 'volumeKMSKeyId',
    message:
      'violation: req.resourceConfig.volumeKMSKeyId: no member volumeKMSKeyId in ResourceConfig of CreateTrainingJob input (did you mean volumeKmsKeyId?)',
  },
  {
    rule: 'TPS-IAM-01',
    field: 'violation',
    from: 'req.policyArn',
    to: 'req.policyARN',
    message: 'violation: req.policyARN: no member policyARN in AttachRolePolicy input (did you mean policyArn?)',
  },
  {
    rule: 'TPS-ECR-03',
    field: 'violation',
    from: '!= true',
    to: '!= true || resp.?registryID.hasValue()',
    message:
      'violation: resp.registryID: no member registryID in PutImageScanningConfiguration output (did you mean registryId?)',
  },
  {
    rule: 'TPS-ECR-04',
    field: 'violation',
    from: 'scanFrequency',
    to: 'scanFrequence',
    message:
      'violation: req.rules[].scanFrequence: no member scanFrequence in RegistryScanningRule of PutRegistryScanningConfiguration input (did you mean scanFrequency?)',
  },
  {
    rule: 'TPS-S3-04',
    field: 'violation',
    from: 'req.VersioningConfiguration.Status',
    to: 'req.versioningConfiguration.status',
    message:
      'violation: req.versioningConfiguration: no member versioningConfiguration in PutBucketVersioning input (did you mean VersioningConfiguration?)',
  },
  {
    rule: 'TPS-S3-05',
    field: 'violation',
    from: '.Rule)',
    to: '.Rules)',
    message:
      'violation: req.ServerSideEncryptionConfiguration.Rules: no member Rules in ServerSideEncryptionConfiguration of PutBucketEncryption input (did you mean Rule?)',
  },
  {
    rule: 'TPS-CFG-01',
    field: 'violation',
    from: 'BucketVersioningConfiguration.status',
    to: 'BucketVersioningConfiguration.Status',
    message:
      'violation: configItem(detail).supplementary.BucketVersioningConfiguration.Status: no member Status in BucketVersioningConfiguration of the AWS::S3::Bucket Config item (did you mean status?)',
  },
  {
    rule: 'TPS-CFG-04',
    field: 'violation',
    from: 'ImageTagMutability',
    to: 'imageTagMutability',
    message:
      'violation: configItem(detail).configuration.imageTagMutability: no member imageTagMutability in configuration of the AWS::ECR::Repository Config item (did you mean ImageTagMutability?)',
  },
  {
    rule: 'TPS-CFG-07',
    field: 'violation',
    from: 'p.?policyArn',
    to: 'p.?arn',
    message:
      'violation: configItem(detail).configuration.attachedManagedPolicies[].arn: no member arn in AttachedPolicy of the AWS::IAM::Role Config item (nearest: policyArn)',
  },
  {
    rule: 'TPS-GD-02',
    field: 'violation',
    from: 'scanResultStatus',
    to: 'scanStatus',
    message:
      'violation: detail.scanResultDetails.scanStatus: no member scanStatus in scanResultDetails of the GuardDuty Malware Protection Object Scan Result detail (nearest: scanResultStatus)',
  },
  {
    rule: 'TPS-GD-09',
    field: 'resource.id',
    from: 'detectorId',
    to: 'detectorID',
    message:
      'resource.id: detail.service.detectorID: no member detectorID in Service of the GuardDuty Finding detail (did you mean detectorId?)',
  },
  {
    rule: 'TPS-SM-24',
    field: 'violation',
    from: 'AlgorithmSpecification.TrainingImage',
    to: 'AlgorithmSpecification.trainingImage',
    message:
      'violation: detail.AlgorithmSpecification.trainingImage: no member trainingImage in AlgorithmSpecification of the SageMaker Training Job State Change detail (did you mean TrainingImage?)',
  },
  {
    rule: 'TPS-AUD-08',
    field: 'violation',
    from: 'req.?deletionProtectionEnabled.orValue(true) == false',
    to: 'req.deletionProtectionEnabled == false',
    message:
      'violation: req.deletionProtectionEnabled: no member deletionProtectionEnabled in DeleteTable input, UpdateContinuousBackups input, UpdateTimeToLive input; the rule reads it there too: guard it with detail.eventName or read it with .?',
  },
  {
    rule: 'TPS-NET-01',
    field: 'violation',
    from: 'opensToWorld(req)',
    to: 'opensToWorld(req.ipPermissions)',
    message:
      'violation: req.ipPermissions.cidrIp (read by opensToWorld()): no member cidrIp in an EC2 list ({items: [...]}) of AuthorizeSecurityGroupIngress input (nearest: items)',
  },
  {
    rule: 'TPS-SM-08',
    field: 'violation',
    from: 'req.roleArn',
    to: "req.?roleArn.orValue('')",
    message:
      'violation: req.roleArn: roleArn is required in CreateTrainingJob input: read req.roleArn plainly, so a record without it is cannot-evaluate, not a default',
  },
  {
    rule: 'TPS-KMS-01',
    field: 'on.eventName',
    from: 'ScheduleKeyDeletion',
    to: 'ScheduleKeyDeleton',
    message:
      'on.eventName: ScheduleKeyDeleton: no operation ScheduleKeyDeleton in @aws-sdk/client-kms@3.1178.0 (did you mean ScheduleKeyDeletion?)',
  },
];

/**
 * Keys of real events that no model has, each a known bad sample: what it shows, and why it is not
 * a gap in the conventions. Anything else that does not resolve fails the test.
 */
const KNOWN_BAD_SAMPLES: Readonly<Record<string, { keys: string[]; why: string }>> = {
  'test/corpus/public/panther-analysis/ct_kms_PutKeyPolicy_wildcard.json': {
    keys: [
      'kms.amazonaws.com PutKeyPolicy req: policy.Statement',
      'kms.amazonaws.com PutKeyPolicy req: policy.Version',
    ],
    why: 'synthetic: the policy logged as an object; CloudTrail logs PutKeyPolicy.Policy as a string',
  },
  'test/corpus/public/panther-analysis/ct_kms_ScheduleKeyDeletion.json': {
    keys: ['kms.amazonaws.com ScheduleKeyDeletion req: overridePendingWindowCheck'],
    why: 'a parameter the public KMS model does not have (the sample does not say where it comes from)',
  },
  'test/corpus/public/aws-config-rdk/AWS_IAM_Role.json': {
    keys: [
      'config AWS::IAM::Role: configuration.assumeRolePolicyDocument.Statement',
      'config AWS::IAM::Role: configuration.assumeRolePolicyDocument.Version',
    ],
    why: 'the example item holds the trust policy as an object; Config records it as a URL-encoded string',
  },
};

function seeded(rule: CompiledRule, seed: Seed): CompiledRule {
  const r = structuredClone(rule.rule);
  if (seed.field === 'on.eventName' && r.on.source === 'cloudtrail')
    r.on.eventName = r.on.eventName.map((e) => (e === seed.from ? seed.to : e));
  else if (seed.field === 'resource.id') r.resource.id = r.resource.id!.replaceAll(seed.from, seed.to);
  else {
    expect(r.violation, `${seed.rule} violation contains ${seed.from}`).toContain(seed.from);
    r.violation = r.violation.replaceAll(seed.from, seed.to);
  }
  return { ...rule, rule: r };
}

describe('Pack: field paths proven against the AWS API models', () => {
  let pack: PolicyPack;

  beforeAll(async () => {
    pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
  });

  it('finds every path of the shipped pack in the models, and counts them', () => {
    // Act
    const { problems, counts } = checkPackPaths(pack);

    // Assess
    expect(problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(counts.unchecked).toBe(0);
    expect(counts.checked).toBeGreaterThan(280);
    expect(counts.checked).toBe(counts.request + counts.detail + counts.configItem);
  });

  it.each(SEEDS)('reports a typo seeded in $rule ($to) with the nearest member', (seed) => {
    // Prepare
    const rules = pack.rules.map((c) => (c.rule.id === seed.rule ? seeded(c, seed) : c));

    // Act
    const { problems } = checkPackPaths({ rules });

    // Assess
    expect(problems.map((p) => `${p.file}: ${p.ruleId}: ${p.message}`)).toEqual([
      `${pack.rules.find((c) => c.rule.id === seed.rule)!.file}: ${seed.rule}: ${seed.message}`,
    ]);
  });

  it('names the models it was generated from and their license (an operation missing from them fails the first test)', () => {
    // Act
    const models = loadModels();

    // Assess
    expect(models.license).toMatch(/Apache-2\.0/);
    expect(models.generatedFrom['@aws-sdk/client-sagemaker']).toMatch(/^3\.\d+\.\d+$/);
    expect(models.generatedFrom['@aws-cdk/aws-service-spec']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(models.services)).toHaveLength(13);
  });

  it("resolves every key of the repository's events and the public samples, except the known bad samples", async () => {
    // Prepare
    const triggered = new Set(
      pack.rules.flatMap(({ rule: { on } }) =>
        on.source === 'cloudtrail' ? on.eventName.map((e) => `${on.eventSource} ${e}`) : [],
      ),
    );
    const found = new Map<string, Set<string>>();
    let records = 0;

    // Act
    for await (const item of readInputs([join(REPO_ROOT, 'events'), SAMPLES])) {
      if (!item.ok) continue;
      records++;
      const file = relative(REPO_ROOT, item.where.replace(/:\d+$/, ''));
      for (const u of unresolvedKeys(item.observation)) {
        // Operations and detail types no rule reads have no model: nothing to check them against.
        if (u.path === '(no model)' || (u.path.startsWith('(no operation') && !triggered.has(u.part))) continue;
        found.set(file, (found.get(file) ?? new Set()).add(`${u.part}: ${u.path}`));
      }
    }

    // Assess
    expect(records).toBeGreaterThan(200);
    expect(Object.fromEntries([...found].map(([f, keys]) => [f, [...keys].sort()]))).toEqual(
      Object.fromEntries(Object.entries(KNOWN_BAD_SAMPLES).map(([f, k]) => [f, [...k.keys].sort()])),
    );
  });
});

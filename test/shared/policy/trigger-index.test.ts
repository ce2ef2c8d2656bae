import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerKey } from '../../../shared/sources/index.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/load.js';
import { TriggerIndex } from '../../../shared/policy/trigger-index.js';
import { tempDir } from '../../helpers/fixtures.js';
import { writePack } from '../../helpers/pack.js';
import { INDEX_RULES } from '../../helpers/sample-rules.js';

const CT = 'AWS API Call via CloudTrail';

describe('Class: TriggerIndex', () => {
  let pack: PolicyPack;
  let index: TriggerIndex;
  let cleanup: () => Promise<void>;
  const ids = (t: TriggerKey) => index.lookup(t).map((r) => r.rule.id);

  beforeAll(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    pack = await loadPolicyPack(await writePack(tmp.dir, INDEX_RULES));
    index = new TriggerIndex(pack.rules);
  });

  afterAll(async () => {
    await cleanup();
  });

  it('finds CloudTrail rules by eventSource and eventName together', () => {
    // Act & Assess
    expect(ids({ detailType: CT, eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy' })).toEqual([
      'TPS-S3-01',
      'TPS-S3-02',
    ]);
    expect(ids({ detailType: CT, eventSource: 's3.amazonaws.com', eventName: 'DeleteBucketPolicy' })).toEqual([
      'TPS-S3-01',
    ]);
    expect(ids({ detailType: CT, eventSource: 'ec2.amazonaws.com', eventName: 'PutBucketPolicy' })).toEqual([]);
    expect(ids({ detailType: CT, eventSource: 's3.amazonaws.com', eventName: 'GetObject' })).toEqual([]);
    expect(index.hasCloudTrail('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress')).toBe(true);
    expect(index.hasCloudTrail('ec2.amazonaws.com', 'RevokeSecurityGroupIngress')).toBe(false);
  });

  it('finds GuardDuty rules by exact finding type and by prefix, each rule once', () => {
    // Act & Assess
    expect(ids({ detailType: 'GuardDuty Finding', findingType: 'Exfiltration:S3/MaliciousIPCaller' })).toEqual([
      'TPS-GD-01',
    ]);
    expect(ids({ detailType: 'GuardDuty Finding', findingType: 'Exfiltration:S3/AnomalousBehavior' })).toEqual([
      'TPS-GD-01',
    ]);
    expect(ids({ detailType: 'GuardDuty Finding', findingType: 'Object:S3/MaliciousFile' })).toEqual(['TPS-GD-02']);
    expect(ids({ detailType: 'GuardDuty Finding', findingType: 'Exfiltration:IAMUser/AnomalousBehavior' })).toEqual([]);
    expect(ids({ detailType: 'GuardDuty Malware Protection Object Scan Result' })).toEqual(['TPS-GD-03']);
  });

  it('finds Config rules by detail-type and resourceType', () => {
    // Act & Assess
    expect(ids({ detailType: 'Config Configuration Item Change', resourceType: 'AWS::S3::Bucket' })).toEqual([
      'TPS-CFG-01',
    ]);
    expect(ids({ detailType: 'Config Rules Compliance Change', resourceType: 'AWS::S3::Bucket' })).toEqual([
      'TPS-CFG-02',
    ]);
    expect(ids({ detailType: 'Config Rules Compliance Change', resourceType: 'AWS::IAM::Role' })).toEqual([
      'TPS-CFG-02',
    ]);
    expect(ids({ detailType: 'Config Configuration Item Change', resourceType: 'AWS::IAM::Role' })).toEqual([]);
  });

  it('finds state-change rules by detail-type', () => {
    // Act & Assess
    expect(ids({ detailType: 'SageMaker Training Job State Change' })).toEqual(['TPS-SM-01']);
    expect(ids({ detailType: 'Model Customization Job State Change' })).toEqual(['TPS-BR-01']);
    expect(ids({ detailType: 'SageMaker Endpoint State Change' })).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../shared/sources/index.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/load.js';
import { generatePatterns, matchesPattern } from '../../../shared/policy/patterns.js';
import type { GeneratedPattern } from '../../../shared/sources/index.js';
import { TriggerIndex } from '../../../shared/policy/trigger-index.js';
import { loadJson, loadShape, tempDir, type Json } from '../../helpers/fixtures.js';
import { writePack } from '../../helpers/pack.js';
import { INDEX_RULES } from '../../helpers/sample-rules.js';

const ENVELOPES = [
  'eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json',
  'guardduty-finding-s3-exfiltration.json',
  'guardduty-finding-ec2-instance.json',
  'guardduty-malware-scan-result.json',
  'config-item-change-s3-bucket.json',
  'config-rules-compliance-change.json',
  'sagemaker-training-job-state-change.json',
  'sagemaker-tuning-job-state-change.json',
  'sagemaker-pipeline-execution-status-change.json',
  'sagemaker-model-package-state-change.json',
  'bedrock-model-customization-job-state-change.json',
];

describe('Function: generatePatterns', () => {
  let pack: PolicyPack;
  let patterns: GeneratedPattern[];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    pack = await loadPolicyPack(await writePack(tmp.dir, INDEX_RULES));
    patterns = generatePatterns(pack);
  });

  afterAll(async () => {
    await cleanup();
  });

  it('makes one pattern per EventBridge source and detail-type, CloudTrail ones listing their eventNames', () => {
    // Assess
    expect(patterns).toEqual([
      {
        name: 'CloudTrailEc2',
        target: 'cloudtrail',
        pattern: {
          source: ['aws.ec2'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['ec2.amazonaws.com'], eventName: ['AuthorizeSecurityGroupIngress'] },
        },
      },
      {
        name: 'CloudTrailS3',
        target: 'cloudtrail',
        pattern: {
          source: ['aws.s3'],
          'detail-type': ['AWS API Call via CloudTrail'],
          // The tagging calls are always listened to: they carry the tags scope.tags needs.
          detail: {
            eventSource: ['s3.amazonaws.com'],
            eventName: ['DeleteBucketPolicy', 'DeleteBucketTagging', 'PutBucketPolicy', 'PutBucketTagging'],
          },
        },
      },
      {
        name: 'CloudTrailSagemaker',
        target: 'cloudtrail',
        pattern: {
          source: ['aws.sagemaker'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['sagemaker.amazonaws.com'], eventName: ['AddTags', 'DeleteTags'] },
        },
      },
      {
        name: 'GuardDutyFinding',
        target: 'guardduty',
        pattern: {
          source: ['aws.guardduty'],
          'detail-type': ['GuardDuty Finding'],
          detail: {
            type: [{ prefix: 'Exfiltration:S3/' }, 'Exfiltration:S3/MaliciousIPCaller', 'Object:S3/MaliciousFile'],
          },
        },
      },
      {
        name: 'GuardDutyMalwareProtectionObjectScanResult',
        target: 'guardduty',
        pattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Malware Protection Object Scan Result'] },
      },
      {
        name: 'ConfigConfigurationItemChange',
        target: 'config',
        pattern: {
          source: ['aws.config'],
          'detail-type': ['Config Configuration Item Change'],
          detail: {
            $or: [
              { configurationItem: { resourceType: ['AWS::S3::Bucket'] } },
              { configurationItemSummary: { resourceType: ['AWS::S3::Bucket'] } },
            ],
          },
        },
      },
      {
        name: 'ConfigRulesComplianceChange',
        target: 'config',
        pattern: {
          source: ['aws.config'],
          'detail-type': ['Config Rules Compliance Change'],
          detail: { resourceType: ['AWS::IAM::Role', 'AWS::S3::Bucket'] },
        },
      },
      {
        name: 'BedrockStateChange',
        target: 'statechange',
        pattern: { source: ['aws.bedrock'], 'detail-type': ['Model Customization Job State Change'] },
      },
      {
        name: 'SagemakerStateChange',
        target: 'statechange',
        pattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Training Job State Change'] },
      },
    ]);
  });

  it('never makes a catch-all: every pattern names its source and detail-type, CloudTrail ones their eventNames', () => {
    // Assess
    for (const { pattern } of patterns) {
      expect(pattern.source).toEqual([expect.stringMatching(/^aws\.[a-z0-9]+$/)]);
      expect((pattern['detail-type'] as string[]).length).toBeGreaterThan(0);
      if ((pattern['detail-type'] as string[])[0] === 'AWS API Call via CloudTrail')
        expect((pattern.detail as Json).eventName.length).toBeGreaterThan(0);
    }
    expect(new Set(patterns.map((p) => p.name)).size).toBe(patterns.length);
  });

  it('delivers an event exactly when the trigger index has a rule for it', () => {
    // Prepare
    const index = new TriggerIndex(pack.rules);
    const events = [...ENVELOPES.map((f) => loadShape<Json>(f)), ...loadShape<Json[]>('eventbridge-events-array.json')];
    events.push(loadJson('events/shapes/eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json'));
    events.at(-1)!.detail.eventName = 'PutBucketPolicy';

    for (const event of events) {
      // Act
      const delivered = patterns.filter((p) => matchesPattern(p.pattern, event)).map((p) => p.name);
      const [result] = [...intake(event, 'e')];
      const rules = result?.ok ? index.lookup(result.observation.trigger) : [];

      // Assess
      expect(delivered.length > 0, `${event['detail-type']} ${event.detail.eventName ?? event.detail.type ?? ''}`).toBe(
        rules.length > 0,
      );
      expect(delivered.length).toBeLessThanOrEqual(1);
    }
  });
});

describe('Function: matchesPattern', () => {
  it('matches literal lists, prefixes, nested objects and $or like EventBridge', () => {
    // Prepare
    const event = loadShape<Json>('config-item-change-s3-bucket.json');
    const pattern = {
      source: ['aws.config'],
      detail: {
        $or: [
          { configurationItem: { resourceType: ['AWS::IAM::Role'] } },
          { configurationItem: { resourceId: [{ prefix: 'ml-training-' }] } },
        ],
      },
    };

    // Act & Assess
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern({ ...pattern, source: ['aws.s3'] }, event)).toBe(false);
    expect(
      matchesPattern({ detail: { configurationItem: { resourceId: [{ prefix: 'ml-artifacts-' }] } } }, event),
    ).toBe(false);
    expect(matchesPattern({ detail: { missing: ['x'] } }, event)).toBe(false);
    expect(matchesPattern({ resources: ['arn:aws:s3:::ml-training-vision-raw'] }, event)).toBe(true);
    expect(matchesPattern({ source: ['aws.config'] }, null)).toBe(false);
  });
});

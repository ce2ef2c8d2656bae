import { describe, expect, it } from 'vitest';
import { UnsupportedEventError } from '../../../shared/sources/errors.js';
import { isRawFinding, normalizeGuardDutyFinding, normalizeMalwareScan } from '../../../shared/sources/guardduty.js';
import { loadShape, type Json } from '../../helpers/fixtures.js';

describe('Function: normalizeGuardDutyFinding', () => {
  it('takes the affected buckets from s3BucketDetails[] and the principal from accessKeyDetails', () => {
    // Prepare
    const event = loadShape<Json>('guardduty-finding-s3-exfiltration.json');

    // Act
    const obs = normalizeGuardDutyFinding(event.detail, event);

    // Assess
    expect(obs).toMatchObject({
      eventId: '7c1e9a35-2b4d-4f6a-8c0e-1a3b5c7d9e01',
      eventTime: '2026-11-02T11:47:30.118Z',
      source: 'guardduty',
      account: '111122223333',
      region: 'eu-west-1',
      actor: { sourceIp: '198.51.100.77', type: 'AssumedRole', arn: 'arn:aws:iam::111122223333:role/ml-ingest-role' },
      trigger: { detailType: 'GuardDuty Finding', findingType: 'Exfiltration:S3/MaliciousIPCaller' },
    });
    expect(obs.resources).toEqual([
      {
        type: 's3-bucket',
        id: 'ml-training-vision-raw',
        name: 'ml-training-vision-raw',
        arn: 'arn:aws:s3:::ml-training-vision-raw',
        tags: { 'ml:pipeline': 'training', owner: 'vision' },
      },
      {
        type: 'iam-role',
        id: 'ml-ingest-role',
        name: 'ml-ingest-role',
        arn: 'arn:aws:iam::111122223333:role/ml-ingest-role',
      },
    ]);
  });

  it('takes the instance and its tags from instanceDetails', () => {
    // Prepare
    const event = loadShape<Json>('guardduty-finding-ec2-instance.json');

    // Act
    const obs = normalizeGuardDutyFinding(event.detail, event);

    // Assess
    expect(obs.resources).toEqual([
      {
        type: 'ec2-instance',
        id: 'i-0a1b2c3d4e5f67890',
        name: 'i-0a1b2c3d4e5f67890',
        arn: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f67890',
        tags: { Name: 'gpu-trainer-1', 'ml:pipeline': 'training', owner: 'vision' },
      },
    ]);
    expect(obs.trigger.findingType).toBe('CryptoCurrency:EC2/BitcoinTool.B!DNS');
    expect(obs.actor).toBeUndefined();
  });

  it('names an IAM user of an access-key finding with its ARN, never its principal id', () => {
    // Prepare
    const sns = loadShape<Json>('sns-wrapped-guardduty-finding.json');
    const event = JSON.parse(sns.Records[0].Sns.Message);

    // Act
    const obs = normalizeGuardDutyFinding(event.detail, event);

    // Assess
    expect(obs.actor).toEqual({
      sourceIp: '192.0.2.250',
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/ml-ci-legacy',
    });
    expect(obs.resources).toEqual([
      {
        type: 'iam-user',
        id: 'ml-ci-legacy',
        name: 'ml-ci-legacy',
        arn: 'arn:aws:iam::111122223333:user/ml-ci-legacy',
      },
    ]);
  });

  it('uses the finding id and updatedAt as the id of a raw (exported) finding', () => {
    // Prepare
    const finding = loadShape<Json>('guardduty-finding-s3-exfiltration.json').detail;

    // Act
    const obs = normalizeGuardDutyFinding(finding);

    // Assess
    expect(obs.eventId).toBe('a4c8e2f6b0d4a8c2e6f0b4d8a2c6e0f4@2026-11-02T11:47:30.118Z');
    expect(obs.raw).toBe(finding);
    expect(isRawFinding(finding)).toBe(true);
  });

  it('keeps a finding that names no resource as an observation', () => {
    // Prepare
    const finding = loadShape<Json>('guardduty-finding-ec2-instance.json').detail;
    delete finding.resource;

    // Act
    const obs = normalizeGuardDutyFinding(finding);

    // Assess
    expect(obs.resources).toEqual([]);
  });

  it('rejects a finding without type, and says so for the PascalCase SDK shape', () => {
    // Prepare
    const pascal = { SchemaVersion: '2.0', Type: 'Recon:IAMUser/MaliciousIPCaller', Id: 'x' };

    // Act & Assess
    expect(() => normalizeGuardDutyFinding({ id: 'x' })).toThrow(UnsupportedEventError);
    expect(() => normalizeGuardDutyFinding(pascal)).toThrow('PascalCase SDK shape');
  });
});

describe('Function: normalizeMalwareScan', () => {
  it('takes the bucket from s3ObjectDetails', () => {
    // Prepare
    const event = loadShape<Json>('guardduty-malware-scan-result.json');

    // Act
    const obs = normalizeMalwareScan(event.detail, event);

    // Assess
    expect(obs).toMatchObject({
      eventId: '0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b01',
      eventTime: '2026-11-02T11:03:27.000Z',
      source: 'guardduty',
      account: '111122223333',
      region: 'eu-west-1',
      resources: [
        {
          type: 's3-bucket',
          id: 'ml-training-vision-raw',
          name: 'ml-training-vision-raw',
          arn: 'arn:aws:s3:::ml-training-vision-raw',
        },
      ],
      trigger: { detailType: 'GuardDuty Malware Protection Object Scan Result' },
    });
    expect(obs.detail.s3ObjectDetails).toMatchObject({ objectKey: 'incoming/2026-11-02/batch-0042.tar.gz' });
  });

  it('rejects a scan result without a bucket', () => {
    // Prepare
    const event = loadShape<Json>('guardduty-malware-scan-result.json');
    delete event.detail.s3ObjectDetails.bucketName;

    // Act & Assess
    expect(() => normalizeMalwareScan(event.detail, event)).toThrow('s3ObjectDetails.bucketName');
  });
});

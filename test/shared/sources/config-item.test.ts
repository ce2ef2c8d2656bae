import { describe, expect, it } from 'vitest';
import {
  isRawConfigItem,
  normalizeComplianceChange,
  normalizeConfigChange,
  normalizeConfigItem,
} from '../../../shared/sources/config-item.js';
import { loadShape, type Json } from '../../helpers/fixtures.js';

describe('Function: normalizeConfigChange', () => {
  it('reads "Config Configuration Item Change": type, id, name, ARN, tags and capture time', () => {
    // Prepare
    const event = loadShape<Json>('config-item-change-s3-bucket.json');

    // Act
    const obs = normalizeConfigChange(event.detail, event);

    // Assess
    expect(obs).toMatchObject({
      eventId: 'e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c01',
      eventTime: '2026-11-02T10:14:02.118Z',
      source: 'config',
      account: '111122223333',
      region: 'eu-west-1',
      resources: [
        {
          type: 's3-bucket',
          id: 'ml-training-vision-raw',
          name: 'ml-training-vision-raw',
          arn: 'arn:aws:s3:::ml-training-vision-raw',
          tags: { 'ml:pipeline': 'training', owner: 'vision' },
        },
      ],
      trigger: { detailType: 'Config Configuration Item Change', resourceType: 'AWS::S3::Bucket' },
    });
    expect(obs.actor).toBeUndefined();
  });

  it('hands rules the configuration and supplementaryConfiguration as the detail', () => {
    // Prepare
    const event = loadShape<Json>('config-item-change-s3-bucket.json');

    // Act
    const obs = normalizeConfigChange(event.detail, event);

    // Assess
    expect(obs.detail.configuration).toMatchObject({ name: 'ml-training-vision-raw' });
    expect(obs.detail.supplementaryConfiguration).toMatchObject({
      BucketVersioningConfiguration: { status: 'Suspended' },
    });
    expect(obs.raw).toBe(event);
  });

  it('reads an oversized-item summary, and keeps deleted resources as observations', () => {
    // Prepare
    const event = loadShape<Json>('config-item-change-s3-bucket.json');
    const item = event.detail.configurationItem;
    delete event.detail.configurationItem;
    event.detail.configurationItemSummary = {
      ...item,
      configurationItemStatus: 'ResourceDeleted',
      configuration: null,
    };

    // Act
    const obs = normalizeConfigChange(event.detail, event);

    // Assess
    expect(obs.resources[0]?.id).toBe('ml-training-vision-raw');
    expect(obs.detail.configurationItemStatus).toBe('ResourceDeleted');
  });

  it('keeps unknown AWS Config types under their AWS name', () => {
    // Prepare
    const event = loadShape<Json>('config-item-change-s3-bucket.json');
    event.detail.configurationItem.resourceType = 'AWS::EFS::FileSystem';

    // Act
    const obs = normalizeConfigChange(event.detail, event);

    // Assess
    expect(obs.resources[0]?.type).toBe('AWS::EFS::FileSystem');
    expect(obs.trigger.resourceType).toBe('AWS::EFS::FileSystem');
  });

  it('rejects a change without configurationItem', () => {
    // Prepare
    const event = loadShape<Json>('config-item-change-s3-bucket.json');
    delete event.detail.configurationItem;

    // Act & Assess
    expect(() => normalizeConfigChange(event.detail, event)).toThrow('detail.configurationItem');
  });
});

describe('Function: normalizeConfigItem', () => {
  it('reads a history/snapshot item (accountId, arn) and derives a stable id', () => {
    // Prepare
    const item = loadShape<Json>('config-item-change-s3-bucket.json').detail.configurationItem;
    item.accountId = item.awsAccountId;
    item.arn = item.ARN;
    delete item.awsAccountId;
    delete item.ARN;

    // Act
    const first = normalizeConfigItem(structuredClone(item));
    const second = normalizeConfigItem(structuredClone(item));

    // Assess
    expect(first).toMatchObject({
      account: '111122223333',
      resources: [{ arn: 'arn:aws:s3:::ml-training-vision-raw' }],
    });
    expect(first.eventId).toMatch(/^ci-[0-9a-f]{24}$/);
    expect(second.eventId).toBe(first.eventId);
    expect(isRawConfigItem(item)).toBe(true);
  });

  it('rejects an item without resourceType', () => {
    // Act & Assess
    expect(() => normalizeConfigItem({ resourceId: 'x' })).toThrow('without resourceType/resourceId');
  });
});

describe('Function: normalizeComplianceChange', () => {
  it('reads "Config Rules Compliance Change" with the time the result was recorded', () => {
    // Prepare
    const event = loadShape<Json>('config-rules-compliance-change.json');

    // Act
    const obs = normalizeComplianceChange(event.detail, event);

    // Assess
    expect(obs).toMatchObject({
      eventId: 'e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c02',
      eventTime: '2026-11-02T10:16:38.502Z',
      source: 'config',
      account: '111122223333',
      region: 'eu-west-1',
      resources: [{ type: 's3-bucket', id: 'ml-training-vision-raw', name: 'ml-training-vision-raw' }],
      trigger: { detailType: 'Config Rules Compliance Change', resourceType: 'AWS::S3::Bucket' },
    });
    expect(obs.detail.newEvaluationResult).toMatchObject({ complianceType: 'NON_COMPLIANT' });
  });

  it('rejects a compliance change without resourceId', () => {
    // Prepare
    const event = loadShape<Json>('config-rules-compliance-change.json');
    delete event.detail.resourceId;

    // Act & Assess
    expect(() => normalizeComplianceChange(event.detail, event)).toThrow('without resourceType/resourceId');
  });
});

describe('Function: normalizeConfigItem (IAM ids)', () => {
  it('keys an IAM role by its name, as CloudTrail names it, not by its unique id', () => {
    // Prepare
    const item = {
      resourceType: 'AWS::IAM::Role',
      resourceId: 'AROAB315387B9DDA33B10',
      resourceName: 'SageMakerTrainingExecution',
      ARN: 'arn:aws:iam::111122223333:role/SageMakerTrainingExecution',
      awsAccountId: '111122223333',
      awsRegion: 'global',
      configurationItemCaptureTime: '2026-11-02T12:00:00.000Z',
      configurationItemStatus: 'OK',
      configuration: {},
    };

    // Act
    const [role] = normalizeConfigItem(item).resources;

    // Assess
    expect(role).toMatchObject({
      type: 'iam-role',
      id: 'SageMakerTrainingExecution',
      name: 'SageMakerTrainingExecution',
    });
  });
});

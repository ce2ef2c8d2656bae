import { describe, expect, it } from 'vitest';
import { configItem } from '../../../../shared/policy/functions/config-item.js';
import { IncompleteConfigItemError } from '../../../../shared/policy/errors.js';
import { loadJson, type Json } from '../../../helpers/fixtures.js';

describe('Function: configItem', () => {
  it('reads the configuration and supplementary configuration of a change notification', () => {
    // Prepare
    const event = loadJson<Json>('events/config/s3-bucket-compliant.json');

    // Act
    const view = configItem(event.detail.configurationItem);

    // Assess
    expect(view.deleted).toBe(false);
    expect(view.configuration.name).toBe('ml-training-fraud-data');
    expect(view.supplementary.BucketVersioningConfiguration).toEqual({ status: 'Enabled', isMfaDeleteEnabled: null });
  });

  it('decodes configuration and supplementary entries delivered as JSON strings', () => {
    // Prepare
    const item = {
      configurationItemStatus: 'OK',
      configuration: '{"name":"b"}',
      supplementaryConfiguration: { BucketVersioningConfiguration: '{"status":"Off"}' },
    };

    // Act
    const view = configItem(item);

    // Assess
    expect(view.configuration).toEqual({ name: 'b' });
    expect(view.supplementary.BucketVersioningConfiguration).toEqual({ status: 'Off' });
  });

  it('marks a deleted resource without configuration as deleted', () => {
    // Prepare
    const event = loadJson<Json>('events/config/s3-bucket-deleted.json');

    // Act
    const view = configItem(event.detail.configurationItem);

    // Assess
    expect(view).toEqual({ status: 'ResourceDeleted', deleted: true, configuration: {}, supplementary: {} });
  });

  it('refuses an oversized-item summary, which does not carry the state', () => {
    // Prepare
    const event = loadJson<Json>('events/config/s3-bucket-oversized.json');

    // Act
    const read = () => configItem(event.detail.configurationItemSummary);

    // Assess
    expect(read).toThrow(IncompleteConfigItemError);
    expect(read).toThrow(/oversized item/);
  });

  it('refuses an item Config did not record: its state is unknown, not deleted (attack 6)', () => {
    // Prepare
    const item = {
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'ml-training-nlp-corpus',
      configurationItemStatus: 'ResourceNotRecorded',
    };

    // Act & Assess
    expect(() => configItem(item)).toThrow(/not recorded/);
  });
});

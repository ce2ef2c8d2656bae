import { describe, expect, it } from 'vitest';
import { envelopeOf } from '../../../shared/sources/registry.js';
import { intake } from '../../../shared/sources/index.js';
import { fixtureEvent } from '../ingest/ingest-fixture.js';

function only(value: unknown) {
  const [item] = [...intake(value, 'test')];
  if (!item?.ok) throw new Error('fixture did not normalize');
  return item.observation;
}

describe('Function: envelopeOf', () => {
  it('returns an EventBridge event as it came', () => {
    // Prepare
    const event = fixtureEvent('gd-exfiltration.json');
    // Act + Assess
    expect(envelopeOf(only(event))).toEqual(event);
  });

  it('wraps raw records the way EventBridge delivers them, keeping the event id', () => {
    // Prepare
    const record = (fixtureEvent('ct-versioning-suspended.json') as { detail: Record<string, unknown> }).detail;
    const item = (
      fixtureEvent('cfg-bucket-unversioned.json') as { detail: { configurationItem: Record<string, unknown> } }
    ).detail.configurationItem;
    // Act
    const ct = envelopeOf(only({ Records: [record] }));
    const cfg = envelopeOf(only(item));
    // Assess
    expect(ct).toMatchObject({
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.s3',
      id: record.eventID,
      account: '111122223333',
      region: 'eu-west-1',
      detail: record,
    });
    expect(cfg).toMatchObject({
      'detail-type': 'Config Configuration Item Change',
      source: 'aws.config',
      detail: { configurationItem: item },
    });
    expect(only(cfg).eventId).toBe(only(item).eventId);
  });
});

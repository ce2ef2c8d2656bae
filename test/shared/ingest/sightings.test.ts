import { describe, expect, it } from 'vitest';
import { type FindingSighting, GUARDDUTY_FINDINGS_PATTERN, recordSightings } from '../../../shared/ingest/sightings.js';
import { loadConfig } from '../../../shared/config/index.js';
import { matchesPattern } from '../../../shared/policy/index.js';
import { eventAt } from '../../cli/review-support.js';

const CONFIG = new URL('../review/fixtures/pack/tpguard.config.yaml', import.meta.url).pathname;

describe('Function: recordSightings', () => {
  it('records one sighting per in-scope resource of a GuardDuty finding, whatever its type', async () => {
    // Prepare
    const config = await loadConfig(CONFIG);
    const event = eventAt('gd-unmapped-discovery.json', '2027-03-05T04:00:00Z', 'f1000000-0000-4000-8000-000000000001');
    const outside = eventAt(
      'gd-unmapped-discovery.json',
      '2027-03-05T05:00:00Z',
      'f1000000-0000-4000-8000-000000000002',
      (d) => {
        (d.resource as { s3BucketDetails: { name: string; arn: string }[] }).s3BucketDetails = [
          { name: 'marketing-site', arn: 'arn:aws:s3:::marketing-site' },
        ];
      },
    );
    const seen: FindingSighting[] = [];
    const sink = { record: async (s: FindingSighting) => void seen.push(s) };

    // Act
    const n = await recordSightings(event, sink, config);
    const none = await recordSightings(outside, sink, config);

    // Assess
    expect([n, none]).toEqual([1, 0]);
    expect(seen[0]).toMatchObject({
      findingType: 'Discovery:S3/AnomalousBehavior',
      account: '111122223333',
      resource: { type: 's3-bucket', id: 'ml-training-fraud-data' },
      firstSeen: '2027-03-05T04:00:00.000Z',
      count: 1,
    });
    expect(matchesPattern(GUARDDUTY_FINDINGS_PATTERN as Record<string, unknown>, event)).toBe(true);
    expect(
      matchesPattern(
        GUARDDUTY_FINDINGS_PATTERN as Record<string, unknown>,
        eventAt('s3-versioning-enabled.json', '2027-03-05T04:00:00Z', 'x'),
      ),
    ).toBe(false);
  });
});

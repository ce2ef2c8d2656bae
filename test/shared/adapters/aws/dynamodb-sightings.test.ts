import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSightings } from '../../../../shared/adapters/aws/dynamodb-sightings.js';
import type { LocalTable } from '../../../../shared/adapters/local/index.js';
import { openTestTable } from '../../../helpers/dynamodb.js';
import type { FindingSighting } from '../../../../shared/ingest/index.js';

let table: LocalTable;
let sightings: DynamoSightings;

beforeAll(async () => {
  table = await openTestTable();
  sightings = new DynamoSightings(table.doc, table.tableName);
});
afterAll(async () => table.close());

function seen(at: string, findingType = 'Discovery:S3/AnomalousBehavior', bucket = 'ml-training-a'): FindingSighting {
  return {
    findingType,
    account: '111122223333',
    region: 'eu-west-1',
    resource: { type: 's3-bucket', id: bucket, name: bucket },
    firstSeen: at,
    lastSeen: at,
    count: 1,
  };
}

describe('Class: DynamoSightings', () => {
  it('counts sightings per type and resource, keeping the first and last time in any arrival order', async () => {
    // Act: the middle one arrives last
    await sightings.record(seen('2027-02-10T00:00:00.000Z'));
    await sightings.record(seen('2027-03-10T00:00:00.000Z'));
    await sightings.record(seen('2027-01-10T00:00:00.000Z'));
    await sightings.record(seen('2027-02-20T00:00:00.000Z'));

    // Assess
    const [s] = (await sightings.list('2027-01-01T00:00:00.000Z', '2027-04-01T00:00:00.000Z')).filter(
      (x) => x.resource.id === 'ml-training-a',
    );
    expect(s).toMatchObject({ count: 4, firstSeen: '2027-01-10T00:00:00.000Z', lastSeen: '2027-03-10T00:00:00.000Z' });
  });

  it('lists only sightings that overlap the window', async () => {
    // Prepare
    await sightings.record(seen('2026-06-01T00:00:00.000Z', 'Recon:IAMUser/MaliciousIPCaller', 'ml-training-old'));

    // Act
    const inQ1 = await sightings.list('2027-01-01T00:00:00.000Z', '2027-04-01T00:00:00.000Z');

    // Assess
    expect(inQ1.map((s) => s.resource.id)).not.toContain('ml-training-old');
  });
});

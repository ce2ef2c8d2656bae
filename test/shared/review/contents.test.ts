import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.js';
import type { TpguardConfig } from '../../../shared/config/index.js';
import { createException } from '../../../shared/exceptions/index.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { buildContents, threatDelta } from '../../../shared/review/contents.js';
import { snapshotPack } from '../../../shared/review/pack-snapshot.js';
import { currentPeriod } from '../../../shared/review/period.js';
import type { FindingSighting } from '../../../shared/ingest/index.js';
import type { DriftFacts } from '../../../shared/review/ports.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const FACTS = JSON.parse(readFileSync(`${FIXTURES}facts.json`, 'utf8')) as DriftFacts;
const PERIOD = currentPeriod(
  { schedule: 'quarterly', timezone: 'UTC', dueInDays: 30 },
  new Date('2027-04-01T09:00:00Z'),
);

let pack: PolicyPack;
let config: TpguardConfig;

beforeAll(async () => {
  [pack, config] = await Promise.all([
    loadPolicyPack(`${FIXTURES}pack/policies`),
    loadConfig(`${FIXTURES}pack/tpguard.config.yaml`),
  ]);
});

function sighting(findingType: string, bucket: string, at: string): FindingSighting {
  return {
    findingType,
    account: '111122223333',
    region: 'eu-west-1',
    resource: { type: 's3-bucket', id: bucket, name: bucket },
    firstSeen: at,
    lastSeen: at,
    count: 2,
  };
}

describe('Function: threatDelta', () => {
  it('lists finding types on in-scope resources that no rule maps', () => {
    // Prepare
    const sightings = [
      sighting('Discovery:S3/AnomalousBehavior', 'ml-training-a', '2027-02-01T00:00:00.000Z'),
      sighting('Discovery:S3/AnomalousBehavior', 'ml-training-b', '2027-03-01T00:00:00.000Z'),
      sighting('Exfiltration:S3/AnomalousBehavior', 'ml-training-a', '2027-02-01T00:00:00.000Z'),
      sighting('Impact:S3/PermissionsModification.Unusual', 'marketing-site', '2027-02-01T00:00:00.000Z'),
      sighting('Recon:IAMUser/MaliciousIPCaller', 'ml-training-a', '2026-12-01T00:00:00.000Z'),
    ];

    // Act
    const delta = threatDelta(sightings, pack, config, PERIOD.coversFrom, PERIOD.coversTo);

    // Assess: mapped, out-of-scope and out-of-period sightings are left out
    expect(delta).toEqual([
      {
        findingType: 'Discovery:S3/AnomalousBehavior',
        count: 4,
        resources: ['s3-bucket/ml-training-a', 's3-bucket/ml-training-b'],
        firstSeen: '2027-02-01T00:00:00.000Z',
        lastSeen: '2027-03-01T00:00:00.000Z',
      },
    ]);
  });
});

describe('Function: buildContents', () => {
  it('gives the control task the whole pack, the threat delta and the expiring exceptions', () => {
    // Prepare
    const soon = createException(
      {
        ruleId: 'TPS-S3-90',
        resource: 'ml-training-old',
        reason: 'r',
        approvedBy: 'CISO',
        expiresAt: '2027-05-01T00:00:00.000Z',
      },
      new Date('2027-03-01T00:00:00Z'),
      365,
    );
    const later = createException(
      {
        ruleId: 'TPS-SM-90',
        resource: 'vision-*',
        reason: 'r',
        approvedBy: 'CISO',
        expiresAt: '2027-09-01T00:00:00.000Z',
      },
      new Date('2027-03-01T00:00:00Z'),
      365,
    );

    // Act
    const c = buildContents({
      period: PERIOD,
      pack,
      config,
      facts: structuredClone(FACTS),
      exceptions: [soon, later],
      sightings: [sighting('Discovery:S3/AnomalousBehavior', 'ml-training-a', '2027-02-01T00:00:00.000Z')],
      currentSnapshot: snapshotPack(pack, PERIOD.opensAt),
    });

    // Assess
    expect(c).toMatchObject({
      areas: ['s3', 'sagemaker', 'threats'],
      rules: 3,
      driftOpened: 3,
      driftResolved: 3,
      openBySeverity: { high: 1 },
      silentRules: ['TPS-GD-90'],
    });
    expect(c.noisiestRules.map((r) => [r.ruleId, r.count])).toEqual([
      ['TPS-S3-90', 2],
      ['TPS-SM-90', 1],
    ]);
    expect(c.expiringExceptions.map((e) => e.exceptionId)).toEqual([soon.exceptionId]);
    expect(c.threatDelta.map((t) => t.findingType)).toEqual(['Discovery:S3/AnomalousBehavior']);
    expect(c.packChanges).toEqual({
      toVersion: pack.version,
      added: ['TPS-GD-90', 'TPS-S3-90', 'TPS-SM-90'],
      removed: [],
      modified: [],
    });
  });

  it('limits an area task to its areas and leaves the threat delta to the control task', () => {
    // Act
    const c = buildContents({
      period: PERIOD,
      areas: ['sagemaker'],
      pack,
      config,
      facts: structuredClone(FACTS),
      exceptions: [],
      sightings: [sighting('Discovery:S3/AnomalousBehavior', 'ml-training-a', '2027-02-01T00:00:00.000Z')],
      currentSnapshot: snapshotPack(pack, PERIOD.opensAt),
    });

    // Assess
    expect(c).toMatchObject({
      areas: ['sagemaker'],
      rules: 1,
      driftOpened: 1,
      driftResolved: 0,
      silentRules: [],
      threatDelta: [],
    });
    expect(c.meanTimeToResolveHours).toBeUndefined();
    expect(c.packChanges.added).toEqual(['TPS-SM-90']);
  });
});

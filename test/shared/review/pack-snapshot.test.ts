import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { diffSnapshots, snapshotPack } from '../../../shared/review/pack-snapshot.js';

let pack: PolicyPack;

beforeAll(async () => {
  pack = await loadPolicyPack(new URL('./fixtures/pack/policies', import.meta.url).pathname);
});

describe('Function: snapshotPack', () => {
  it('hashes each rule and keeps its area and title', () => {
    // Act
    const s = snapshotPack(pack, '2027-04-01T07:00:00.000Z');

    // Assess
    expect(s.version).toBe(pack.version);
    expect(Object.keys(s.rules).sort()).toEqual(['TPS-GD-90', 'TPS-S3-90', 'TPS-SM-90']);
    expect(s.rules['TPS-S3-90']).toMatchObject({ area: 's3', title: 'Training bucket versioning is suspended' });
    expect(s.rules['TPS-S3-90']!.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same hash to the same rule content', () => {
    expect(snapshotPack(pack, 'a').rules).toEqual(snapshotPack(pack, 'b').rules);
  });
});

describe('Function: diffSnapshots', () => {
  it('finds rules added, removed and modified between two pack versions', () => {
    // Prepare
    const after = snapshotPack(pack, '2027-07-01T07:00:00.000Z');
    const before = structuredClone(after);
    before.version = 'oldoldoldold';
    delete before.rules['TPS-GD-90'];
    before.rules['TPS-SM-90']!.hash = '0000000000000000';
    before.rules['TPS-XX-01'] = { hash: '1', area: 'legacy', title: 'retired' };

    // Act
    const changes = diffSnapshots(before, after);

    // Assess
    expect(changes).toEqual({
      fromVersion: 'oldoldoldold',
      toVersion: pack.version,
      added: ['TPS-GD-90'],
      removed: ['TPS-XX-01'],
      modified: ['TPS-SM-90'],
    });
    expect(diffSnapshots(before, after, ['s3'])).toEqual({
      fromVersion: 'oldoldoldold',
      toVersion: pack.version,
      added: [],
      removed: [],
      modified: [],
    });
  });
});

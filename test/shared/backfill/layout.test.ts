import { describe, expect, it } from 'vitest';
import { ArchiveSelectionError } from '../../../shared/backfill/errors.js';
import { acceptsKey, archivePrefixes, datePrefixes, logsRoot, narrowTo } from '../../../shared/backfill/layout.js';
import { planArchive } from '../../../shared/backfill/plan.js';
import { isS3Url, parseS3Url } from '../../../shared/backfill/archive-reader.js';
import { MemoryArchive } from './archive-fixture.js';

/** Where AWS writes CloudTrail and Config archives, and what a date range lists of them. */

describe('Function: datePrefixes', () => {
  it('collapses whole years and months and lists the days of partial months (CloudTrail: padded)', () => {
    // Act
    const prefixes = datePrefixes({ from: '2025-12-30', to: '2027-02-02' }, true);

    // Assess
    expect(prefixes).toEqual(['2025/12/30/', '2025/12/31/', '2026/', '2027/01/', '2027/02/01/', '2027/02/02/']);
  });

  it('writes months and days unpadded for Config', () => {
    // Act + Assess
    expect(datePrefixes({ from: '2026-09-05', to: '2026-09-06' }, false)).toEqual(['2026/9/5/', '2026/9/6/']);
  });

  it.each([
    [{ from: '2026-02-30', to: '2026-03-01' }, '--from'],
    [{ from: '2026-03-01', to: 'tomorrow' }, '--to'],
    [{ from: '2026-03-02', to: '2026-03-01' }, '--to'],
    [{ from: '1990-01-01', to: '2026-03-01' }, '--from'],
  ])('refuses %o naming %s', (range, option) => {
    // Act + Assess
    expect(() => datePrefixes(range, true)).toThrow(ArchiveSelectionError);
    expect(() => datePrefixes(range, true)).toThrow(option);
  });
});

describe('Function: archivePrefixes', () => {
  it('names the ConfigHistory leaf of a single day, and keeps the month prefix otherwise', () => {
    // Prepare
    const roots = [{ prefix: 'AWSLogs/111122223333/', account: '111122223333' }];

    // Act
    const prefixes = archivePrefixes('config-history', roots, ['eu-west-1'], { from: '2026-10-31', to: '2026-11-30' });

    // Assess
    expect(prefixes).toEqual([
      'AWSLogs/111122223333/Config/eu-west-1/2026/10/31/ConfigHistory/',
      'AWSLogs/111122223333/Config/eu-west-1/2026/11/',
    ]);
    expect(acceptsKey('config-history', `${prefixes[1]}2/ConfigHistory/x.json.gz`)).toBe(true);
    expect(acceptsKey('config-history', `${prefixes[1]}2/ConfigSnapshot/x.json.gz`)).toBe(false);
  });
});

describe('Function: planArchive', () => {
  it('discovers organization, account and region folders, and narrows to a prefix below AWSLogs/', async () => {
    // Prepare
    const key = (p: string) => [p, new Uint8Array()] as const;
    const lister = new MemoryArchive(
      new Map([
        key('trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/02/a.json.gz'),
        key('trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2026/11/02/b.json.gz'),
        key('trail/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2026/11/02/c.json.gz'),
        key('trail/AWSLogs/not-an-account/x.json.gz'),
      ]),
    );

    // Act
    const all = await planArchive(lister, 'b', 'trail', { kind: 'cloudtrail', from: '2026-11-01', to: '2026-11-30' });
    const one = await planArchive(lister, 'b', 'trail/AWSLogs/o-a1b2c3d4e5/444455556666/', {
      kind: 'cloudtrail',
      from: '2026-11-02',
      to: '2026-11-02',
    });

    // Assess
    expect(all).toEqual({
      prefixes: [
        'trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/',
        'trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2026/11/',
        'trail/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2026/11/',
      ],
      accounts: ['111122223333', '444455556666'],
      regions: ['eu-west-1', 'us-east-1'],
      organizations: ['o-a1b2c3d4e5'],
    });
    expect(one.prefixes).toEqual(['trail/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/eu-west-1/2026/11/02/']);
  });

  it('says which option selected nothing', async () => {
    // Prepare
    const lister = new MemoryArchive(new Map());

    // Act
    const run = planArchive(lister, 'b', '', {
      kind: 'cloudtrail',
      from: '2026-11-01',
      to: '2026-11-30',
      accounts: ['111122223333'],
    });

    // Assess
    await expect(run).rejects.toThrow('--accounts: no such account folder under s3://b/AWSLogs/');
  });
});

describe('Function: parseS3Url', () => {
  it('splits bucket and prefix', () => {
    // Act + Assess
    expect(parseS3Url('s3://org-trail-archive')).toEqual({ bucket: 'org-trail-archive', prefix: '' });
    expect(parseS3Url('s3://org-trail-archive/trail/AWSLogs/')).toEqual({
      bucket: 'org-trail-archive',
      prefix: 'trail/AWSLogs/',
    });
    expect(isS3Url('./s3:/x')).toBe(false);
    expect(logsRoot('trail/AWSLogs/111122223333/')).toBe('trail/AWSLogs/');
    expect(narrowTo(['a/b/'], 'a/b/c/')).toEqual(['a/b/c/']);
  });

  it.each(['s3://', 's3://UPPER', 's3://a', 's3://under_score/x', `s3://ok-bucket/${'k'.repeat(1025)}`])(
    'refuses %s',
    (url) => {
      // Act + Assess
      expect(() => parseS3Url(url)).toThrow(ArchiveSelectionError);
    },
  );
});

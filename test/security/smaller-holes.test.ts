import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactOf, loadConfig, resolveOwner, taggedOwnersOf } from '../../shared/config/index.js';
import type { DriftRecord } from '../../shared/drift/index.js';
import { DeliveryFailedError, runDigest } from '../../shared/notify/index.js';
import { MemoryLedger } from '../../shared/notify/index.js';
import { resourceGlobTooBroad } from '../../shared/exceptions/index.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';
import { clockAt, openedTransition, shippedCatalog, shippedConfig } from '../shared/notify/support.js';

/**
 * Issue 13, "Smaller holes found" (attacker review items 22 and 2): an exception whose resource
 * glob matches (nearly) every resource, a review signed off before it opened or years later, and
 * an owner tag naming an Object.prototype member that crashed the notifier and the digest.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const CONFIG = join(FIXTURES, 'tpguard.config.yaml');
const POLICIES = join(REPO_ROOT, 'policies');

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-holes-'));
});
afterAll(async () => cleanup());

const cli = (args: string[], data: string) =>
  runCli([...args, '--data-dir', join(dir, data), '--config', CONFIG, '--policy', POLICIES]);

describe('exception add (review item 22)', () => {
  const BROAD = ['*', '**', '?*', '*?', '***?', 'arn:*', '*-*', 'arn:aws:s3:::*', 'arn:aws:iam::111122223333:role/*'];
  const BROAD_TOO = ['sg-*', 'sg-0*', 'ml/*', '*legacy*', 'i-?*', 'alias/*', 'arn:aws:*:*:*:*'];

  it.each([...BROAD, ...BROAD_TOO])('refuses --resource %j with one line and exit 2', async (glob) => {
    // Act
    const run = await cli(
      [
        '--now',
        '2027-04-01T09:00:00Z',
        'exception',
        'add',
        '--rule',
        '*',
        '--resource',
        glob,
        '--reason',
        'legacy migration',
        '--approved-by',
        'CISO',
        '--expires',
        '2027-06-30',
      ],
      'exceptions',
    );
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--resource: .*(literal characters|any name)/);
    expect(run.stdout).not.toMatch(/suppressed/);
  });

  it('accepts a glob that names the resources', async () => {
    // Act & Assess
    for (const glob of ['ml-training-legacy-*', 'arn:aws:s3:::ml-training-legacy*', 'sg-0ml*', 'llm-finetune-jdoe-?'])
      expect(resourceGlobTooBroad(glob), glob).toBeUndefined();
    const run = await cli(
      [
        '--now',
        '2027-04-01T09:00:00Z',
        'exception',
        'add',
        '--rule',
        'TPS-S3-04',
        '--resource',
        'ml-training-legacy-*',
        '--reason',
        'legacy migration',
        '--approved-by',
        'CISO',
        '--expires',
        '2027-06-30',
      ],
      'exceptions-ok',
    );
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('review complete (review item 22)', () => {
  it('refuses a sign-off time before the task was opened or more than a year after it was due', async () => {
    // Prepare
    const opened = await cli(['--now', '2027-04-01T09:00:00+02:00', 'review', 'run'], 'reviews');
    expect(opened.code, opened.stderr).toBe(0);
    const complete = (now: string) =>
      cli(
        [
          '--now',
          now,
          'review',
          'complete',
          '2027-Q2/reviewers',
          '--by',
          'Dana Ruiz',
          '--notes',
          'ok',
          '--decision',
          'keep',
        ],
        'reviews',
      );
    // Act
    const before = await complete('2020-01-01T00:00:00Z');
    const farLater = await complete('2099-01-01T00:00:00Z');
    const inTime = await complete('2027-04-10T09:00:00Z');
    // Assess
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(
      /2027-Q2\/reviewers: sign-off at 2020-01-01T00:00:00.000Z is before the task was opened/,
    );
    expect(farLater.code).toBe(2);
    expect(farLater.stderr).toMatch(/more than 366 days after it was due/);
    expect(inTime.code, inTime.stderr).toBe(0);
    expect(inTime.stdout).toMatch(/on time/);
  });
});

describe('Owners named like Object.prototype members (review item 2)', () => {
  it('resolve to the default owner and its contact', async () => {
    // Prepare
    const config = await loadConfig(CONFIG);
    // Act & Assess
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(resolveOwner({ type: 's3-bucket', id: 'x', tags: { owner: name } }, config.owners)).toBe('default');
      expect(contactOf(name, config.owners)).toEqual(config.owners.default);
    }
  });

  it('replay and digest of a job tagged owner=constructor: no notifier error, the digest exits 0', async () => {
    // Act
    const replay = await cli(['replay', join(FIXTURES, '04-owner-tag-constructor.json')], 'constructor');
    const digest = await cli(['--now', '2026-11-03T09:00:00Z', 'digest'], 'constructor');
    // Assess
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).not.toMatch(/notifier|TypeError/);
    expect(replay.stdout).toMatch(/owner default/);
    expect(digest.code, digest.stderr).toBe(0);
  });
});

describe('An owner tag adds a recipient, never takes the alert away (review item 2, second half)', () => {
  it('keeps the owner the configuration names and lists the tagged team beside it', async () => {
    // Prepare
    const config = await loadConfig(CONFIG);
    const job = { type: 'sagemaker-training-job', id: 'llm-exfil', tags: { owner: 'fraud' } };
    const bucket = { type: 's3-bucket', id: 'ml-training-nlp-corpus', arn: 'arn:aws:s3:::ml-training-nlp-corpus' };
    // Act & Assess: no resources glob names the job: its owner is the default, the tag adds fraud.
    expect(resolveOwner(job, config.owners)).toBe('default');
    expect(taggedOwnersOf(job, 'default', config.owners)).toEqual(['fraud']);
    // A bucket the configuration gives to nlp stays nlp's whatever its tag says.
    expect(resolveOwner({ ...bucket, tags: { owner: 'fraud' } }, config.owners)).toBe('nlp');
    expect(taggedOwnersOf({ ...bucket, tags: { owner: 'fraud' } }, 'nlp', config.owners)).toEqual(['fraud']);
    expect(taggedOwnersOf({ ...bucket, tags: { owner: 'nlp' } }, 'nlp', config.owners)).toEqual([]);
    expect(taggedOwnersOf({ ...bucket, tags: { owner: 'constructor' } }, 'nlp', config.owners)).toEqual([]);
  });

  it('replay and digest of a job tagged owner=fraud: the default owner is alerted and sees it in its digest, fraud too', async () => {
    // Prepare: the review's repro 04 with the tag naming a real team.
    const event = JSON.parse(await readFile(join(FIXTURES, '04-owner-tag-constructor.json'), 'utf8'));
    const tag = event.detail.requestParameters.tags.find((t: { key: string }) => t.key === 'owner');
    tag.value = 'fraud';
    const file = join(dir, '04-owner-tag-fraud.json');
    await writeFile(file, JSON.stringify(event));
    // Act
    const replay = await cli(['replay', file], 'tagged-fraud');
    const digest = await cli(['--now', '2026-11-03T09:00:00Z', 'digest'], 'tagged-fraud');
    // Assess
    expect(replay.code, replay.stderr).toBe(0);
    expect(digest.code, digest.stderr).toBe(0);
    const outbox = (await readFile(join(dir, 'tagged-fraud', 'outbox.ndjson'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { channel: string; transition: string; owner: string; to: string[] });
    const emails = (kind: string) =>
      outbox.filter((m) => m.channel === 'email' && m.transition === kind).map((m) => `${m.owner} ${m.to.join(',')}`);
    const opened = emails('opened');
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.filter((e) => e === 'default ml-security@example.com')).toHaveLength(opened.length / 2);
    expect(opened.filter((e) => e === 'fraud fraud-ml@example.com')).toHaveLength(opened.length / 2);
    expect(emails('digest').sort()).toEqual(['default ml-security@example.com', 'fraud fraud-ml@example.com']);
  });
});

describe('The daily digest isolates owners (review item 2)', () => {
  function openRecord(n: number, owner: string): DriftRecord {
    const at = '2026-11-05T08:00:00.000Z';
    return {
      ...openedTransition().record,
      driftId: `d-${String(n).padStart(20, '0')}`,
      resourceId: `ml-training-${n}`,
      owner,
      status: 'open',
      severity: 'high',
      firstSeen: at,
      openedAt: at,
      lastSeen: at,
      lastEventId: `e-${n}`,
      lastTransition: { kind: 'opened', eventId: `e-${n}`, at },
    };
  }

  it("sends every other owner's digest when one owner's fails, then throws so that Lambda retries", async () => {
    // Prepare: an old record whose owner is `constructor`, and a sender that fails for vision.
    const records = [
      openRecord(1, 'constructor'),
      openRecord(2, 'vision'),
      openRecord(3, 'fraud'),
      openRecord(4, 'nlp'),
    ];
    const sent: string[] = [];
    const send = async (m: { owner: string; channel: string }) => {
      if (m.owner === 'vision') throw new Error('SNS is down for vision');
      sent.push(`${m.channel}:${m.owner}`);
    };
    // Act
    const run = runDigest({
      ledger: new MemoryLedger(),
      dispatcher: { email: send, slack: send },
      catalog: await shippedCatalog(),
      config: shippedConfig({ escalateAfterHours: 0 }),
      clock: clockAt('2026-11-05T09:00:00Z'),
      store: { queryRecords: async () => structuredClone(records) },
    });
    // Assess
    await expect(run).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(sent.sort()).toEqual(['email:constructor', 'email:fraud', 'email:nlp', 'slack:constructor', 'slack:fraud']);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskException } from '../../shared/exceptions/index.js';
import { CONFIG, POLICY, tpguard, type CliRun } from './review-support.js';

/** Four eyes on the embedded store: identities are the names typed with --by (as every local write). */

const dir = mkdtempSync(join(tmpdir(), 'tpguard-four-eyes-'));
const config = join(dir, 'tpguard.config.yaml');
const store = ['--data-dir', join(dir, 'data'), '--config', config, '--policy', POLICY];
const at = (now: string, ...args: string[]) => tpguard('--now', now, ...args, ...store);
const ADD = [
  'exception',
  'add',
  '--rule',
  'TPS-S3-90',
  '--resource',
  'ml-training-legacy-*',
  '--reason',
  'migration in April',
  '--approved-by',
  'CISO office',
  '--expires',
  '2027-04-30',
];
const runs: Record<string, CliRun> = {};

beforeAll(async () => {
  writeFileSync(config, `${readFileSync(CONFIG, 'utf8')}\n  requireDistinctApprover: true\n`);
  runs.anonymous = await at('2027-04-02T09:00:00Z', ...ADD);
  runs.add = await at('2027-04-02T09:00:00Z', ...ADD, '--by', 'alice');
  const id = /exception (EX-[0-9a-f]{8})/.exec(runs.add.out)?.[1] ?? 'EX-missing';
  runs.list = await at('2027-04-02T09:01:00Z', 'exception', 'list', '--format', 'json');
  runs.self = await at('2027-04-02T09:02:00Z', 'exception', 'approve', id, '--by', 'alice');
  runs.approve = await at('2027-04-02T09:03:00Z', 'exception', 'approve', id, '--by', 'bob');
  runs.publish = await at('2027-03-31T12:00:00Z', 'rules', 'publish', '--by', 'pat');
  runs.run = await at('2027-04-01T07:00:00Z', 'review', 'run');
  const complete = ['review', 'complete', '2027-Q2/reviewers', '--notes', 'ok', '--decision', 'keep', '--by'];
  runs.selfSignOff = await at('2027-04-20T10:00:00Z', ...complete, 'pat');
  runs.signOff = await at('2027-04-20T10:05:00Z', ...complete, 'dana');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Four eyes (reviews.requireDistinctApprover) on the embedded store', () => {
  it('keeps an exception pending, in force for nobody, until someone else approves it', () => {
    // Prepare
    const listed = JSON.parse(runs.list!.out) as (RiskException & { state: string })[];

    // Assess
    expect(runs.anonymous).toMatchObject({
      code: 2,
      err: 'tpguard: --by: required: four eyes need to know who adds the exception\n',
    });
    expect(runs.add!.out).toContain('added by alice');
    expect(listed.map((e) => [e.state, e.createdBy])).toEqual([['pending', 'alice']]);
    expect(runs.self!.code).toBe(2);
    expect(runs.self!.err).toContain('alice added it and cannot approve it too');
    expect(runs.approve!.code).toBe(0);
    expect(runs.approve!.out).toContain('approved by bob, added by alice');
  });

  it('lets nobody sign off the review of a pack they put in force', () => {
    // Assess
    expect(runs.publish!.out).toContain('recorded as put in force by pat');
    expect(runs.selfSignOff!.code).toBe(2);
    expect(runs.selfSignOff!.err).toContain('pat recorded pack');
    expect(runs.signOff!.code).toBe(0);
    expect(runs.signOff!.out).toContain('2027-Q2/reviewers signed off by dana');
  });
});

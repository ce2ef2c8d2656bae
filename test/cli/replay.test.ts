import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import { FIXTURE_EVENTS, fixtureArgs, validEventFiles } from './replay-support.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-replay-'));
});
afterEach(async () => {
  await cleanup();
});

describe('Command: tpguard replay', () => {
  it('feeds events through the handlers, prints each transition and a summary', async () => {
    // Act
    const { code, stdout } = await runCli(['replay', ...validEventFiles(), ...fixtureArgs(dir)]);
    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/OPENED\s+high\s+TPS-S3-90\s+s3-bucket\/ml-training-vision-raw\s+owner vision/);
    expect(stdout).toMatch(/RESOLVED\s+high\s+TPS-S3-90/);
    expect(stdout).toMatch(/REOPENED\s+high\s+TPS-S3-90/);
    expect(stdout).toContain('events: 14 read, 13 routed to the ingest handlers, 1 matched no rule; 0 rejected');
    expect(stdout).toMatch(/transitions: 6 opened, 2 resolved, 1 reopened, 0 suppressed, 0 unverifiable\n/);
    expect(stdout).toContain('open drift: 5 (1 critical, 2 high, 1 medium, 1 low)');
  });

  it('changes nothing when the same events are replayed again', async () => {
    // Prepare
    await runCli(['replay', ...validEventFiles(), ...fixtureArgs(dir)]);
    const before = await runCli(['drift', 'list', '--all', '--format', 'json', ...fixtureArgs(dir)]);
    // Act
    const again = await runCli(['replay', ...validEventFiles(), ...fixtureArgs(dir)]);
    // Assess
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/transitions: 0 opened, 0 resolved, 0 reopened, 0 suppressed/);
    expect(again.stdout).not.toMatch(/OPENED|RESOLVED/);
    const after = await runCli(['drift', 'list', '--all', '--format', 'json', ...fixtureArgs(dir)]);
    expect(after.stdout).toBe(before.stdout);
  });

  it('reports rejected input on stderr, one line each, records it, and exits 2', async () => {
    // Act
    const { code, stdout, stderr } = await runCli([
      'replay',
      join(FIXTURE_EVENTS, 'bad-shape.json'),
      ...fixtureArgs(dir),
    ]);
    // Assess
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/bad-shape\.json: unrecognized event shape/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toContain('0 routed to the ingest handlers, 0 matched no rule; 1 rejected');
  });

  it('prints why a future-dated event is rejected, escaped, at most 20 lines per input (issue 13, attack 23)', async () => {
    // Prepare: 25 copies of a violating event dated in year 9999, each with its own id.
    const base = JSON.parse(await readFile(join(FIXTURE_EVENTS, 'ct-versioning-suspended.json'), 'utf8'));
    const lines = Array.from({ length: 25 }, (_, i) => {
      const e = structuredClone(base);
      e.id = `future-${i}`;
      e.time = '9999-01-01T00:00:00Z';
      e.detail.eventID = `future-${i}`;
      e.detail.eventTime = '9999-01-01T00:00:00Z';
      return JSON.stringify(e);
    });
    const file = join(dir, 'future\u001b[31m.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);
    // Act
    const { code, stdout, stderr } = await runCli([
      'replay',
      file,
      ...fixtureArgs(join(dir, 'data')),
      '--now',
      '2026-11-02T12:00:00Z',
    ]);
    // Assess
    expect(code).toBe(2);
    expect(stdout).toContain('25 rejected');
    const reasons = stderr.split('\n').filter((l) => l.includes('more than 15 minutes ahead of the receiving clock'));
    expect(reasons).toHaveLength(20);
    expect(reasons[0]).toContain('event time 9999-01-01T00:00:00');
    expect(stderr).toContain('5 more rejected records not printed (25 in all)');
    expect(stderr).not.toContain('\u001b');
  });

  it('fails with one line when the data folder cannot be used', async () => {
    // Prepare
    await writeFile(join(dir, 'file'), 'not a folder');
    // Act
    const { code, stderr } = await runCli([
      'replay',
      join(FIXTURE_EVENTS, 'ct-unrelated.json'),
      ...fixtureArgs(join(dir, 'file', 'data')),
    ]);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toBe(`tpguard: --data-dir ${join(dir, 'file', 'data')}: cannot create it (ENOTDIR)\n`);
  });

  it('has help with an example', async () => {
    // Act
    const { stdout } = await runCli(['replay', '--help']);
    // Assess
    expect(stdout).toContain('$ tpguard replay events/');
  });
});

import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';
import { FIXTURE_EVENTS, fixtureArgs } from './replay-support.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-start-'));
});
afterEach(async () => {
  await cleanup();
});

describe('Command: tpguard start', () => {
  it('boots the store, replays the events and shows open drift with owners and severities (--once)', async () => {
    // Act
    const { code, stdout, stderr } = await runCli(['start', '--once', '--events', FIXTURE_EVENTS, ...fixtureArgs(dir)]);
    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^tpguard local monitor: policy pack [0-9a-f]{12} \(5 rules\), Node v24\./);
    expect(stdout).toContain('open drift: 5 (1 critical, 2 high, 1 medium, 1 low)');
    expect(stdout).toMatch(
      /Open drift, most severe first \(by owner: default 3, vision 2\):\nSEVERITY\s+RULE\s+RESOURCE\s+OWNER\s+OPENED\s+TITLE/,
    );
    expect(stdout).toMatch(/critical\s+TPS-GD-90\s+s3-bucket\/ml-training-vision-raw\s+vision\s+2026-11-02 14:02/);
    expect(stderr).toMatch(/^rejected .*bad-shape\.json: unrecognized event shape/);
  });

  it('records nothing twice when started again on the same data folder', async () => {
    // Prepare
    await runCli(['start', '--once', '--events', FIXTURE_EVENTS, ...fixtureArgs(dir)]);
    // Act
    const { stdout } = await runCli(['start', '--once', '--events', FIXTURE_EVENTS, ...fixtureArgs(dir)]);
    // Assess
    expect(stdout).toMatch(/transitions: 0 opened, 0 resolved, 0 reopened, 0 suppressed/);
    expect(stdout).toContain('open drift: 5 (1 critical, 2 high, 1 medium, 1 low)');
  });

  it('is what `npm start -- --once` runs, on Node 24, over the shipped events and pack', async () => {
    // Act
    const { code, stdout } = await spawnCli(['--once', '--data-dir', dir], {
      command: ['npm', 'start', '--silent', '--'],
    });
    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/Node v24\.\d+\.\d+/);
    expect(stdout).toMatch(/open drift: [1-9]\d* \(/);
    expect(stdout).toMatch(/SEVERITY\s+RULE\s+RESOURCE\s+OWNER\s+OPENED\s+TITLE\n-+/);
    expect(stdout).toMatch(/\n(critical|high)\s+TPS-[A-Z0-9]+-\d+\s+\S+\s+(default|vision|nlp|fraud)\s/);
  }, 60_000);

  it('runs a baseline from the sample snapshot of events/baseline before the replay, alerting one summary per owner', async () => {
    // Prepare: the shipped snapshot and one later Config change of the nlp bucket (its fix)
    const events = join(dir, 'events');
    await cp(join(REPO_ROOT, 'events', 'baseline'), join(events, 'baseline'), { recursive: true });
    await mkdir(join(events, 'config'), { recursive: true });
    await cp(join(REPO_ROOT, 'events/config/s3-bucket-compliant.json'), join(events, 'config', 'fix.json'));
    const args = ['start', '--once', '--events', events, '--data-dir', join(dir, 'data')];

    // Act
    const { code, stdout } = await runCli(args);

    // Assess: the baseline block, per account and region, with the summaries it sent
    expect(code).toBe(0);
    expect(stdout).toMatch(/\nbaseline from .*events\/baseline \(the state that existed before the events/);
    expect(stdout).toContain(
      '  111122223333/eu-west-1: 4 resource types, 10 resources read, 10 evaluated, 0 unreadable; 9 violations, 9 drift opened, 0 resolved',
    );
    expect(stdout).toContain(
      '  summary to nlp: baseline of 111122223333/eu-west-1: 1 resource out of policy, 1 high (one message per channel)',
    );
    // ... the replay reads the events only (the snapshot is not read twice)
    expect(stdout).toMatch(/replayed .*events\n {2}events: 1 read/);
    // ... and the outbox holds one summary message per owner and channel, no message per baseline drift
    const outbox = (await readFile(join(dir, 'data', 'outbox.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const kinds = outbox.map((m) => `${m.transition} ${m.owner} ${m.channel}`);
    expect(kinds.filter((k) => k.startsWith('batch')).sort()).toEqual([
      'batch default email',
      'batch default slack',
      'batch fraud email',
      'batch fraud slack',
      'batch nlp email',
    ]);
    expect(kinds.some((k) => k.startsWith('opened'))).toBe(false);

    // Act: started again on the same data folder
    const again = await runCli(args);

    // Assess: the same state read again opens nothing and sends no summary
    expect(again.stdout).toContain('9 violations, 0 drift opened, 0 resolved');
    expect(again.stdout).not.toContain('summary to');
  });
});

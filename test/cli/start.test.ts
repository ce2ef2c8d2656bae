import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
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
});

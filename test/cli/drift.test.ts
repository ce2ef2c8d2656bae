import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';
import type { DriftRecord } from '../../shared/drift/index.js';
import { fixtureArgs, validEventFiles } from './replay-support.js';
import { tpguardCommand } from '../../cli/invocation.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-drift-'));
  await runCli(['replay', ...validEventFiles(), ...fixtureArgs(dir), '--quiet']);
});
afterAll(async () => {
  await cleanup();
});

async function listJson(...args: string[]): Promise<DriftRecord[]> {
  const { code, stdout } = await runCli(['drift', 'list', '--format', 'json', ...args, ...fixtureArgs(dir)]);
  expect(code).toBe(0);
  return JSON.parse(stdout) as DriftRecord[];
}

describe('Command: tpguard drift list', () => {
  it('lists open drift as JSON records with the documented fields, most severe first', async () => {
    // Act
    const open = await listJson();
    // Assess
    expect(open.map((r) => r.severity)).toEqual(['critical', 'high', 'high', 'medium', 'low']);
    for (const r of open) {
      for (const field of [
        'driftId',
        'resourceType',
        'resourceId',
        'ruleId',
        'severity',
        'status',
        'firstSeen',
        'lastSeen',
        'occurrences',
        'owner',
      ])
        expect(r).toHaveProperty(field);
      expect(r.status).toBe('open');
    }
  });

  it('filters by status, and --all lists open, suppressed and resolved but not compliant', async () => {
    // Act
    const resolved = await listJson('--status', 'resolved');
    const all = await listJson('--all');
    // Assess
    expect(resolved.map((r) => r.ruleId)).toEqual(['TPS-CFG-90']);
    expect(all).toHaveLength(6);
    expect(all.some((r) => r.status === 'compliant')).toBe(false);
  });

  it('prints a table with owners and severities', async () => {
    // Act
    const { stdout } = await runCli(['drift', 'list', ...fixtureArgs(dir)]);
    // Assess
    expect(stdout).toMatch(/^SEVERITY\s+RULE\s+RESOURCE\s+OWNER\s+STATUS/);
    expect(stdout).toMatch(/critical\s+TPS-GD-90\s+s3-bucket\/ml-training-vision-raw\s+vision\s+open/);
    expect(stdout).toContain('5 open drift record(s)');
  });

  it('rejects an unknown status or format with one line', async () => {
    // Act
    const bad = await runCli(['drift', 'list', '--status', 'closed', ...fixtureArgs(dir)]);
    // Assess
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tpguard: --status must be one of open, suppressed, resolved\n');
  });
});

describe('Command: tpguard drift resolve', () => {
  it('resolves open drift by hand at --now, prints the transition, and records it in history', async () => {
    // Prepare
    const [target] = (await listJson()).filter((r) => r.ruleId === 'TPS-SM-91');
    // Act
    const { code, stdout } = await runCli([
      '--now',
      '2026-11-03T08:00:00Z',
      'drift',
      'resolve',
      target!.driftId,
      '--by',
      'alice',
      '--reason',
      'job stopped and re-created isolated',
      ...fixtureArgs(dir),
    ]);
    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/2026-11-03T08:00:00.000Z\s+RESOLVED\s+low\s+TPS-SM-91/);
    const shown = JSON.parse((await runCli(['drift', 'show', target!.driftId, ...fixtureArgs(dir)])).stdout) as {
      record: DriftRecord;
      history: { verdict: string; actor?: string; note?: string }[];
    };
    expect(shown.record).toMatchObject({
      status: 'resolved',
      resolvedBy: 'alice',
      resolvedReason: 'job stopped and re-created isolated',
      resolvedAt: '2026-11-03T08:00:00.000Z',
    });
    expect(shown.history.at(-1)).toMatchObject({
      verdict: 'manual',
      actor: 'alice',
      note: 'job stopped and re-created isolated',
    });
  });

  it('refuses drift that is not open, and ids that do not exist, with one line', async () => {
    // Prepare
    const [resolved] = await listJson('--status', 'resolved');
    // Act
    const again = await runCli([
      'drift',
      'resolve',
      resolved!.driftId,
      '--by',
      'alice',
      '--reason',
      'x',
      ...fixtureArgs(dir),
    ]);
    const unknown = await runCli([
      'drift',
      'resolve',
      'd-00000000000000000000',
      '--by',
      'alice',
      '--reason',
      'x',
      ...fixtureArgs(dir),
    ]);
    const malformed = await runCli([
      'drift',
      'resolve',
      'bucket',
      '--by',
      'alice',
      '--reason',
      'x',
      ...fixtureArgs(dir),
    ]);
    // Assess
    expect([again.code, unknown.code, malformed.code]).toEqual([2, 2, 2]);
    expect(again.stderr).toBe(`tpguard: drift ${resolved!.driftId} is resolved, not open or suppressed\n`);
    expect(unknown.stderr).toBe(
      `tpguard: no drift record d-00000000000000000000 (see: ${tpguardCommand()} drift list --all)\n`,
    );
    expect(malformed.stderr).toMatch(/^tpguard: not a drift id: bucket/);
  });

  it('requires --by and --reason', async () => {
    // Act
    const { code, stderr } = await runCli([
      'drift',
      'resolve',
      'd-00000000000000000000',
      '--by',
      'alice',
      ...fixtureArgs(dir),
    ]);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain("required option '--reason <text>' not specified");
  });
});

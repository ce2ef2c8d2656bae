import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { windowBound } from '../../cli/commands/report.js';
import { CONFIG, POLICY, tpguard } from './review-support.js';
import { tpguardCommand } from '../../cli/invocation.js';

const dir = mkdtempSync(join(tmpdir(), 'tpguard-report-'));
const store = ['--data-dir', dir, '--config', CONFIG, '--policy', POLICY];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Command: tpguard report', () => {
  it('writes a self-contained HTML file with --out', async () => {
    // Prepare
    const out = join(dir, 'mds-01.html');

    // Act
    const r = await tpguard('--now', '2027-05-01T00:00:00Z', 'report', '--format', 'html', '--out', out, ...store);

    // Assess
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^report written to .*mds-01\.html \(html, \d+ bytes\)\n$/);
    expect(readFileSync(out, 'utf8')).toContain('<svg');
  });

  it('names the --out file and the problem in one line when it cannot be written, exit 2', async () => {
    // Prepare
    const out = join(dir, 'no-such-folder', 'mds-01.html');

    // Act
    const r = await tpguard('--now', '2027-05-01T00:00:00Z', 'report', '--format', 'html', '--out', out, ...store);

    // Assess
    expect(r.code).toBe(2);
    expect(r.err).toBe(`tpguard: ${out}: cannot write: no such folder\n`);
  });

  it('defaults to Markdown over the last year', async () => {
    // Act
    const r = await tpguard('--now', '2027-05-01T00:00:00Z', 'report', ...store);

    // Assess
    expect(r.out).toContain('for 2026-05-01 to 2027-05-01');
    expect(r.out).toContain('**MDS-01.1 Partially**');
  });

  it('refuses a bad format, a bad date and an empty window in one line, exit 2', async () => {
    // Act (one at a time: they share the data folder and the captured stdout)
    const runs = [];
    for (const args of [
      ['report', '--format', 'pdf'],
      ['report', '--from', '2027-13-01'],
      ['report', '--from', '2027-06-01', '--to', '2027-05-01'],
      ['--now', 'yesterday', 'report'],
    ]) {
      runs.push(await tpguard(...args, ...store));
    }

    // Assess
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    for (const r of runs) expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(runs[0]!.err).toBe('tpguard: --format must be one of md, html, json\n');
    expect(runs[1]!.err).toContain('--from: not an ISO-8601 date-time: 2027-13-01');
    expect(runs[2]!.err).toContain('must be before --to');
    expect(runs[3]!.err).toContain('--now: not an ISO-8601 date-time: yesterday');
    expect(existsSync(join(dir, 'outbox.ndjson'))).toBe(false);
  });
});

describe('Function: windowBound', () => {
  it('takes a date as the start or the end of that local day', () => {
    expect(windowBound('2027-01-01', 'from', 'Europe/Berlin')).toBe('2026-12-31T23:00:00.000Z');
    expect(windowBound('2027-06-30', 'to', 'Europe/Berlin')).toBe('2027-06-30T22:00:00.000Z');
    expect(windowBound('2027-06-30T12:00:00Z', 'to', 'Europe/Berlin')).toBe('2027-06-30T12:00:00.000Z');
  });
});

describe('Command: tpguard review (errors)', () => {
  it('names an unknown task and a bad decision in one line, exit 2', async () => {
    // Act
    const unknown = await tpguard('review', 'complete', '2027-Q2/nobody', '--by', 'a', '--notes', 'b', ...store);
    const decision = await tpguard(
      'review',
      'complete',
      '2027-Q2/reviewers',
      '--by',
      'a',
      '--notes',
      'b',
      '--decision',
      'maybe',
      ...store,
    );
    const show = await tpguard('review', 'show', 'nonsense', ...store);

    // Assess
    expect([unknown.code, decision.code, show.code]).toEqual([2, 2, 2]);
    expect(unknown.err).toBe(`tpguard: no review task 2027-Q2/nobody (see: ${tpguardCommand()} review list)\n`);
    expect(decision.err).toBe('tpguard: --decision must be keep or update\n');
    expect(show.err).toBe(`tpguard: no review task nonsense (see: ${tpguardCommand()} review list)\n`);
  });

  it('has --help with an example on every review, exception and report command', async () => {
    for (const cmd of [
      ['review', 'run'],
      ['review', 'remind'],
      ['review', 'list'],
      ['review', 'show'],
      ['review', 'complete'],
      ['exception', 'add'],
      ['exception', 'list'],
      ['exception', 'revoke'],
      ['report'],
    ]) {
      // Act
      const r = await tpguard(...cmd, '--help');

      // Assess
      expect(r.code).toBe(0);
      expect(r.out).toContain('Example');
      expect(r.out).toContain('$ tpguard');
    }
  });
});

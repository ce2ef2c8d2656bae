import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialQueue, startEventServer, watchInbox } from '../../cli/commands/serve.js';
import { startLocalRuntime } from '../../shared/adapters/local/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { summaryLine } from '../../shared/notify/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';

/**
 * Issue 13, "Output that event data cannot hijack" (attacker review items 18 and 19): a job named
 * with terminal escapes, C1 controls and a bidi override, a file named with ESC, a junk file and a
 * line holding a password go through every command that prints; nothing raw reaches the terminal,
 * no rejection echoes its input, and a flood of rejections is counted, not printed.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const CONFIG = join(FIXTURES, 'tpguard.config.yaml');
const POLICIES = join(REPO_ROOT, 'policies');

/** ESC sequences that clear the screen and paint "ALL CLEAR", a C1 CSI, a right-to-left override, BEL and DEL. */
const HOSTILE = 'x\u001b[2J\u001b[H\u001b[32mALL CLEAR: 0 violations\u001b[0m\u009b2J\u202eexe.txt\u0007\u007f';

/** Code units a terminal interprets: C0 except newline, DEL, C1, bidi formatting, line/paragraph separators. */
function rawControls(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    const bad =
      (c < 0x20 && c !== 0x0a) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x61c ||
      c === 0x200e ||
      c === 0x200f ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0x2028 ||
      c === 0x2029;
    if (bad) found.add(`U+${c.toString(16).padStart(4, '0')}`);
  }
  return [...found];
}

function expectClean(sink: string, text: string): void {
  expect(text.length, `${sink} printed nothing`).toBeGreaterThan(0);
  expect(rawControls(text), `${sink} prints raw control characters`).toEqual([]);
}

let dir: string;
let cleanup: () => Promise<void>;
let jobFile: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-terminal-'));
  const event = JSON.parse(await readFile(join(FIXTURES, '14-ansi-jobname.json'), 'utf8'));
  event.detail.requestParameters.trainingJobName = HOSTILE;
  event.detail.responseElements.trainingJobArn = `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${HOSTILE}`;
  jobFile = join(dir, 'hostile-job.json');
  await writeFile(jobFile, JSON.stringify(event));
});
afterAll(async () => cleanup());

const cli = (args: string[]) => runCli([...args, '--config', CONFIG, '--policy', POLICIES]);

describe('Terminal output (review item 18)', () => {
  it('scan --format table prints the hostile job name escaped, on one line', async () => {
    // Act
    const run = await cli(['scan', jobFile]);
    // Assess
    expectClean('scan table', run.stdout);
    expect(run.stdout).toContain('sagemaker-training-job/x\\x1b[2J\\x1b[H');
  });

  it('scan --format json and ndjson escape what JSON leaves raw, and parse back to the same name', async () => {
    for (const format of ['json', 'ndjson']) {
      // Act
      const run = await cli(['scan', jobFile, '--format', format]);
      // Assess
      expectClean(`scan ${format}`, run.stdout);
      expect(run.stdout).toContain(format === 'json' ? '"resourceId": ' : '"resourceId":');
      const first = format === 'json' ? JSON.parse(run.stdout).results[0] : JSON.parse(run.stdout.split('\n')[0]!);
      expect(first.resourceId).toBe(HOSTILE);
    }
  });

  it('a file named with ESC in a scanned folder is reported escaped', async () => {
    // Prepare
    const folder = join(dir, 'folder');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'README\u001b[2J\u001b[HALL CLEAR.txt'), 'not JSON');
    // Act
    const run = await cli(['scan', folder]);
    // Assess
    expectClean('scan skipped line', run.stderr);
    expect(run.stderr).toContain('README\\x1b[2J\\x1b[HALL CLEAR.txt: skipped');
  });

  it('replay, its notifier lines, drift list (table and json) and drift show print nothing raw', async () => {
    // Prepare
    const data = join(dir, 'data');
    const runtime = (args: string[]) => cli([...args, '--data-dir', data]);
    // Act
    const replay = await runtime(['replay', jobFile]);
    const table = await runtime(['drift', 'list']);
    const json = await runtime(['drift', 'list', '--format', 'json']);
    const id = (JSON.parse(json.stdout) as { driftId: string }[])[0]!.driftId;
    const show = await runtime(['drift', 'show', id]);
    // Assess
    expect(replay.stdout).toMatch(/OPENED/);
    expect(replay.stdout).toMatch(/email +-> nlp-ml@example.com/);
    expectClean('replay', replay.stdout + replay.stderr);
    expectClean('drift list', table.stdout);
    expectClean('drift list --format json', json.stdout);
    expectClean('drift show', show.stdout);
    expect((JSON.parse(show.stdout) as { record: { resourceId: string } }).record.resourceId).toBe(HOSTILE);
  });

  it('the notifier console line escapes the resource and the recipients', () => {
    // Act
    const line = summaryLine({
      channel: 'email',
      kind: 'opened',
      owner: 'nlp',
      to: ['nlp-ml@example.com'],
      payload: { subject: 's', text: 't', attributes: {} },
      ruleId: 'TPS-SM-01',
      resourceId: HOSTILE,
      severity: 'high',
    });
    // Assess
    expectClean('summaryLine', line);
    expect(line).toContain('ALL CLEAR');
  });
});

describe('Rejection lines (review item 19)', () => {
  it('never echo the input: a line holding a password is "invalid JSON at position 0"', async () => {
    // Act
    const run = await cli(['scan', join(FIXTURES, '25-rejection-echo.ndjson'), '--format', 'ndjson']);
    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/25-rejection-echo\.ndjson:0: invalid JSON at position 0/);
    for (const part of ['DB_PASSWOR', 'Sup3r', 'AWS_SECRET', 'wJalrXUtn']) expect(run.stderr).not.toContain(part);
  });

  it('print the first 20 rejections of an input and count the rest in one line', async () => {
    // Prepare
    const junk = join(dir, 'junk.ndjson');
    await writeFile(junk, `${Array.from({ length: 300 }, (_, i) => `junk line ${i} \u001b[2J`).join('\n')}\n`);
    // Act
    const scan = await cli(['scan', junk, '--format', 'ndjson']);
    const replay = await cli(['replay', junk, '--data-dir', join(dir, 'junk-data')]);
    // Assess
    for (const [name, run] of [
      ['scan', scan],
      ['replay', replay],
    ] as const) {
      // Other lines (approved lists left empty) may come too: the rejections are those naming the file.
      const lines = run.stderr.split('\n').filter((l) => l.includes('junk.ndjson'));
      expect(lines.length, name).toBe(21);
      expect(lines[20], name).toMatch(/junk\.ndjson: 280 more rejected records not printed \(300 in all\)/);
      expectClean(`${name} rejections`, run.stderr);
      expect(run.stderr).not.toContain('junk line');
    }
  });

  it('serve: inbox lines are escaped and capped; POST /events lists 20 rejections and counts them all', async () => {
    // Prepare
    const rt = await startLocalRuntime({
      config: await loadConfig(CONFIG),
      pack: await loadPolicyPack(POLICIES),
      intake: 'serve',
    });
    const serial = serialQueue();
    const server = await startEventServer(rt, 0, serial);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const inbox = join(dir, 'inbox');
    await mkdir(inbox, { recursive: true });
    const lines: string[] = [];
    const watcher = await watchInbox(inbox, rt, serial, (l) => lines.push(l));
    try {
      // Act
      await writeFile(
        join(inbox, 'junk\u001b[2J.ndjson'),
        `${Array.from({ length: 50 }, () => 'DB_PASSWORD=x').join('\n')}\n`,
      );
      const body = `${Array.from({ length: 50 }, () => 'DB_PASSWORD=Sup3rS3cret').join('\n')}\n`;
      const res = await fetch(`${base}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      });
      const answer = (await res.json()) as { rejected: unknown[]; rejectedTotal: number };
      for (let i = 0; i < 100 && !lines.some((l) => l.startsWith('inbox ')); i++)
        await new Promise((r) => setTimeout(r, 50));
      // Assess
      expect(answer.rejected).toHaveLength(20);
      expect(answer.rejectedTotal).toBe(50);
      expect(JSON.stringify(answer)).not.toContain('Sup3r');
      expect(lines.filter((l) => l.startsWith('rejected '))).toHaveLength(20);
      expect(lines.some((l) => /30 more rejected records not printed/.test(l))).toBe(true);
      expectClean('inbox lines', lines.join('\n'));
      expect(lines.join('\n')).not.toContain('DB_PASSWORD');
    } finally {
      watcher.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rt.close();
    }
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { SHAPES_DIR, tempDir } from '../helpers/fixtures.js';
import { writeText } from '../helpers/pack.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-usage-'));
});
afterAll(async () => cleanup());

describe('Usage errors', () => {
  it.each([
    [['scan'], "tpguard scan: missing required argument 'paths' (see tpguard scan --help)\n"],
    [['scan', 'x', '--bogus'], "tpguard scan: unknown option '--bogus' (see tpguard scan --help)\n"],
    [['scna'], "tpguard: unknown command 'scna' (Did you mean scan?) (see tpguard --help)\n"],
    [['drift', 'lisst'], "tpguard drift: unknown command 'lisst' (Did you mean list?) (see tpguard drift --help)\n"],
    [
      ['review', 'complete', 'x', '--by'],
      "tpguard review complete: option '--by <name>' argument missing (see tpguard review complete --help)\n",
    ],
  ])('are one line naming the command and its help, exit 2: %j', async (args, line) => {
    // Act
    const { code, stdout, stderr } = await runCli(args);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(line);
  });
});

describe('Option: --now', () => {
  it.each([['notadate'], ['2027-02-30'], ['2027-13-01T00:00:00Z'], ['']])(
    'is refused by every command, those that never read the clock included: %j',
    async (now) => {
      // Act
      const scan = await runCli(['--now', now, 'scan', SHAPES_DIR]);
      const rules = await runCli(['--now', now, 'rules', 'list']);

      // Assess
      for (const r of [scan, rules]) {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(`tpguard: --now: not an ISO-8601 date-time: ${now} (example: 2027-04-01T09:00:00Z)\n`);
      }
    },
  );

  it('takes a date, a date-time and an offset', async () => {
    for (const now of ['2027-02-28', '2027-04-01T09:00:00Z', '2027-04-01T09:00:00+02:00']) {
      const { code, stderr } = await runCli(['--now', now, 'rules', 'list']);
      expect([now, code, stderr]).toEqual([now, 0, '']);
    }
  });
});

describe('Empty inputs', () => {
  it('scan refuses an empty .ndjson as it refuses an empty .json: one line each, exit 2', async () => {
    // Prepare
    await writeText(join(dir, 'empty.ndjson'), '');
    await writeText(join(dir, 'empty.json'), '');

    // Act
    const { code, stderr } = await spawnCli(['scan', join(dir, 'empty.ndjson'), join(dir, 'empty.json')]);

    // Assess
    expect(code).toBe(2);
    expect(stderr.split('\n').filter((l) => l.startsWith(dir))).toEqual([
      `${join(dir, 'empty.ndjson')}: empty file: no event in it`,
      `${join(dir, 'empty.json')}: invalid JSON: empty document`,
    ]);
  });

  it('an empty configuration file is refused with what to do instead', async () => {
    // Prepare
    await writeText(join(dir, 'empty.yaml'), '\n# nothing\n');

    // Act
    const { code, stderr } = await runCli(['scan', '--config', join(dir, 'empty.yaml'), SHAPES_DIR]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toBe(
      `${join(dir, 'empty.yaml')}: empty: no settings in it (write {} for the defaults, or run tpguard init for a starter)\n`,
    );
  });
});

describe('Command: tpguard replay of a path that does not exist', () => {
  it('refuses it in one line before the data folder is created', async () => {
    // Act
    const data = join(dir, 'never-created');
    const { code, stdout, stderr } = await runCli(['replay', join(dir, 'missing'), '--data-dir', data]);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`tpguard: no such file or folder: ${join(dir, 'missing')} (nothing replayed)\n`);
    expect(existsSync(data)).toBe(false);
  });
});

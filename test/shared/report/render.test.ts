import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.js';
import type { TpguardConfig } from '../../../shared/config/index.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { generatePatterns } from '../../../shared/policy/index.js';
import { buildEvidence } from '../../../shared/report/evidence.js';
import { renderReport } from '../../../shared/report/render.js';
import type { EvidenceReport } from '../../../shared/report/types.js';
import type { DriftFacts } from '../../../shared/review/index.js';
import type { ReviewTask } from '../../../shared/review/index.js';

const FIXTURES = new URL('../review/fixtures/', import.meta.url).pathname;
const FACTS = JSON.parse(readFileSync(`${FIXTURES}facts.json`, 'utf8')) as DriftFacts;
const TASK = JSON.parse(readFileSync(`${FIXTURES}task.json`, 'utf8')) as ReviewTask;
const HOSTILE = '<script>alert(1)</script> | **x** "q"';

let pack: PolicyPack;
let config: TpguardConfig;
let report: EvidenceReport;

beforeAll(async () => {
  [pack, config] = await Promise.all([
    loadPolicyPack(`${FIXTURES}pack/policies`),
    loadConfig(`${FIXTURES}pack/tpguard.config.yaml`),
  ]);
  const task: ReviewTask = {
    ...structuredClone(TASK),
    status: 'done',
    completedBy: HOSTILE,
    completedAt: '2027-04-20T10:00:00.000Z',
    decision: 'keep',
    notes: HOSTILE,
  };
  report = buildEvidence({
    now: new Date('2027-06-30T12:00:00Z'),
    tpguardVersion: '0.1.0',
    from: '2027-01-01T00:00:00.000Z',
    to: '2027-07-01T00:00:00.000Z',
    timezone: 'UTC',
    pack,
    config,
    patterns: generatePatterns(pack),
    functions: ['notify'],
    deploymentSource: 'serverless.yml',
    facts: {
      ...structuredClone(FACTS),
      records: FACTS.records.map((r, i) => (i === 0 ? { ...r, resourceId: HOSTILE } : r)),
    },
    tasks: [task],
    exceptions: [],
  });
});

describe('The appendix of every drift', () => {
  it('is in each format, with the ids to trace and the hostile names escaped', () => {
    // Act
    const html = renderReport(report, 'html');
    const md = renderReport(report, 'md');

    // Assess
    expect(report.appendix.drift.map((d) => d.driftId)).toEqual(['d-old', 'd-s3', 'd-sm', 'd-s3']);
    for (const text of [html, md]) {
      expect(text).toContain('Appendix: every drift of the period');
      expect(text).toContain('d-sm');
      expect(text).toContain('open at the end of the period');
      expect(text).not.toContain(HOSTILE);
      expect(text).toContain('Evaluated locally');
    }
  });
});

describe('Function: renderReport (html)', () => {
  it('is one self-contained page: no script, no external asset, inline SVG charts and print CSS', () => {
    // Act
    const html = renderReport(report, 'html');

    // Assess
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|href="http/i);
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('@media print');
    expect(html).toContain("default-src 'none'");
  });

  it('escapes what comes from the store', () => {
    // Act
    const html = renderReport(report, 'html');

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows the control, both AI-CAIQ answers and the four guidelines', () => {
    // Act
    const html = renderReport(report, 'html');

    // Assess
    for (const text of [
      'MDS-01 Training Pipeline Security',
      'Define, implement, and evaluate policies',
      'MDS-01.1',
      'MDS-01.2',
      'Protection of the training infrastructure',
      'Data storage, access and transit',
      'Incident response and access control',
      'Regular review',
      'BSI C5:2020',
    ]) {
      expect(html).toContain(text);
    }
  });
});

describe('Function: renderReport (md and json)', () => {
  it('renders Markdown with escaped table cells', () => {
    // Act
    const md = renderReport(report, 'md');

    // Assess
    expect(md).toMatch(/^# Evidence report: MDS-01 Training Pipeline Security/);
    expect(md).toContain('## AI-CAIQ');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*\\*x\\*\\*');
    expect(md).not.toContain('<script>');
  });

  it('renders the evidence model as JSON, with caiq as {question, answer, evidence[]}', () => {
    // Act
    const json = JSON.parse(renderReport(report, 'json')) as EvidenceReport;

    // Assess
    expect(json.caiq).toHaveLength(2);
    for (const q of json.caiq) {
      expect(typeof q.question).toBe('string');
      expect(['Yes', 'Partially', 'No']).toContain(q.answer);
      expect(Array.isArray(q.evidence)).toBe(true);
    }
    expect(json.window).toEqual({
      from: '2027-01-01T00:00:00.000Z',
      to: '2027-07-01T00:00:00.000Z',
      timezone: 'UTC',
      firstDay: '2027-01-01',
      lastDay: '2027-06-30',
    });
  });
});

describe('Function: renderReport (a report from a deployed stack)', () => {
  const ORIGIN = {
    account: '111122223333',
    region: 'eu-west-1',
    stack: 'tpguard-prod',
    table: 'tpguard-prod',
    packVersion: 'abcdef123456',
    packRecordedBy: 'arn:aws:sts::111122223333:assumed-role/Deployer/ci',
    packRecordedAt: '2027-03-31T12:00:00.000Z',
    generatedBy: 'arn:aws:sts::111122223333:assumed-role/Auditor/ari',
  };

  it('names the account, region, stack, pack and who generated it, in every format', () => {
    // Prepare
    const deployed = { ...report, origin: ORIGIN };
    const line =
      'Read from the deployed stack tpguard-prod (account 111122223333, eu-west-1), table tpguard-prod; the stack runs pack abcdef123456, recorded by arn:aws:sts::111122223333:assumed-role/Deployer/ci at 2027-03-31T12:00:00.000Z; report generated by arn:aws:sts::111122223333:assumed-role/Auditor/ari.';

    // Act + Assess
    expect(renderReport(deployed, 'html')).toContain(line);
    expect(renderReport(deployed, 'md')).toContain(line);
    expect((JSON.parse(renderReport(deployed, 'json')) as EvidenceReport).origin).toEqual(ORIGIN);
  });

  it('says nothing of an origin for the embedded store', () => {
    // Act + Assess
    expect(renderReport(report, 'md')).not.toContain('Read from');
    expect(JSON.parse(renderReport(report, 'json'))).not.toHaveProperty('origin');
  });
});

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.js';
import type { TpguardConfig } from '../../../shared/config/index.js';
import { createException } from '../../../shared/exceptions/index.js';
import { loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { generatePatterns } from '../../../shared/policy/index.js';
import { buildEvidence, type EvidenceInput } from '../../../shared/report/evidence.js';
import { renderMarkdown } from '../../../shared/report/markdown.js';
import type { BaselineRunFact } from '../../../shared/report/types.js';
import type { DriftFacts } from '../../../shared/review/index.js';
import type { ReviewTask } from '../../../shared/review/index.js';

const FIXTURES = new URL('../review/fixtures/', import.meta.url).pathname;
const FACTS = JSON.parse(readFileSync(`${FIXTURES}facts.json`, 'utf8')) as DriftFacts;
const TASK = JSON.parse(readFileSync(`${FIXTURES}task.json`, 'utf8')) as ReviewTask;

let pack: PolicyPack;
let config: TpguardConfig;

beforeAll(async () => {
  [pack, config] = await Promise.all([
    loadPolicyPack(`${FIXTURES}pack/policies`),
    loadConfig(`${FIXTURES}pack/tpguard.config.yaml`),
  ]);
});

/** The evidence input of the fixtures: Q1 and Q2 2027, one review signed off on time. */
function input(change: Partial<EvidenceInput> = {}): EvidenceInput {
  const task: ReviewTask = {
    ...structuredClone(TASK),
    status: 'done',
    completedBy: 'Dana Ruiz',
    completedAt: '2027-04-20T10:00:00.000Z',
    decision: 'keep',
    notes: 'ok',
    reviewedPackVersion: pack.version,
  };
  return {
    now: new Date('2027-06-30T12:00:00Z'),
    tpguardVersion: '0.1.0',
    from: '2027-01-01T00:00:00.000Z',
    to: '2027-07-01T00:00:00.000Z',
    timezone: 'UTC',
    pack,
    config,
    patterns: generatePatterns(pack),
    functions: ['ingestCloudtrail', 'notify', 'reviewScheduler'],
    deploymentSource: 'serverless.yml',
    facts: structuredClone(FACTS),
    tasks: [task],
    exceptions: [
      createException(
        {
          ruleId: 'TPS-S3-90',
          resource: 'ml-training-old',
          reason: 'legacy',
          approvedBy: 'CISO office',
          expiresAt: '2027-05-01T00:00:00.000Z',
        },
        new Date('2027-03-01T00:00:00Z'),
        365,
      ),
    ],
    ...change,
  };
}

describe('Function: buildEvidence', () => {
  it('answers both AI-CAIQ questions Yes when the store proves rules ran and reviews were signed off on time', () => {
    // Act
    const r = buildEvidence(input());

    // Assess
    expect(r.caiq.map((q) => [q.id, q.answer])).toEqual([
      ['MDS-01.1', 'Yes'],
      ['MDS-01.2', 'Yes'],
    ]);
    expect(r.caiq[0]!.evidence[0]).toContain(
      `policy pack ${pack.version} with 3 rules (by area: s3 1, sagemaker 1, threats 1`,
    );
    expect(r.caiq[0]!.evidence[1]).toContain('3 EventBridge patterns generated from the pack');
    expect(r.caiq[1]!.evidence).toContain(
      '2027-Q2/reviewers: signed off by Dana Ruiz on 2027-04-20 (due 2027-05-01, on time; decision: keep).',
    );
  });

  it('says Partially when no event was evaluated and No when no review was opened', () => {
    // Act
    const r = buildEvidence(input({ facts: { records: [], history: [] }, tasks: [] }));

    // Assess
    expect(r.caiq.map((q) => q.answer)).toEqual(['Partially', 'No']);
    expect(r.caiq[0]!.summary).toBe(
      'Rules are defined and their patterns generated, but no event was evaluated in the period.',
    );
  });

  it('claims a deployment only when it read one; otherwise says the evidence was evaluated locally', () => {
    // Act
    const local = buildEvidence(input({ localStore: 'embedded store .tpguard' }));
    const deployed = buildEvidence(
      input({
        origin: {
          account: '111122223333',
          region: 'eu-west-1',
          stack: 'tpguard-prod',
          table: 'tpguard-prod',
          generatedBy: 'arn:aws:sts::111122223333:assumed-role/Auditor/ari',
        },
      }),
    );

    // Assess
    expect(local.provenance).toEqual({
      tpguardVersion: '0.1.0',
      packVersion: pack.version,
      evidence: 'local',
      statement: expect.stringMatching(
        /^Evaluated locally: the evidence was read from the embedded store \.tpguard on the machine that generated the report, not from a deployment/,
      ),
    });
    expect(local.caiq[0]!.summary).toMatch(/evaluated locally in the period \(no deployment was read\)/);
    expect(JSON.stringify(local.caiq)).not.toMatch(/deployed as event patterns/);
    expect(deployed.provenance).toMatchObject({
      evidence: 'deployed',
      statement:
        'Deployed: the evidence was read from the stack tpguard-prod, table tpguard-prod in account 111122223333, region eu-west-1, by arn:aws:sts::111122223333:assumed-role/Auditor/ari.',
    });
    expect(deployed.caiq[0]!.summary).toBe(
      'The rules are defined, deployed as event patterns and evaluated events in the period.',
    );
  });

  it('lists in an appendix each drift episode of the period, with when and by whom it opened and closed', () => {
    // Prepare: d-old opened before the period and resolved in it; d-s3 opened, resolved, reopened by
    // hand and resolved again; d-sm still open. Actors on two of the entries.
    const facts = structuredClone(FACTS);
    for (const h of facts.history) {
      if (h.driftId === 'd-s3' && h.eventTime === '2027-01-10T09:00:00.000Z')
        h.actor = 'arn:aws:sts::111122223333:assumed-role/DataScientist/jdoe';
      if (h.driftId === 'd-s3' && h.verdict === 'manual') {
        h.actor = 'arn:aws:sts::111122223333:assumed-role/SecAdmin/sam';
        h.actorName = 'Sam';
      }
    }

    // Act
    const r = buildEvidence(input({ facts, from: '2027-01-01T00:00:00.000Z', to: '2027-07-01T00:00:00.000Z' }));

    // Assess
    expect(r.appendix.drift.map((d) => [d.driftId, d.openedAt, d.closed ?? 'open', d.closedAt ?? '-'])).toEqual([
      ['d-old', '2026-12-30T10:00:00.000Z', 'resolved', '2027-01-02T10:00:00.000Z'],
      ['d-s3', '2027-01-10T09:00:00.000Z', 'resolved', '2027-01-12T15:00:00.000Z'],
      ['d-sm', '2027-02-03T10:00:00.000Z', 'open', '-'],
      ['d-s3', '2027-03-01T10:00:00.000Z', 'resolved', '2027-03-20T10:00:00.000Z'],
    ]);
    expect(r.appendix.drift[1]).toMatchObject({
      ruleId: 'TPS-S3-90',
      openedBy: 'arn:aws:sts::111122223333:assumed-role/DataScientist/jdoe',
    });
    expect(r.appendix.drift[3]!.openedBy).toBe('arn:aws:sts::111122223333:assumed-role/SecAdmin/sam (Sam)');
  });

  it('leaves out episodes closed before the period, and shows as open those closed after it', () => {
    // Act
    const r = buildEvidence(input({ from: '2027-01-11T00:00:00.000Z', to: '2027-03-10T00:00:00.000Z' }));

    // Assess
    expect(r.appendix.drift.map((d) => [d.driftId, d.closed ?? 'open'])).toEqual([
      ['d-s3', 'resolved'],
      ['d-sm', 'open'],
      ['d-s3', 'open'],
    ]);
  });

  it('names who revoked an exception and when', () => {
    // Prepare
    const revoked = createException(
      {
        ruleId: 'TPS-S3-90',
        resource: 'ml-training-x',
        reason: 'r',
        approvedBy: 'CISO',
        expiresAt: '2027-06-01T00:00:00.000Z',
      },
      new Date('2027-02-01T00:00:00Z'),
      365,
    );
    revoked.status = 'revoked';
    revoked.revokedAt = '2027-03-05T09:00:00.000Z';
    revoked.revokedBy = 'arn:aws:sts::111122223333:assumed-role/SecAdmin/sam';
    revoked.revokedByName = 'Sam';

    // Act
    const r = buildEvidence(input({ exceptions: [revoked] }));

    // Assess
    expect(r.exceptions[0]).toMatchObject({
      state: 'revoked',
      revoked: { by: 'arn:aws:sts::111122223333:assumed-role/SecAdmin/sam (Sam)', at: '2027-03-05T09:00:00.000Z' },
    });
  });

  it("ends the chart's time axis at the period's end", () => {
    // Act: 181 days, in 7-day buckets: the 26th bucket is cut to 6 days
    const r = buildEvidence(input());

    // Assess
    const last = r.charts.timeline.at(-1)!;
    expect(r.charts.timeline).toHaveLength(26);
    expect(last.end).toBe('2027-07-01T00:00:00.000Z');
    expect(last.endLabel).toBe('2027-06-30');
    expect(r.charts.timeline[0]).toMatchObject({ label: '2027-01-01', endLabel: '2027-01-07' });
  });

  it('maps the standards to the rules that implement them', () => {
    // Act
    const r = buildEvidence(input());

    // Assess
    const by = Object.fromEntries(
      r.control.standards.map((s) => [s.key, s.rules.map((x) => `${x.ruleId}:${x.refs.join(',')}`)]),
    );
    expect(by).toEqual({
      iso42001: ['TPS-S3-90:A.7.2'],
      euAiAct: ['TPS-SM-90:Art.15(5)'],
      nistAi600: ['TPS-SM-90:MS-2.10-003'],
      bsiAic4: ['TPS-GD-90:SR-06'],
      bsiC5: ['TPS-S3-90:OPS-06'],
    });
    expect(r.control.ownership.map((o) => o.owner)).toEqual(['Cloud Service Provider (CSP)', 'Model Provider (MP)']);
  });

  it('puts each rule under the auditing guideline it answers', () => {
    // Act
    const r = buildEvidence(input());

    // Assess
    expect(r.guidelines.map((g) => [g.id, g.rules])).toEqual([
      ['infrastructure', ['TPS-SM-90']],
      ['data', ['TPS-S3-90', 'TPS-GD-90']],
      ['incident-access', ['TPS-GD-90']],
      ['review', []],
    ]);
    expect(r.guidelines[3]!.evidence.join('\n')).toContain('1 exception (time-boxed risk acceptance) in the period');
  });

  it('charts drift opened and resolved over time and by severity and area', () => {
    // Act
    const r = buildEvidence(input());

    // Assess
    expect(r.charts.timeline.reduce((n, b) => n + b.opened, 0)).toBe(3);
    expect(r.charts.timeline.reduce((n, b) => n + b.resolved, 0)).toBe(3);
    expect(r.charts.timeline[0]!.start).toBe('2027-01-01T00:00:00.000Z');
    expect(r.charts.bySeverity.find((b) => b.key === 'high')).toEqual({ key: 'high', opened: 1, openNow: 1 });
    expect(r.charts.byArea.map((b) => b.key)).toEqual(['s3', 'sagemaker']);
  });

  it('states the last baseline per account and region, and the "evaluated" answer cites it', () => {
    // Prepare: two runs of one account/region, one of another, one after the window
    const run = (account: string, startedAt: string, violations: number): BaselineRunFact => ({
      runId: `bl-${startedAt.slice(0, 10)}`,
      account,
      region: 'eu-west-1',
      startedAt,
      trigger: 'schedule',
      source: 'config',
      covered: ['AWS::S3::Bucket', 'AWS::IAM::Role', 'sagemaker-training-job'],
      read: 120,
      evaluated: 118,
      unreadable: 2,
      violations,
      transitions: { opened: violations, reopened: 0, resolved: 1, gone: 1, suppressed: 0 },
      openAfter: { high: violations },
    });
    const baselineRuns = [
      run('111122223333', '2027-06-21T05:00:00.000Z', 9),
      run('111122223333', '2027-06-28T05:00:00.000Z', 4),
      run('111122223333', '2027-07-05T05:00:00.000Z', 0),
      run('444455556666', '2027-03-01T05:00:00.000Z', 2),
    ];

    // Act
    const r = buildEvidence(input({ baselineRuns }));

    // Assess
    expect(r.baselines.map((b) => [`${b.account}/${b.region}`, b.ranAt, b.violations])).toEqual([
      ['111122223333/eu-west-1', '2027-06-28T05:00:00.000Z', 4],
      ['444455556666/eu-west-1', '2027-03-01T05:00:00.000Z', 2],
    ]);
    const answer = r.caiq[0]!;
    expect(answer.summary).toContain('the existing state was read through them by a baseline (last 2027-06-28');
    expect(answer.evidence).toContain(
      'Baseline of 111122223333/eu-west-1: last run bl-2027-06-28 on 2027-06-28 (schedule, config) covered 3 resource types, read 120 resources (118 evaluated, 2 unreadable), found 4 violations: 4 drift opened, 1 resolved, 1 gone; open after it: high 4.',
    );
    expect(renderMarkdown(r)).toContain(
      '| 111122223333/eu-west-1 | 2027-06-28 (bl-2027-06-28) | schedule | config | 3 | 120 | 2 | 4 | 4 / 1 / 1 | high 4 |',
    );
  });

  it('says no baseline was recorded when none ran, and a baseline alone counts as evaluated', () => {
    // Act
    const none = buildEvidence(input());
    const onlyBaseline = buildEvidence(
      input({
        facts: { records: [], history: [] },
        baselineRuns: [
          {
            runId: 'bl-1',
            account: '111122223333',
            region: 'eu-west-1',
            startedAt: '2027-06-28T05:00:00.000Z',
            trigger: 'snapshot',
            source: 'file:events/baseline',
            covered: ['AWS::S3::Bucket'],
            read: 3,
            evaluated: 3,
            unreadable: 0,
            violations: 0,
            transitions: { opened: 0, reopened: 0, resolved: 0, gone: 0, suppressed: 0 },
            openAfter: {},
          },
        ],
      }),
    );

    // Assess
    expect(none.baselines).toEqual([]);
    expect(none.caiq[0]!.evidence.some((l) => l.startsWith('Baseline: none recorded'))).toBe(true);
    expect(onlyBaseline.caiq[0]!.answer).toBe('Yes');
  });
});

import { PublishCommand } from '@aws-sdk/client-sns';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DriftHistoryEntry, DriftRecord } from '../../shared/drift/index.js';
import { globMatch } from '../../shared/kernel/index.js';
import { parseTransitionEvent } from '../../shared/notify/index.js';
import { generatePatterns, loadPolicyPack, type PolicyPack } from '../../shared/policy/index.js';
import type { EvidenceReport } from '../../shared/report/index.js';
import { operatorStatements, type OperatorRole } from '../../scripts/build-operators.js';
import { asList, isRefTo } from '../deploy/support/template.js';
import { packagedFiles } from '../helpers/packaged-files.js';
import { captureStdout, lambdaContext } from '../functions/ingest-handler-fixture.js';
import {
  PEOPLE,
  REGION,
  STACK,
  startDeployedWorld,
  type DeployedWorld,
  type TableRequest,
} from './deployed-support.js';
import { CONFIG, POLICY, eventAt, tpguard, type CliRun } from './review-support.js';

/**
 * A quarter of tpguard in production, walked through the CLI against a "deployed" stack: drift is
 * recorded by the ingest functions themselves, then listed by an auditor, resolved by a
 * security-admin, an exception added by one security-admin and approved by another (four eyes),
 * the review signed off by a reviewer, and the evidence report read by the auditor. Every
 * request each person's command makes to the table is checked against that person's managed
 * policy as the stack defines it (scripts/build-operators.ts).
 */

const dir = mkdtempSync(join(tmpdir(), 'tpguard-deployed-'));
const config = join(dir, 'tpguard.config.yaml');
const FUNCTIONS = 'ingestCloudtrail,ingestGuardduty,ingestConfig,notify,digest,reviewScheduler,reviewReminder';
const prod = ['--stage', 'prod', '--region', REGION, '--config', config, '--policy', POLICY];

let world: DeployedWorld;
let pack: PolicyPack;
const runs: Record<string, CliRun & { requests: TableRequest[]; events: number }> = {};
let cloudtrail: typeof import('../../functions/ingest-cloudtrail.js');
let guardduty: typeof import('../../functions/ingest-guardduty.js');
const savedEnv: Record<string, string | undefined> = {};

/** Runs the CLI as `who` at `now` (the real clock, faked: --now is refused against a stack). */
async function as(step: string, who: string, now: string, ...args: string[]): Promise<CliRun> {
  world.as(who);
  vi.setSystemTime(new Date(now));
  const before = world.requests.length;
  const events = world.putEvents().length;
  const r = await tpguard(...args, ...prod);
  runs[step] = { ...r, requests: world.requests.slice(before), events: world.putEvents().length - events };
  return r;
}

/** Delivers an event to a deployed ingest function's handler at a time shortly after it happened. */
async function deliver(fn: 'cloudtrail' | 'guardduty', event: Record<string, unknown>): Promise<void> {
  vi.setSystemTime(new Date(Date.parse(event.time as string) + 60_000));
  const mod = fn === 'cloudtrail' ? cloudtrail : guardduty;
  await captureStdout(() => mod.handler(event, lambdaContext(`ingest-${fn}`)));
}

/** Would IAM let this request through under the role's managed policy (actions, resources, key and attribute conditions)? */
function allows(role: OperatorRole, req: TableRequest): boolean {
  return operatorStatements(role).some((s) => {
    if (s.Effect !== 'Allow' || !asList(s.Action as string[]).includes(`dynamodb:${req.operation}`)) return false;
    const resources = asList(s.Resource as unknown[]);
    const onIndex = resources.some((r) => JSON.stringify(r).includes('/index/gsi1'));
    const onTable = resources.some((r) => isRefTo(r, 'TpguardTable', 'Arn'));
    if (req.index ? !onIndex : !onTable) return false;
    const c = (s.Condition ?? {}) as Record<string, Record<string, string[]>>;
    const keys = c['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    if (keys && !(req.pk && keys.some((k) => globMatch(k, req.pk!)))) return false;
    const attributes = c['ForAllValues:StringEquals']?.['dynamodb:Attributes'];
    return !attributes || (req.attributes ?? []).every((a) => attributes.includes(a));
  });
}

const denied = (role: OperatorRole, step: string) => runs[step]!.requests.filter((r) => !allows(role, r));

beforeAll(async () => {
  // Prepare: the review fixtures' configuration, e-mail only, with four eyes.
  writeFileSync(
    config,
    `${readFileSync(CONFIG, 'utf8')
      .split('\n')
      .filter((l) => !l.includes('slack:'))
      .join('\n')}\n  requireDistinctApprover: true\n`,
  );
  pack = await loadPolicyPack(POLICY);
  world = await startDeployedWorld({
    PackVersion: pack.version,
    IngestPatterns: generatePatterns(pack)
      .map((p) => p.name)
      .join(','),
    Functions: FUNCTIONS,
  });
  vi.useFakeTimers({ toFake: ['Date'] });

  // The ingest functions, as deployed: their environment, the packaged snapshots, the stack's table and bus.
  const packaged = await packagedFiles(config, POLICY);
  const vars = {
    TPGUARD_TABLE: STACK,
    TPGUARD_BUS_NAME: STACK,
    TPGUARD_CONFIG_FILE: packaged.configFile,
    TPGUARD_POLICY_DIR: packaged.policyDir,
    POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
  };
  for (const [k, v] of Object.entries(vars)) {
    savedEnv[k] = process.env[k];
    process.env[k] = v;
  }
  ({ result: cloudtrail } = await captureStdout(() => import('../../functions/ingest-cloudtrail.js')));
  ({ result: guardduty } = await captureStdout(() => import('../../functions/ingest-guardduty.js')));

  // Act: the first quarter happens in the account; the functions record it.
  await deliver(
    'cloudtrail',
    eventAt('sm-training-open.json', '2027-02-03T10:00:00Z', 'e2000000-0000-4000-8000-000000000001'),
  );
  await deliver(
    'cloudtrail',
    eventAt('s3-versioning-suspended.json', '2027-03-10T09:00:00Z', 'e2000000-0000-4000-8000-000000000002', (d) => {
      (d.requestParameters as Record<string, unknown>).bucketName = 'ml-training-legacy-2019';
    }),
  );
  await deliver(
    'guardduty',
    eventAt('gd-exfiltration.json', '2027-03-01T04:00:00Z', 'e2000000-0000-4000-8000-000000000003'),
  );

  // The deployer records the pack it put in force; the schedule opens the second quarter's review.
  await as('publish', PEOPLE.deployer, '2027-03-31T12:00:00Z', 'rules', 'publish', '--by', 'CI pipeline');
  await as('review-run', PEOPLE.deployer, '2027-04-01T07:00:00Z', 'review', 'run');

  // The auditor looks; a security-admin resolves the training job's drift by hand.
  await as('list', PEOPLE.ari, '2027-04-02T08:00:00Z', 'drift', 'list', '--format', 'json');
  const open = JSON.parse(runs.list!.out) as DriftRecord[];
  const job = open.find((r) => r.ruleId === 'TPS-SM-90')!;
  await as(
    'resolve',
    PEOPLE.sam,
    '2027-04-02T09:00:00Z',
    'drift',
    'resolve',
    job.driftId,
    '--by',
    'Sam Admin',
    '--reason',
    'job stopped, re-created with network isolation',
  );
  await as('show', PEOPLE.ari, '2027-04-02T10:00:00Z', 'drift', 'show', job.driftId);

  // Risk acceptance for the legacy buckets: added by one security-admin, approved by another.
  await as(
    'exception-add',
    PEOPLE.sam,
    '2027-04-03T09:00:00Z',
    'exception',
    'add',
    '--rule',
    'TPS-S3-90',
    '--resource',
    'ml-training-legacy-*',
    '--reason',
    'legacy bucket, migration in April',
    '--approved-by',
    'CISO office',
    '--expires',
    '2027-04-30',
    '--by',
    'Sam Admin',
  );
  const id = /exception (EX-[0-9a-f]{8})/.exec(runs['exception-add']!.out)![1]!;
  await as('self-approve', PEOPLE.sam, '2027-04-03T09:05:00Z', 'exception', 'approve', id);
  await as('approve', PEOPLE.chris, '2027-04-03T10:00:00Z', 'exception', 'approve', id, '--by', 'Chris (CISO office)');

  // The review: the deployer cannot sign off the pack it put in force; the reviewer does.
  const notes = ['--notes', 'isolation rule still right; legacy buckets accepted until April', '--decision', 'keep'];
  await as(
    'self-sign-off',
    PEOPLE.deployer,
    '2027-04-20T15:00:00Z',
    'review',
    'complete',
    '2027-Q2/reviewers',
    '--by',
    'CI',
    ...notes,
  );
  await as(
    'sign-off',
    PEOPLE.dana,
    '2027-04-20T15:05:00Z',
    'review',
    'complete',
    '2027-Q2/reviewers',
    '--by',
    'Dana Ruiz',
    ...notes,
  );

  // The auditor's report from production.
  const window = ['--from', '2027-01-01', '--to', '2027-06-30'];
  await as('report', PEOPLE.ari, '2027-05-12T12:00:00Z', 'report', '--format', 'json', ...window);
  await as('report-html', PEOPLE.ari, '2027-05-12T12:00:00Z', 'report', '--format', 'html', ...window);
}, 180_000);

afterAll(async () => {
  vi.useRealTimers();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Quarter walk against a deployed stack: tpguard --stage prod', () => {
  it('says first, on stderr, that it acts on the deployed stack, in which account and region, as whom', () => {
    // Assess
    expect(runs.list!.err.split('\n')[0]).toBe(
      `tpguard: DEPLOYED stack ${STACK}, account 111122223333, ${REGION}: table ${STACK}, bus ${STACK}; as ${PEOPLE.ari}`,
    );
    expect(runs['sign-off']!.err).toContain(`as ${PEOPLE.dana}`);
    expect(() => JSON.parse(runs.list!.out)).not.toThrow();
  });

  it('lists the drift the ingest functions recorded in the stack table', () => {
    // Act
    const open = JSON.parse(runs.list!.out) as DriftRecord[];

    // Assess
    expect(runs.list!.code).toBe(0);
    expect(open.map((r) => [r.ruleId, r.resourceId, r.status]).sort()).toEqual([
      ['TPS-GD-90', 'ml-training-fraud-data', 'open'],
      ['TPS-S3-90', 'ml-training-legacy-2019', 'open'],
      ['TPS-SM-90', 'vision-resnet-2027-02-03', 'open'],
    ]);
  });

  it("records who resolved drift by hand as the caller's AWS identity, with --by beside it, in the item and its history", () => {
    // Prepare
    const shown = JSON.parse(runs.show!.out) as { record: DriftRecord; history: DriftHistoryEntry[] };
    const manual = shown.history.find((h) => h.verdict === 'manual')!;

    // Assess
    expect(runs.resolve!.code).toBe(0);
    expect(shown.record).toMatchObject({ status: 'resolved', resolvedBy: PEOPLE.sam, resolvedByName: 'Sam Admin' });
    expect(manual).toMatchObject({ actor: PEOPLE.sam, actorName: 'Sam Admin', transition: 'resolved' });
    expect(runs.resolve!.out).toContain(`resolved by ${PEOPLE.sam} (Sam Admin)`);
  });

  it('publishes the manual resolution on the stack bus, as a function would, for the notify function to alert', () => {
    // Prepare
    const entries = world.putEvents().filter((e) => e.DetailType === 'Drift Resolved');

    // Act
    const transition = parseTransitionEvent({
      version: '0',
      id: 'x',
      'detail-type': entries[0]!.DetailType,
      source: entries[0]!.Source,
      account: '111122223333',
      time: '2027-04-02T09:00:00Z',
      region: REGION,
      resources: entries[0]!.Resources,
      detail: JSON.parse(entries[0]!.Detail!),
    });

    // Assess
    expect(runs.resolve!.events).toBe(2); // the transition, and its group (one per event and owner) that notify takes
    expect(entries).toHaveLength(1);
    expect(
      world
        .putEvents()
        .filter((e) => e.DetailType === 'Drift Transitions')
        .map((e) => JSON.parse(e.Detail!).transitions.length),
    ).toContain(1);
    expect(entries[0]).toMatchObject({ EventBusName: STACK, Source: 'tpguard' });
    expect(transition.record).toMatchObject({ ruleId: 'TPS-SM-90', resolvedBy: PEOPLE.sam });
  });

  it('keeps an exception pending until a second security-admin approves it, then suppresses and publishes', () => {
    // Assess
    expect(runs['exception-add']!.out).toContain(`added by ${PEOPLE.sam} (Sam Admin)`);
    expect(runs['exception-add']!.out).toContain('pending');
    expect(runs['exception-add']!.events).toBe(0);
    expect(runs['self-approve']!.code).toBe(2);
    expect(runs['self-approve']!.err).toContain(`${PEOPLE.sam} added it and cannot approve it too`);
    expect(runs.approve!.code).toBe(0);
    expect(runs.approve!.out).toContain(`approved by ${PEOPLE.chris} (Chris (CISO office))`);
    expect(runs.approve!.out).toContain('1 open drift record(s) suppressed');
    expect(world.putEvents().filter((e) => e.DetailType === 'Drift Suppressed')).toHaveLength(1);
  });

  it("refuses the sign-off of the identity that put the pack in force, and records the reviewer's", () => {
    // Assess
    expect(runs.publish!.out).toContain(`recorded as put in force by ${PEOPLE.deployer} (CI pipeline)`);
    expect(runs['self-sign-off']!.code).toBe(2);
    expect(runs['self-sign-off']!.err).toContain('cannot sign its review off too');
    expect(runs['sign-off']!.code).toBe(0);
    expect(runs['sign-off']!.out).toContain(`2027-Q2/reviewers signed off by ${PEOPLE.dana} (Dana Ruiz)`);
  });

  it('sent the review messages through the stack topic, not an outbox', () => {
    // Act
    const subjects = world.sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

    // Assess
    expect(subjects.length).toBeGreaterThanOrEqual(3);
    expect(subjects.every((m) => m.TopicArn === `arn:aws:sns:${REGION}:111122223333:${STACK}-alerts`)).toBe(true);
  });

  it('builds the report from the deployed table and names where it came from and who signed off', () => {
    // Prepare
    const report = JSON.parse(runs.report!.out) as EvidenceReport;
    const html = runs['report-html']!.out;

    // Assess
    expect(report.origin).toMatchObject({
      account: '111122223333',
      region: REGION,
      stack: STACK,
      table: STACK,
      packVersion: pack.version,
      packRecordedBy: `${PEOPLE.deployer} (CI pipeline)`,
      generatedBy: PEOPLE.ari,
    });
    expect(report.deployed).toMatchObject({
      source: `stack ${STACK} outputs`,
      functions: FUNCTIONS.split(','),
      patternNames: generatePatterns(pack).map((p) => p.name),
    });
    expect(report.reviewed.reviewers).toEqual([`${PEOPLE.dana} (Dana Ruiz)`]);
    const caiq = report.caiq.flatMap((q) => q.evidence).join('\n');
    expect(caiq).toContain(`2027-Q2/reviewers: signed off by ${PEOPLE.dana} (Dana Ruiz)`);
    expect(caiq).toContain(
      `CISO office (approved by ${PEOPLE.chris} (Chris (CISO office)); added by ${PEOPLE.sam} (Sam Admin))`,
    );
    expect(caiq).toContain(`from stack ${STACK} outputs`);
    expect(html).toContain(`Read from the deployed stack ${STACK} (account 111122223333, ${REGION})`);
    expect(html).toContain(PEOPLE.dana);
  });

  it("needs no more than each person's managed policy allows, and the policies tell the roles apart", () => {
    // Assess: what each command did is within the policy of the person who ran it
    for (const step of ['list', 'show', 'report', 'report-html']) expect(denied('auditor', step), step).toEqual([]);
    expect(denied('reviewer', 'sign-off')).toEqual([]);
    for (const step of ['resolve', 'exception-add', 'approve', 'publish'])
      expect(denied('security-admin', step), step).toEqual([]);
    // ... and a role below could not have done it
    expect(denied('auditor', 'sign-off').length).toBeGreaterThan(0);
    expect(denied('reviewer', 'resolve').length).toBeGreaterThan(0);
    expect(denied('reviewer', 'approve').length).toBeGreaterThan(0);
    for (const step of ['list', 'show', 'report', 'sign-off']) expect(runs[step]!.events, step).toBe(0);
  });
});

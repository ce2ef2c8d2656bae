import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime } from '../../shared/adapters/local/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { intake } from '../../shared/sources/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import type { EvidenceReport } from '../../shared/report/index.js';
import type { TaskSummary } from '../../shared/review/index.js';
import { fixedClock } from '../../shared/kernel/index.js';
import { CONFIG, POLICY, eventAt, outbox, tpguard } from './review-support.js';

const dir = mkdtempSync(join(tmpdir(), 'tpguard-quarter-'));
const store = ['--data-dir', dir, '--config', CONFIG, '--policy', POLICY];
const at = (now: string, ...args: string[]) => tpguard('--now', now, ...args, ...store);

/** Feeds events through the local runtime: the same handlers and patterns as deployed, the exceptions of the store, the threat watch. */
async function ingest(events: Record<string, unknown>[], now: string): Promise<void> {
  const [config, pack] = await Promise.all([loadConfig(CONFIG), loadPolicyPack(POLICY)]);
  const rt = await startLocalRuntime({ config, pack, dataDir: dir, clock: fixedClock(now) });
  try {
    await rt.ingest(events.flatMap((e, i) => [...intake(e, `fixture:${i}`)]));
  } finally {
    await rt.close();
  }
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

const log: string[] = [];

beforeAll(async () => {
  // Prepare: the first quarter of 2027 in the training pipeline.
  await ingest(
    [
      eventAt('s3-versioning-suspended.json', '2027-01-10T09:00:00Z', 'e1000000-0000-4000-8000-000000000001'),
      eventAt('s3-versioning-enabled.json', '2027-01-12T15:00:00Z', 'e1000000-0000-4000-8000-000000000002'),
      eventAt('sm-training-open.json', '2027-02-03T10:00:00Z', 'e1000000-0000-4000-8000-000000000003'),
      eventAt('sm-training-open.json', '2027-02-20T10:00:00Z', 'e1000000-0000-4000-8000-000000000004', (d) => {
        (d.requestParameters as Record<string, unknown>).trainingJobName = 'vision-vit-2027-02-20';
      }),
      eventAt('gd-exfiltration.json', '2027-03-01T04:00:00Z', 'e1000000-0000-4000-8000-000000000005'),
      eventAt('gd-unmapped-discovery.json', '2027-03-05T04:00:00Z', 'e1000000-0000-4000-8000-000000000006'),
      eventAt('s3-versioning-suspended.json', '2027-03-10T09:00:00Z', 'e1000000-0000-4000-8000-000000000007', (d) => {
        (d.requestParameters as Record<string, unknown>).bucketName = 'ml-training-legacy-2019';
      }),
    ],
    '2027-03-31T00:00:00Z',
  );

  // Act: the second quarter, day by day, as the schedules would run it.
  log.push(
    (await at('2027-04-01T07:00:00Z', 'review', 'run')).out,
    (await at('2027-04-01T07:05:00Z', 'review', 'run')).out,
  );
  log.push(
    (
      await at(
        '2027-04-02T09:00:00Z',
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
        '2027-04-20',
      )
    ).out,
  );
  await ingest(
    [
      eventAt('s3-versioning-suspended.json', '2027-04-05T09:00:00Z', 'e1000000-0000-4000-8000-000000000008', (d) => {
        (d.requestParameters as Record<string, unknown>).bucketName = 'ml-training-legacy-2020';
      }),
    ],
    '2027-04-05T10:00:00Z',
  );
  for (let t = Date.parse('2027-04-02T06:00:00Z'); t <= Date.parse('2027-05-12T06:00:00Z'); t += 86_400_000) {
    const now = new Date(t);
    const r = await at(now.toISOString(), 'review', 'remind');
    log.push(
      ...r.out
        .split('\n')
        .filter((l) => /^(reminder|escalation)/.test(l))
        .map((l) => `${day(now)} ${l}`),
    );
    if (r.out.includes('drift reopened') && !/ 0 drift reopened/.test(r.out))
      log.push(`${day(now)} exceptions: ${r.out.split('exceptions: ')[1]!.trim()}`);
    if (day(now) === '2027-04-20')
      log.push(
        (
          await at(
            '2027-04-20T15:00:00Z',
            'review',
            'complete',
            '2027-Q2/vision',
            '--by',
            'Ana Vision',
            '--notes',
            'isolation rule still right',
            '--decision',
            'keep',
          )
        ).out,
      );
    if (day(now) === '2027-04-28')
      log.push(
        (
          await at(
            '2027-04-28T15:00:00Z',
            'review',
            'complete',
            '2027-Q2/storage',
            '--by',
            'Sam Storage',
            '--notes',
            'legacy exception to expire as planned',
            '--decision',
            'keep',
          )
        ).out,
      );
    if (day(now) === '2027-05-09')
      log.push(
        (
          await at(
            '2027-05-09T10:00:00Z',
            'review',
            'complete',
            '2027-Q2/reviewers',
            '--by',
            'Dana Ruiz',
            '--notes',
            'map Discovery:S3 findings next quarter',
            '--decision',
            'update',
          )
        ).out,
      );
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Quarter walk: tpguard review and report with --now', () => {
  it('opens the three tasks of 2027-Q2 once', () => {
    // Assess
    expect(log[0]).toContain('3 task(s) opened, 0 already open');
    expect(log[1]).toContain('0 task(s) opened, 3 already open');
    expect(
      outbox(dir)
        .filter((m) => m.transition === 'review-opened')
        .map((m) => `${m.channel} ${m.resourceId}`)
        .sort(),
    ).toEqual([
      'email 2027-Q2/reviewers',
      'email 2027-Q2/storage',
      'email 2027-Q2/vision',
      'slack 2027-Q2/reviewers',
      'slack 2027-Q2/vision',
    ]);
  });

  it('sends reminders on the configured days, only to tasks not signed off, and escalates once', () => {
    // Assess
    expect(log.filter((l) => /^\d{4}-\d{2}-\d{2} (reminder|escalation)/.test(l))).toEqual([
      '2027-04-17 reminder d14 sent for 2027-Q2/reviewers to reviewers (due in 14 days)',
      '2027-04-17 reminder d14 sent for 2027-Q2/storage to storage (due in 14 days)',
      '2027-04-17 reminder d14 sent for 2027-Q2/vision to vision (due in 14 days)',
      '2027-04-24 reminder d7 sent for 2027-Q2/reviewers to reviewers (due in 7 days)',
      '2027-04-24 reminder d7 sent for 2027-Q2/storage to storage (due in 7 days)',
      '2027-04-30 reminder d1 sent for 2027-Q2/reviewers to reviewers (due in 1 day)',
      '2027-05-08 escalation sent for 2027-Q2/reviewers (7 days overdue)',
    ]);
    const escalations = outbox(dir).filter((m) => m.transition === 'review-escalation');
    expect(escalations.map((m) => m.to)).toEqual([['ciso-office@example.com']]);
  });

  it('suppresses drift covered by an exception and reopens it the day after the exception expires', () => {
    // Assess
    expect(log[2]).toContain('1 open drift record(s) suppressed');
    expect(log).toContain('2027-04-21 exceptions: 2 drift reopened, 0 suppressed');
    const reopened = outbox(dir).filter((m) => m.transition === 'reopened' && m.channel === 'email');
    expect(reopened.map((m) => m.resourceId).sort()).toEqual(['ml-training-legacy-2019', 'ml-training-legacy-2020']);
    expect(outbox(dir).some((m) => m.transition === 'opened' && m.resourceId === 'ml-training-legacy-2020')).toBe(
      false,
    );
  });

  it('lists the sign-offs with who, when and whether on time', async () => {
    // Act
    const r = await at('2027-05-12T12:00:00Z', 'review', 'list', '--format', 'json');
    const tasks = JSON.parse(r.out) as TaskSummary[];

    // Assess
    expect(
      tasks.map((t) => [t.id, t.status, t.completedBy, t.onTime, t.remindersSent.join(' '), t.escalatedAt !== null]),
    ).toEqual([
      ['2027-Q2/reviewers', 'done', 'Dana Ruiz', false, 'd14 d7 d1', true],
      ['2027-Q2/storage', 'done', 'Sam Storage', true, 'd14 d7', false],
      ['2027-Q2/vision', 'done', 'Ana Vision', true, 'd14', false],
    ]);
    expect(tasks[0]).toMatchObject({
      period: '2027-Q2',
      controlId: 'MDS-01',
      owner: 'reviewers',
      dueAt: '2027-05-01T07:00:00.000Z',
      completedAt: '2027-05-09T10:00:00.000Z',
    });
  });

  it('gave the reviewers the facts of the first quarter', async () => {
    // Act
    const r = await at('2027-05-12T12:00:00Z', 'review', 'show', '2027-Q2/reviewers', '--format', 'json');
    const task = JSON.parse(r.out) as { contents: Record<string, unknown>; reviewedPackVersion: string; notes: string };

    // Assess
    expect(task.contents).toMatchObject({
      driftOpened: 5,
      driftResolved: 1,
      meanTimeToResolveHours: 54,
      openBySeverity: { critical: 1, high: 2, medium: 1 },
      silentRules: [],
      threatDelta: [
        { findingType: 'Discovery:S3/AnomalousBehavior', count: 1, resources: ['s3-bucket/ml-training-fraud-data'] },
      ],
      packChanges: { added: ['TPS-GD-90', 'TPS-S3-90', 'TPS-SM-90'], removed: [], modified: [] },
    });
    expect((task.contents.noisiestRules as { ruleId: string; count: number }[])[0]).toMatchObject({
      ruleId: 'TPS-S3-90',
      count: 2,
    });
    expect(task.notes).toBe('map Discovery:S3 findings next quarter');
  });

  it('reports all of it to the auditor', async () => {
    // Act
    const r = await at(
      '2027-05-12T12:00:00Z',
      'report',
      '--format',
      'json',
      '--from',
      '2027-01-01',
      '--to',
      '2027-06-30',
    );
    const report = JSON.parse(r.out) as EvidenceReport;
    const html = (
      await at('2027-05-12T12:00:00Z', 'report', '--format', 'html', '--from', '2027-01-01', '--to', '2027-06-30')
    ).out;

    // Assess
    expect(report.caiq.map((q) => [q.id, q.answer])).toEqual([
      ['MDS-01.1', 'Yes'],
      ['MDS-01.2', 'Partially'],
    ]);
    expect(report.caiq[1]!.evidence.join('\n')).toContain(
      '2027-Q2/reviewers: signed off by Dana Ruiz on 2027-05-09 (due 2027-05-01, late; decision: update)',
    );
    // 5 opened in Q1, then the two legacy buckets reopened when the exception expired
    expect(report.ran).toMatchObject({ driftOpened: 7, driftResolved: 1 });
    expect(report.reviewed).toMatchObject({
      completed: 3,
      completedOnTime: 2,
      overdue: 0,
      reviewers: ['Ana Vision', 'Dana Ruiz', 'Sam Storage'],
    });
    expect(report.reviewed.tasks.find((t) => t.id === '2027-Q2/reviewers')).toMatchObject({
      remindersSent: ['d14', 'd7', 'd1'],
      escalatedAt: '2027-05-08T06:00:00.000Z',
    });
    expect(report.reviewed.threatDelta).toEqual([
      { period: '2027-Q2', findingTypes: ['Discovery:S3/AnomalousBehavior'] },
    ]);
    expect(report.exceptions).toEqual([
      expect.objectContaining({
        ruleId: 'TPS-S3-90',
        resource: 'ml-training-legacy-*',
        approvedBy: 'CISO office',
        state: 'expired',
      }),
    ]);
    expect(report.guidelines.map((g) => g.title)).toEqual([
      'Protection of the training infrastructure',
      'Data storage, access and transit',
      'Incident response and access control',
      'Regular review',
    ]);
    expect(html).toContain('Dana Ruiz');
    expect(html).toContain('<svg');
  });
});

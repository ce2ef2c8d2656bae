import { describe, expect, it } from 'vitest';
import type { DriftRecord } from '../../../shared/drift/index.js';
import {
  escalationOf,
  groupByOwner,
  renderDigestSlack,
  runDigest,
  type DigestDeps,
} from '../../../shared/notify/digest.js';
import { MemoryLedger } from '../../../shared/notify/ledger.js';
import { validateSlackMessage } from '../../../shared/notify/slack.js';
import type { EmailMessage } from '../../../shared/notify/types.js';
import { countArrayIteration } from '../../helpers/work.js';
import { clockAt, openedTransition, recordingDispatcher, shippedCatalog, shippedConfig } from './support.js';

/** An open record of `owner`, opened `hoursAgo` before 2026-11-05T09:00:00Z. */
function openRecord(
  n: number,
  owner: string,
  hoursAgo: number,
  severity: DriftRecord['severity'] = 'high',
): DriftRecord {
  const at = new Date(Date.parse('2026-11-05T09:00:00Z') - hoursAgo * 3_600_000).toISOString();
  const base = openedTransition().record;
  return {
    ...base,
    driftId: `d-${String(n).padStart(20, '0')}`,
    resourceId: `ml-training-${owner}-${n}`,
    resourceArn: `arn:aws:s3:::ml-training-${owner}-${n}`,
    resourceType: 's3-bucket',
    owner,
    severity,
    status: 'open',
    firstSeen: at,
    openedAt: at,
    lastSeen: at,
    lastEventId: `e-${n}`,
    lastTransition: { kind: 'opened', eventId: `e-${n}`, at },
  };
}

async function digestDeps(records: DriftRecord[], now = '2026-11-05T09:00:00Z') {
  const rec = recordingDispatcher(['email', 'slack']);
  const deps: DigestDeps = {
    ledger: new MemoryLedger(),
    dispatcher: rec.dispatcher,
    catalog: await shippedCatalog(),
    config: shippedConfig(),
    clock: clockAt(now),
    store: { queryRecords: async () => structuredClone(records) },
  };
  return { deps, ...rec };
}

describe('Function: runDigest', () => {
  it('sends one digest per owner and channel listing all its open drift, not one message per record', async () => {
    // Prepare
    const records = [
      openRecord(1, 'fraud', 2),
      openRecord(2, 'fraud', 5, 'critical'),
      openRecord(3, 'vision', 3),
      openRecord(4, 'vision', 1, 'low'),
    ];
    const { deps, sent } = await digestDeps(records);
    // Act
    const run = await runDigest(deps);
    // Assess
    const digests = sent.filter((m) => m.kind === 'digest');
    expect(digests.map((m) => [m.channel, m.owner, m.to])).toEqual([
      ['email', 'fraud', ['fraud-ml@example.com']],
      ['slack', 'fraud', ['env:TPGUARD_SLACK_FRAUD']],
      ['email', 'vision', ['vision-ml@example.com']],
    ]);
    const fraud = digests[0]!.payload as EmailMessage;
    expect(fraud.subject).toBe('[tpguard] Daily digest for fraud: 2 open drift (1 critical, 1 high)');
    expect(fraud.text.indexOf('ml-training-fraud-2')).toBeLessThan(fraud.text.indexOf('ml-training-fraud-1'));
    expect((digests[2]!.payload as EmailMessage).text).not.toContain('ml-training-vision-4'); // low is below minSeverity
    expect(run.escalations).toEqual([]);
  });

  it('escalates drift open longer than escalateAfterHours once to the default owners, and a second run the same day sends nothing', async () => {
    // Prepare
    const records = [openRecord(1, 'fraud', 30), openRecord(2, 'fraud', 3)];
    const { deps, sent } = await digestDeps(records);
    // Act
    await runDigest(deps);
    const second = await runDigest(deps);
    // Assess
    const escalations = sent.filter((m) => m.kind === 'escalated');
    expect(escalations.map((m) => [m.channel, m.owner, m.resourceId])).toEqual([
      ['email', 'default', 'ml-training-fraud-1'],
      ['slack', 'default', 'ml-training-fraud-1'],
    ]);
    expect((escalations[0]!.payload as EmailMessage).text).toContain(
      'Still open for 30 hours after the owner (fraud) was alerted',
    );
    expect(sent.filter((m) => m.kind === 'digest')).toHaveLength(2);
    expect(second.escalations.every((r) => r.outcome === 'duplicate')).toBe(true);
    expect(second.digests.every((d) => d.outcome === 'duplicate')).toBe(true);
  });

  it('sends the next day a new digest but no second escalation', async () => {
    // Prepare
    const records = [openRecord(1, 'fraud', 30)];
    const { deps, sent } = await digestDeps(records);
    await runDigest(deps);
    // Act
    await runDigest({ ...deps, clock: clockAt('2026-11-06T09:00:00Z') });
    // Assess
    expect(sent.filter((m) => m.kind === 'escalated')).toHaveLength(2); // email + slack, once
    expect(sent.filter((m) => m.kind === 'digest')).toHaveLength(4); // email + slack, each day
  });
});

describe('Function: escalationOf', () => {
  it('is due after escalateAfterHours, carries the opening event id, and is never due with 0 hours', () => {
    // Prepare
    const record = openRecord(7, 'vision', 24);
    const now = new Date('2026-11-05T09:00:00Z');
    // Act + Assess
    expect(escalationOf(record, now, 24)).toEqual({
      kind: 'escalated',
      eventId: 'e-7',
      eventTime: '2026-11-05T09:00:00.000Z',
      record,
    });
    expect(escalationOf(record, now, 25)).toBeUndefined();
    expect(escalationOf(record, now, 0)).toBeUndefined();
  });
});

describe('Function: renderDigestSlack', () => {
  it('packs 2,000 open drift into at most 50 blocks of at most 3,000 characters, and counts the rest', () => {
    // Prepare
    const now = new Date('2026-11-05T09:00:00Z');
    const items = groupByOwner(
      Array.from({ length: 2000 }, (_, i) => openRecord(i, 'vision', i % 90)),
      now,
      'medium',
    ).get('vision')!;
    // Act
    const message = renderDigestSlack('vision', items, now);
    // Assess
    expect(validateSlackMessage(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks[message.blocks.length - 1])).toMatch(/and \d+ more/);
    expect(message.text).toBe('Daily digest for vision: 2000 open drift (2000 high)');
  });
});

describe('Function: groupByOwner (work, attack 14)', () => {
  it('takes each record out of an array a bounded number of times: linear in the number of records', () => {
    // Prepare: one owner, as an attacker tags every job with the same owner
    const now = new Date('2026-11-05T09:00:00Z');
    const records = (n: number) => Array.from({ length: n }, (_, i) => openRecord(i, 'nlp', i % 90));
    const [small, large] = [records(2_000), records(4_000)];

    // Act
    const a = countArrayIteration(() => groupByOwner(small, now, 'medium'));
    const b = countArrayIteration(() => groupByOwner(large, now, 'medium'));

    // Assess
    expect(a.result.get('nlp')).toHaveLength(2_000);
    expect(b.result.get('nlp')).toHaveLength(4_000);
    expect(b.steps).toBeLessThanOrEqual(2 * a.steps + 16);
    expect(b.steps).toBeLessThanOrEqual(4 * 4_000);
  });
});

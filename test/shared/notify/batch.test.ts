import { describe, expect, it } from 'vitest';
import type { DriftTransition } from '../../../shared/drift/index.js';
import {
  BATCH_SUMMARY_DETAIL_TYPE,
  batchHeadline,
  batchSummaryOf,
  MAX_SUMMARY_ITEMS,
  notifyBatchSummary,
  notifyTransition,
  summarizeBatch,
} from '../../../shared/notify/index.js';
import type { NotifierDeps } from '../../../shared/notify/notifier.js';
import { MemoryLedger } from '../../../shared/notify/ledger.js';
import { ownAccountHub } from '../../../shared/notify/index.js';
import type { ObservationOrigin } from '../../../shared/sources/index.js';
import { clockAt, openedTransition, recordingDispatcher, shippedCatalog, shippedConfig } from './support.js';

const BATCH: ObservationOrigin = {
  kind: 'baseline',
  batchId: 'bl-20261103060000-0a1b2c3d',
  label: '111122223333/eu-west-1',
};
const AT = '2026-11-03T06:00:00.000Z';

/** A transition of the batch: `n`-th resource of an owner, at a severity. */
function tr(
  owner: string,
  resourceId: string,
  severity: DriftTransition['record']['severity'],
  kind: DriftTransition['kind'] = 'opened',
  patch: Partial<DriftTransition> = {},
): DriftTransition {
  const base = openedTransition();
  return {
    ...base,
    kind,
    eventId: `${resourceId}-${severity}-${kind}`,
    batch: BATCH,
    record: {
      ...base.record,
      owner,
      severity,
      resourceType: 's3-bucket',
      resourceId,
      driftId: `d-${resourceId}-${severity}`,
      ruleId: `TPS-${severity.slice(0, 3).toUpperCase()}-01`,
      ...(kind === 'resolved' ? { status: 'resolved', resolvedReason: 'gone: not in the inventory' } : {}),
    },
    ...patch,
  };
}

async function deps() {
  const rec = recordingDispatcher();
  const d: NotifierDeps = {
    ledger: new MemoryLedger(),
    dispatcher: rec.dispatcher,
    catalog: await shippedCatalog(),
    config: shippedConfig(),
    clock: clockAt(AT),
    chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:chat',
    securityHub: ownAccountHub,
  };
  return { deps: d, ...rec };
}

describe('Function: summarizeBatch', () => {
  it('makes one summary per owner: resources out of policy at their worst severity, complete counts', () => {
    // Prepare: nlp has one bucket with two drifts (high, medium) and one gone; fraud one critical
    const transitions = [
      tr('nlp', 'ml-training-nlp-corpus', 'high'),
      tr('nlp', 'ml-training-nlp-corpus', 'medium'),
      tr('nlp', 'ml-training-nlp-old', 'high', 'resolved'),
      tr('fraud', 'ml-training-fraud-data', 'critical'),
      // left out: below notifications.minSeverity, republished, another batch
      tr('fraud', 'ml-training-fraud-x', 'informational'),
      tr('fraud', 'ml-training-fraud-y', 'high', 'opened', { republished: true }),
      tr('fraud', 'ml-training-fraud-z', 'high', 'opened', { batch: { ...BATCH, batchId: 'other' } }),
    ];

    // Act
    const summaries = summarizeBatch(transitions, BATCH, 'low', AT);

    // Assess
    expect(summaries.map((s) => [s.owner, s.resourcesOutOfPolicy, s.resourcesBySeverity, s.counts])).toEqual([
      ['fraud', 1, { critical: 1 }, { opened: 1, reopened: 0, resolved: 0, gone: 0, suppressed: 0, unverifiable: 0 }],
      ['nlp', 1, { high: 1 }, { opened: 2, reopened: 0, resolved: 0, gone: 1, suppressed: 0, unverifiable: 0 }],
    ]);
    expect(batchHeadline(summaries[1]!)).toBe(
      'baseline of 111122223333/eu-west-1: 1 resource out of policy, 1 high; 1 gone',
    );
  });

  it(`lists at most ${MAX_SUMMARY_ITEMS} items, most severe first, with the counts complete`, () => {
    // Prepare: 37 resources out of policy, 12 of them high
    const transitions = Array.from({ length: 60 }, (_, i) =>
      tr('default', `b-${String(i).padStart(2, '0')}`, i < 12 ? 'high' : 'medium'),
    );

    // Act
    const [s] = summarizeBatch(transitions, BATCH, 'low', AT);

    // Assess
    expect(s!.items.length).toBe(MAX_SUMMARY_ITEMS);
    expect(s!.counts.opened).toBe(60);
    expect(s!.items.slice(0, 12).every((i) => i.severity === 'high')).toBe(true);
    expect(batchHeadline(s!)).toBe(
      'baseline of 111122223333/eu-west-1: 60 resources out of policy, 12 high, 48 medium',
    );
  });
});

describe('Function: notifyBatchSummary', () => {
  it("sends a summary once per owner's channel, and nothing again for a repeated delivery", async () => {
    // Prepare
    const { deps: d, sent } = await deps();
    const [s] = summarizeBatch([tr('fraud', 'ml-training-fraud-data', 'critical')], BATCH, 'low', AT);

    // Act
    const first = await notifyBatchSummary(s!, d);
    const again = await notifyBatchSummary(structuredClone(s!), d);

    // Assess: email, Slack, Chatbot (Security Hub takes the transitions one by one)
    expect(first.map((r) => [r.channel, r.outcome])).toEqual([
      ['email', 'sent'],
      ['slack', 'sent'],
      ['chatbot', 'sent'],
    ]);
    expect(again.every((r) => r.outcome === 'duplicate')).toBe(true);
    expect(sent.map((m) => [m.channel, m.kind, m.owner])).toEqual([
      ['email', 'batch', 'fraud'],
      ['slack', 'batch', 'fraud'],
      ['chatbot', 'batch', 'fraud'],
    ]);
    const email = sent[0]!.payload as { subject: string; text: string };
    expect(email.subject).toContain('baseline of 111122223333/eu-west-1: 1 resource out of policy, 1 critical');
    expect(email.text).toContain('ml-training-fraud-data');
  });

  it("sends a batch's transitions to Security Hub only (people get the summary)", async () => {
    // Prepare
    const t = { ...openedTransition(), batch: BATCH };
    const { deps: base, sent } = await deps();
    const d = { ...base, ledger: new MemoryLedger() };

    // Act
    const results = await notifyTransition(t, d);

    // Assess
    expect(results.map((r) => r.channel)).toEqual(['securityhub']);
    expect(sent.map((m) => m.channel)).toEqual(['securityhub']);
  });
});

describe('Function: batchSummaryOf', () => {
  it('reads a Drift Batch Summary event, ignores other events and rejects a malformed one', () => {
    // Prepare
    const [s] = summarizeBatch([tr('nlp', 'b', 'high')], BATCH, 'low', AT);
    const event = { source: 'tpguard', 'detail-type': BATCH_SUMMARY_DETAIL_TYPE, detail: s };

    // Act / Assess
    expect(batchSummaryOf(event)).toEqual(s);
    expect(batchSummaryOf({ source: 'tpguard', 'detail-type': 'Drift Opened', detail: {} })).toBeUndefined();
    expect(() => batchSummaryOf({ ...event, detail: { ...s, items: 'x' } })).toThrow(/malformed Drift Batch Summary/);
  });
});

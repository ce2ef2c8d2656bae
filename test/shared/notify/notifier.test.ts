import { describe, expect, it } from 'vitest';
import type { DriftRecord } from '../../../shared/drift/index.js';
import { DeliveryFailedError } from '../../../shared/notify/errors.js';
import { MemoryLedger } from '../../../shared/notify/ledger.js';
import { notifyBusEvent, notifyTransition, type NotifierDeps } from '../../../shared/notify/notifier.js';
import { ownAccountHub } from '../../../shared/notify/routing.js';
import {
  clockAt,
  nextTransition,
  openedTransition,
  recordingDispatcher,
  shippedCatalog,
  shippedConfig,
} from './support.js';

async function setup(record: DriftRecord) {
  const records = new Map([[record.driftId, record]]);
  const rec = recordingDispatcher();
  const config = shippedConfig();
  config.owners.teams.nlp = { email: ['nlp-ml@example.com'], slack: 'env:TPGUARD_SLACK_NLP' };
  const deps: NotifierDeps = {
    ledger: new MemoryLedger(),
    dispatcher: rec.dispatcher,
    catalog: await shippedCatalog(),
    config,
    clock: clockAt('2026-11-02T10:00:00Z'),
    chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:chat',
    securityHub: ownAccountHub,
  };
  return { deps, records, ...rec };
}

describe('Function: notifyTransition', () => {
  it('sends a transition once on each channel: email, Slack, Chatbot and Security Hub', async () => {
    // Prepare
    const t = openedTransition();
    const { deps, sent } = await setup(t.record);
    // Act
    const results = await notifyTransition(t, deps);
    // Assess
    expect(results.map((r) => [r.channel, r.outcome])).toEqual([
      ['email', 'sent'],
      ['slack', 'sent'],
      ['chatbot', 'sent'],
      ['securityhub', 'sent'],
    ]);
    expect(sent.map((m) => [m.channel, m.kind, m.owner, m.eventId])).toEqual([
      ['email', 'opened', 'nlp', t.eventId],
      ['slack', 'opened', 'nlp', t.eventId],
      ['chatbot', 'opened', 'nlp', t.eventId],
      ['securityhub', 'opened', 'nlp', t.eventId],
    ]);
  });

  it('sends nothing new for a repeated delivery', async () => {
    // Prepare
    const t = openedTransition();
    const { deps, sent } = await setup(t.record);
    await notifyTransition(t, deps);
    // Act
    const again = await notifyTransition(structuredClone(t), deps);
    // Assess
    expect(sent).toHaveLength(4);
    expect(again.every((r) => r.outcome === 'duplicate')).toBe(true);
  });

  it('sends nothing for a bus event the stored record does not support (neither its current transition nor in its history)', async () => {
    // Prepare
    const opened = openedTransition();
    const resolved = nextTransition(opened, 'resolved', 1);
    const { deps, sent, records } = await setup(resolved.record);
    const store = { getRecord: async (id: string) => records.get(id), historyNear: async () => [] };
    // Act
    const out = await notifyBusEvent(
      { source: 'tpguard', 'detail-type': 'Drift Opened', detail: opened },
      { ...deps, store },
    );
    // Assess
    expect(sent).toEqual([]);
    expect(out.results).toEqual([]);
    expect(out.unsupported).toContain(`has no opened transition by event ${opened.eventId}`);
  });

  it('throws when a channel fails, and the retry sends only that channel', async () => {
    // Prepare
    const t = openedTransition();
    const { deps, sent, fail } = await setup(t.record);
    fail.add('slack');
    // Act
    const first = await notifyTransition(t, deps).catch((err: unknown) => err);
    fail.clear();
    const retry = await notifyTransition(t, deps);
    // Assess
    expect(first).toBeInstanceOf(DeliveryFailedError);
    expect((first as Error).message).toContain('slack is down');
    expect(retry.map((r) => [r.channel, r.outcome])).toEqual([
      ['email', 'duplicate'],
      ['slack', 'sent'],
      ['chatbot', 'duplicate'],
      ['securityhub', 'duplicate'],
    ]);
    expect(sent.filter((m) => m.channel === 'slack')).toHaveLength(1);
    expect(sent).toHaveLength(4);
  });

  it('sets the SNS owner attribute to the recipient, so the default owners receive escalations', async () => {
    // Prepare
    const t = { ...openedTransition(), kind: 'escalated' as const };
    const { deps, sent } = await setup(t.record);
    // Act
    await notifyTransition(t, deps);
    // Assess
    const email = sent.find((m) => m.channel === 'email')!;
    expect(email.to).toEqual(['ml-security@example.com']);
    expect((email.payload as { attributes: Record<string, string> }).attributes).toMatchObject({
      owner: 'default',
      transition: 'escalated',
    });
  });
});

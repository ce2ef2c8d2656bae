import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDriftStore } from '../../../../shared/adapters/aws/dynamodb-drift-store.js';
import type { LocalTable } from '../../../../shared/adapters/local/index.js';
import { openTestTable } from '../../../helpers/dynamodb.js';
import { DynamoNotificationLedger } from '../../../../shared/adapters/aws/notification-ledger.js';
import { transitionKey } from '../../../../shared/drift/index.js';
import type { DriftTransition } from '../../../../shared/drift/index.js';
import { positionOf, type LedgerSlot } from '../../../../shared/notify/index.js';
import { guardFor } from '../../../../shared/notify/index.js';
import { driveHistory, freshFacts } from '../../notify/drift-history.js';

let table: LocalTable;
let store: DynamoDriftStore;
let ledger: DynamoNotificationLedger;
const LEASE = 60_000;
const NOW = new Date('2026-11-02T12:00:00Z');

beforeAll(async () => {
  table = await openTestTable(); // dynalite in memory, or TPGUARD_TEST_DYNAMODB_ENDPOINT
  store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
  ledger = new DynamoNotificationLedger(table.doc, table.tableName);
});
afterAll(async () => {
  await table.close();
});

const slotOf = (t: DriftTransition, channel: 'email' | 'slack' = 'email'): LedgerSlot => ({
  scope: 'drift',
  driftId: t.record.driftId,
  channel,
  key: transitionKey(t),
  guard: guardFor(t),
});

describe('Class: DynamoNotificationLedger', () => {
  it('claims a transition once, records it in the notified map of the drift item, then answers duplicate', async () => {
    // Prepare
    const [opened] = await driveHistory(store, freshFacts(), ['violation']);
    const slot = slotOf(opened!);
    // Act
    const first = await ledger.claim(slot, NOW, LEASE);
    await ledger.confirm(slot, NOW);
    const second = await ledger.claim(slot, NOW, LEASE);
    // Assess
    expect([first, second]).toEqual(['claimed', 'duplicate']);
    const item = (
      await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: `DRIFT#${opened!.record.driftId}`, sk: 'STATE' } }),
      )
    ).Item!;
    expect(item.notified[`email#opened#${opened!.eventId}`]).toEqual({
      status: 'sent',
      claimedAt: NOW.toISOString(),
      sentAt: NOW.toISOString(),
    });
    expect(item.status).toBe('open');
  });

  it('keeps channels apart: the same transition is claimed once per channel', async () => {
    // Prepare
    const [opened] = await driveHistory(store, freshFacts(), ['violation']);
    await ledger.claim(slotOf(opened!, 'email'), NOW, LEASE);
    // Act
    const slack = await ledger.claim(slotOf(opened!, 'slack'), NOW, LEASE);
    // Assess
    expect(slack).toBe('claimed');
  });

  it('answers stale for a transition the record has moved past, and claims the current one', async () => {
    // Prepare
    const [opened, resolved] = await driveHistory(store, freshFacts(), ['violation', 'fix']);
    // Act
    const late = await ledger.claim(slotOf(opened!), NOW, LEASE);
    const current = await ledger.claim(slotOf(resolved!), NOW, LEASE);
    // Assess
    expect(resolved!.kind).toBe('resolved');
    expect([late, current]).toEqual(['stale', 'claimed']);
  });

  it('claims a transition newer than anything the record has seen', async () => {
    // Prepare
    const [opened] = await driveHistory(store, freshFacts(), ['violation']);
    const newer: DriftTransition = {
      ...opened!,
      kind: 'resolved',
      eventId: 'e-from-the-future',
      eventTime: '2026-11-02T11:00:00.000Z',
    };
    // Act
    const outcome = await ledger.claim(slotOf(newer), NOW, LEASE);
    // Assess
    expect(positionOf(newer).eventTime > opened!.record.lastSeen).toBe(true);
    expect(outcome).toBe('claimed');
  });

  it('answers missing when there is no drift item', async () => {
    // Prepare
    const [opened] = await driveHistory(store, freshFacts(), ['violation']);
    const ghost = { ...slotOf(opened!), driftId: 'd-00000000000000000000' };
    // Act
    const outcome = await ledger.claim(ghost, NOW, LEASE);
    // Assess
    expect(outcome).toBe('missing');
  });

  it('answers in-flight during a live claim, lets a released claim be taken again, and takes over an abandoned one after the lease', async () => {
    // Prepare
    const [opened] = await driveHistory(store, freshFacts(), ['violation']);
    const slot = slotOf(opened!);
    await ledger.claim(slot, NOW, LEASE);
    // Act
    const during = await ledger.claim(slot, new Date(NOW.getTime() + 1_000), LEASE);
    await ledger.release(slot);
    const afterRelease = await ledger.claim(slot, new Date(NOW.getTime() + 2_000), LEASE);
    const afterLease = await ledger.claim(slot, new Date(NOW.getTime() + 2_000 + LEASE + 1), LEASE);
    // Assess
    expect([during, afterRelease, afterLease]).toEqual(['in-flight', 'claimed', 'claimed']);
  });

  it('escalates only while the drift is still open in the same episode', async () => {
    // Prepare
    const facts = freshFacts();
    const [opened] = await driveHistory(store, facts, ['violation']);
    const escalation: DriftTransition = {
      kind: 'escalated',
      eventId: opened!.eventId,
      eventTime: '2026-11-03T12:00:00.000Z',
      record: opened!.record,
    };
    const claimedWhileOpen = await ledger.claim(slotOf(escalation), NOW, LEASE);
    const [resolved] = await driveHistory(store, facts, ['fix'], 1);
    // Act
    const afterResolution = await ledger.claim(slotOf(escalation, 'slack'), NOW, LEASE);
    // Assess
    expect(resolved?.kind).toBe('resolved');
    expect([claimedWhileOpen, afterResolution]).toEqual(['claimed', 'stale']);
  });

  it('claims a digest once per owner, channel and day', async () => {
    // Prepare
    const slot: LedgerSlot = { scope: 'digest', day: '2026-11-02', owner: 'vision', channel: 'email' };
    // Act
    const first = await ledger.claim(slot, NOW, LEASE);
    await ledger.confirm(slot, NOW);
    const again = await ledger.claim(slot, NOW, LEASE);
    const nextDay = await ledger.claim({ ...slot, day: '2026-11-03' }, NOW, LEASE);
    // Assess
    expect([first, again, nextDay]).toEqual(['claimed', 'duplicate', 'claimed']);
    const item = (
      await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: 'DIGEST#2026-11-02', sk: 'email#vision' } }),
      )
    ).Item!;
    expect(item.expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 30 * 86_400);
  });
});

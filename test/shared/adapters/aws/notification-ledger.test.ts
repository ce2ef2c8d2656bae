import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDriftStore } from '../../../../shared/adapters/aws/dynamodb-drift-store.js';
import type { LocalTable } from '../../../../shared/adapters/local/index.js';
import { openTestTable } from '../../../helpers/dynamodb.js';
import { DynamoNotificationLedger } from '../../../../shared/adapters/aws/notification-ledger.js';
import type { DriftTransition } from '../../../../shared/drift/index.js';
import { type LedgerSlot, ledgerKeyOf } from '../../../../shared/notify/index.js';
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
  key: ledgerKeyOf(t),
});

describe('Class: DynamoNotificationLedger', () => {
  it('claims a transition once, in its own ledger item beside the drift record (with a TTL), then answers duplicate', async () => {
    // Prepare
    const [opened] = await driveHistory(store, freshFacts(), ['violation']);
    const slot = slotOf(opened!);
    // Act
    const first = await ledger.claim(slot, NOW, LEASE);
    await ledger.confirm(slot, NOW);
    const second = await ledger.claim(slot, NOW, LEASE);
    // Assess
    expect([first, second]).toEqual(['claimed', 'duplicate']);
    const key = { pk: `DRIFT#${opened!.record.driftId}`, sk: `N#email#opened#${opened!.eventId}` };
    const item = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item!;
    expect(item).toMatchObject({ status: 'sent', claimedAt: NOW.toISOString(), sentAt: NOW.toISOString() });
    expect(item.expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 400 * 86_400);
    const record = (
      await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: `DRIFT#${opened!.record.driftId}`, sk: 'STATE' } }),
      )
    ).Item!;
    expect(record.notified).toBeUndefined();
    expect(record.status).toBe('open');
    expect((await store.listHistory(opened!.record.driftId)).map((h) => h.eventId)).toEqual([opened!.eventId]);
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

  it('keys an opening by its event whether it was published as opened or reopened', async () => {
    // Prepare
    const [opened] = await driveHistory(store, freshFacts(), ['violation']);
    await ledger.claim(slotOf(opened!), NOW, LEASE);
    await ledger.confirm(slotOf(opened!), NOW);
    // Act
    const again = await ledger.claim(slotOf({ ...opened!, kind: 'reopened' }), NOW, LEASE);
    // Assess
    expect(again).toBe('duplicate');
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

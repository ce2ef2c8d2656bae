import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDriftStore } from '../../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../../shared/adapters/local/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import { DynamoNotificationLedger } from '../../../shared/adapters/aws/index.js';
import type { DriftTransition } from '../../../shared/drift/index.js';
import { intentOf, recordFinding } from '../../../shared/drift/index.js';
import { DeliveryFailedError, DeliveryInFlightError } from '../../../shared/notify/errors.js';
import { notifyTransition, type NotifierDeps } from '../../../shared/notify/notifier.js';
import { driveHistory, freshFacts, type Step } from './drift-history.js';
import { clockAt, recordingDispatcher, shippedCatalog, shippedConfig } from './support.js';

const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize: (item: Record<string, unknown>) => number;
};

/** The drift item's size as DynamoDB counts it (raw attribute values, as stored). */
async function itemSize(driftId: string): Promise<number> {
  const out = await table.doc.send(
    new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: `DRIFT#${driftId}` }, sk: { S: 'STATE' } } }),
  );
  return dynaliteDb.itemSize(out.Item!);
}

let table: LocalTable;
let store: DynamoDriftStore;

beforeAll(async () => {
  table = await openTestTable(); // dynalite in memory, or TPGUARD_TEST_DYNAMODB_ENDPOINT
  store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
});
afterAll(async () => {
  await table.close();
});

async function notifierOn(): Promise<{ deps: NotifierDeps; sent: ReturnType<typeof recordingDispatcher>['sent'] }> {
  const { dispatcher, sent } = recordingDispatcher(['email', 'slack']);
  const deps: NotifierDeps = {
    ledger: new DynamoNotificationLedger(table.doc, table.tableName),
    dispatcher,
    catalog: await shippedCatalog(),
    config: shippedConfig(),
    clock: clockAt('2026-11-02T12:00:00Z'),
  };
  return { deps, sent };
}

/** Sent (channel, transition) pairs, counted. */
function tally(sent: ReturnType<typeof recordingDispatcher>['sent']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sent)
    counts.set(`${m.channel}#${m.kind}#${m.eventId}`, (counts.get(`${m.channel}#${m.kind}#${m.eventId}`) ?? 0) + 1);
  return counts;
}

const histories = fc
  .array(fc.constantFrom<Step>('violation', 'fix'), { minLength: 1, maxLength: 6 })
  .filter((s) => s[0] === 'violation');

/** A run: the history's observations recorded in order, deliveries of any transition published so far (repeated, late, shuffled) in between. */
type Op = { op: 'record' } | { op: 'deliver'; pick: number };
const schedules = histories.chain((history) =>
  fc.tuple(
    fc.constant(history),
    fc
      .array(fc.nat(50), { maxLength: 3 * history.length })
      .chain((picks) =>
        fc.shuffledSubarray<Op>(
          [...history.map((): Op => ({ op: 'record' })), ...picks.map((pick): Op => ({ op: 'deliver', pick }))],
          { minLength: history.length + picks.length, maxLength: history.length + picks.length },
        ),
      ),
  ),
);

describe('Function: notifyTransition (ledger on embedded DynamoDB)', () => {
  it('never sends a transition twice on a channel, and sends the current one exactly once, whatever the order and duplicates', async () => {
    const { deps, sent } = await notifierOn();
    await fc.assert(
      fc.asyncProperty(schedules, async ([history, ops]) => {
        // Prepare
        sent.length = 0;
        const facts = freshFacts();
        const published: DriftTransition[] = [];
        let recorded = 0;
        // Act
        for (const o of ops) {
          if (o.op === 'record')
            published.push(...(await driveHistory(store, facts, [history[recorded]!], recorded++)));
          else if (published.length > 0)
            await notifyTransition(structuredClone(published[o.pick % published.length]!), deps);
        }
        const current = published[published.length - 1]!;
        await notifyTransition(structuredClone(current), deps); // the bus delivers every transition at least once
        // Assess
        const counts = tally(sent);
        expect([...counts.values()].every((n) => n === 1)).toBe(true);
        expect(counts.get(`email#${current.kind}#${current.eventId}`)).toBe(1);
        expect(counts.get(`slack#${current.kind}#${current.eventId}`)).toBe(1);
      }),
      { numRuns: 30 },
    );
  });

  it('never sends twice when duplicates arrive at the same time; the losers are told to retry and then find it sent', async () => {
    const { deps, sent } = await notifierOn();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), async (copies) => {
        // Prepare
        sent.length = 0;
        const [opened] = await driveHistory(store, freshFacts(), ['violation']);
        const batch: DriftTransition[] = Array.from({ length: copies }, () => structuredClone(opened!));
        // Act
        const settled = await Promise.allSettled(batch.map((t) => notifyTransition(t, deps)));
        const losers = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
        const retried = await Promise.all(losers.map(() => notifyTransition(structuredClone(opened!), deps)));
        // Assess
        for (const l of losers) {
          expect(l.reason).toBeInstanceOf(DeliveryFailedError);
          expect((l.reason as DeliveryFailedError).failures.every((f) => f instanceof DeliveryInFlightError)).toBe(
            true,
          );
        }
        expect(retried.flat().every((r) => r.outcome === 'duplicate')).toBe(true);
        expect([...tally(sent).entries()]).toEqual([
          [`email#opened#${opened!.eventId}`, 1],
          [`slack#opened#${opened!.eventId}`, 1],
        ]);
      }),
      { numRuns: 10 },
    );
  });

  it('sends nothing the second time the same transitions are delivered', async () => {
    // Prepare
    const { deps, sent } = await notifierOn();
    const facts = freshFacts();
    const transitions: DriftTransition[] = [];
    for (const [i, step] of (['violation', 'fix', 'violation'] as const).entries()) {
      const [t] = await driveHistory(store, facts, [step], i);
      transitions.push(t!);
      await notifyTransition(structuredClone(t!), deps);
    }
    const firstRun = sent.length;
    // Act
    for (const t of transitions) await notifyTransition(structuredClone(t), deps);
    // Assess
    expect(transitions.map((t) => t.kind)).toEqual(['opened', 'resolved', 'reopened']);
    expect(firstRun).toBe(6);
    expect(sent).toHaveLength(6);
  });

  it('keeps the drift item the same size however often the drift flaps (attack 24: the ledger is not on the item)', async () => {
    // Prepare
    const { deps, sent } = await notifierOn();
    const facts = freshFacts();
    const sizes: number[] = [];
    // Act: 120 flaps (opened, resolved, reopened, ...), each transition notified on email and Slack
    for (let i = 0; i < 120; i++) {
      const verdict = i % 2 === 0 ? 'violation' : 'pass';
      const { transition: t } = await recordFinding(
        store,
        {
          facts,
          intent: intentOf(verdict, true),
          verdict,
          eventId: `flap-${i}`,
          eventTime: new Date(Date.parse('2026-11-02T00:00:00Z') + i * 60_000).toISOString(),
          source: 'cloudtrail',
        },
        '2026-11-02T12:00:00.000Z',
      );
      await notifyTransition(structuredClone(t!), deps);
      if (i === 19 || i === 119) sizes.push(await itemSize(facts.driftId));
    }
    // Assess: DynamoDB's own size rule (dynalite's itemSize), limit 409,600 bytes
    expect(sent).toHaveLength(240);
    expect(sizes[1]).toBeLessThanOrEqual(sizes[0]! + 16);
    expect(sizes[1]).toBeLessThan(4096);
  }, 120_000);
});

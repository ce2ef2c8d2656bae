import { describe, expect, it } from 'vitest';
import { LocalBus, LocalBusPublisher, TRANSITION_PATTERN } from '../../../../shared/adapters/local/bus.js';
import type { DriftTransition } from '../../../../shared/drift/index.js';
import { type BusEnvelope, envelopeOf } from '../../../../shared/sources/index.js';
import { intake } from '../../../../shared/sources/index.js';
import { generatePatterns } from '../../../../shared/policy/index.js';
import { loadPolicyPack } from '../../../../shared/policy/index.js';
import { FIXTURE_POLICIES, fixtureEvent } from '../../ingest/ingest-fixture.js';

const transition: DriftTransition = {
  kind: 'resolved',
  eventId: 'e-1',
  eventTime: '2026-11-02T10:30:00.000Z',
  record: {
    driftId: 'd-00000000000000000001',
    account: '111122223333',
    region: 'eu-west-1',
    resourceType: 's3-bucket',
    resourceId: 'ml-training-x',
    ruleId: 'TPS-S3-04',
    title: 'Versioning suspended',
    severity: 'high',
    area: 's3',
    status: 'resolved',
    lastSeen: '2026-11-02T10:30:00.000Z',
    occurrences: 1,
    lastEventId: 'e-1',
    packVersion: 'p',
  },
};

describe('Class: LocalBus', () => {
  it('delivers an event to every subscriber whose pattern matches, in subscription order', async () => {
    // Prepare
    const bus = new LocalBus();
    const seen: string[] = [];
    bus.subscribe({ source: ['tpguard'], 'detail-type': ['Drift Resolved'] }, () => void seen.push('resolved-only'));
    bus.subscribe(TRANSITION_PATTERN, () => void seen.push('all-transitions'));
    bus.subscribe({ source: ['aws.s3'] }, () => void seen.push('aws'));
    // Act
    await new LocalBusPublisher(bus).publish([transition]);
    // Assess
    expect(seen).toEqual(['resolved-only', 'all-transitions']);
  });

  it('keeps delivering when a subscriber fails, and reports the failure', async () => {
    // Prepare
    const bus = new LocalBus();
    const seen: string[] = [];
    const errors: string[] = [];
    bus.onError((e) => errors.push(`${e.subscriber}: ${e.error}`));
    bus.subscribe(TRANSITION_PATTERN, () => Promise.reject(new Error('webhook down')), 'notifier');
    bus.subscribe(TRANSITION_PATTERN, () => void seen.push('console'), 'console');
    // Act
    await new LocalBusPublisher(bus).publish([transition]);
    // Assess
    expect(seen).toEqual(['console']);
    expect(errors).toEqual(['notifier: webhook down']);
  });

  it('stops delivering after unsubscribe', async () => {
    // Prepare
    const bus = new LocalBus();
    let calls = 0;
    const off = bus.subscribe(TRANSITION_PATTERN, () => void calls++);
    off();
    // Act
    const { matched } = await new LocalBusPublisher(bus)
      .publish([transition])
      .then(() => bus.put({ source: 'tpguard' } as BusEnvelope));
    // Assess
    expect([calls, matched]).toEqual([0, 0]);
  });

  it('routes raw records with the same generated patterns as EventBridge once wrapped like EventBridge', async () => {
    // Prepare
    const patterns = generatePatterns(await loadPolicyPack(FIXTURE_POLICIES));
    const bus = new LocalBus();
    const routed: string[] = [];
    for (const p of patterns) bus.subscribe(p.pattern, () => void routed.push(p.target));
    const raw = (fixtureEvent('ct-versioning-suspended.json') as { detail: Record<string, unknown> }).detail;
    const [item] = [...intake({ Records: [raw] }, 'trail.json')];
    // Act
    if (!item?.ok) throw new Error('fixture did not normalize');
    await bus.put(envelopeOf(item.observation));
    await bus.put(fixtureEvent('ct-unrelated.json') as unknown as BusEnvelope);
    // Assess
    expect(routed).toEqual(['cloudtrail']);
  });
});

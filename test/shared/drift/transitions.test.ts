import { describe, expect, it } from 'vitest';
import { intentOf, isAfter, nextStatus, transitionOf } from '../../../shared/drift/transitions.js';
import { driftIdOf, isDriftId } from '../../../shared/drift/id.js';

describe('Function: intentOf', () => {
  it('maps verdicts, resolve conditions and exceptions to intents', () => {
    // Act + Assess
    expect(intentOf('violation', false)).toBe('violation');
    expect(intentOf('violation', false, 'EX-1')).toBe('suppress');
    expect(intentOf('pass', true)).toBe('resolve');
    expect(intentOf('pass', false)).toBe('observe');
  });
});

describe('Function: nextStatus', () => {
  it('opens, suppresses, resolves drift and keeps a resource never out of policy compliant', () => {
    // Act + Assess
    expect(nextStatus(undefined, 'violation')).toBe('open');
    expect(nextStatus('open', 'suppress')).toBe('suppressed');
    expect(nextStatus('open', 'resolve')).toBe('resolved');
    expect(nextStatus('suppressed', 'resolve')).toBe('resolved');
    expect(nextStatus(undefined, 'resolve')).toBe('compliant');
    expect(nextStatus('compliant', 'resolve')).toBe('compliant');
  });
});

describe('Function: transitionOf', () => {
  it('names each change once and no change as none', () => {
    // Act + Assess
    expect(transitionOf(undefined, 'open')).toBe('opened');
    expect(transitionOf('compliant', 'open')).toBe('opened');
    expect(transitionOf('resolved', 'open')).toBe('reopened');
    expect(transitionOf('suppressed', 'open')).toBe('reopened');
    expect(transitionOf('open', 'suppressed')).toBe('suppressed');
    expect(transitionOf('open', 'resolved')).toBe('resolved');
    expect(transitionOf('open', 'open')).toBeUndefined();
    expect(transitionOf(undefined, 'compliant')).toBeUndefined();
  });
});

describe('Function: isAfter', () => {
  it('orders by event time, then by intent (a violation wins a tie: fail closed), then by event id', () => {
    // Act + Assess
    expect(
      isAfter(
        { eventTime: '2026-11-02T10:00:01.000Z', eventId: 'a', intent: 'resolve' },
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'z', intent: 'violation' },
      ),
    ).toBe(true);
    expect(
      isAfter(
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'a', intent: 'violation' },
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'z', intent: 'resolve' },
      ),
    ).toBe(true);
    expect(
      isAfter(
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'a', intent: 'unverifiable' },
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'z', intent: 'resolve' },
      ),
    ).toBe(true);
    expect(
      isAfter(
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'b', intent: 'violation' },
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'a', intent: 'violation' },
      ),
    ).toBe(true);
    expect(
      isAfter(
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'a', intent: 'violation' },
        { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'a', intent: 'violation' },
      ),
    ).toBe(false);
  });
});

describe('Function: driftIdOf', () => {
  it('is stable for the same key and differs when any part differs', () => {
    // Prepare
    const key = {
      account: '111122223333',
      region: 'eu-west-1',
      resourceType: 's3-bucket',
      resourceId: 'ml-training-data',
      ruleId: 'TPS-S3-04',
    };
    // Act
    const id = driftIdOf(key);
    // Assess
    expect(id).toBe(driftIdOf({ ...key }));
    expect(isDriftId(id)).toBe(true);
    for (const field of Object.keys(key) as (keyof typeof key)[])
      expect(driftIdOf({ ...key, [field]: `${key[field]}x` })).not.toBe(id);
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    expect(driftIdOf({ ...key, account: '1', region: '23' })).not.toBe(
      driftIdOf({ ...key, account: '12', region: '3' }),
    );
  });
});

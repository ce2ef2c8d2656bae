import { describe, expect, it } from 'vitest';
import { groupBusEvent, MAX_GROUP_SIZE, transitionGroups } from '../../../shared/drift/groups.js';
import type { DriftTransition } from '../../../shared/drift/types.js';

function transition(i: number, eventId: string, owner?: string): DriftTransition {
  return {
    kind: 'opened',
    eventId,
    eventTime: '2026-11-02T10:00:00.000Z',
    record: {
      driftId: `d-${i}`,
      account: '111122223333',
      region: 'eu-west-1',
      resourceType: 'sagemaker-training-job',
      resourceId: 'job',
      ruleId: `TPS-SM-${i}`,
      title: 't',
      severity: 'high',
      area: 'sagemaker',
      status: 'open',
      lastSeen: '2026-11-02T10:00:00.000Z',
      occurrences: 1,
      lastEventId: eventId,
      packVersion: 'p',
      ...(owner ? { owner } : {}),
    },
  };
}

describe('Function: transitionGroups', () => {
  it('groups the transitions of one publish by causing event and owner, in first-seen order', () => {
    // Prepare
    const ts = [
      transition(1, 'e1', 'nlp'),
      transition(2, 'e1', 'vision'),
      transition(3, 'e1', 'nlp'),
      transition(4, 'e2', 'nlp'),
      { ...transition(5, 'e1'), republished: true, late: true },
    ];
    // Act
    const groups = transitionGroups(ts);
    // Assess
    expect(groups.map((g) => [g.eventId, g.owner, g.transitions.map((t) => t.driftId)])).toEqual([
      ['e1', 'nlp', ['d-1', 'd-3']],
      ['e1', 'vision', ['d-2']],
      ['e2', 'nlp', ['d-4']],
      ['e1', 'default', ['d-5']],
    ]);
    expect(groups[3]!.transitions[0]).toEqual({
      driftId: 'd-5',
      kind: 'opened',
      eventId: 'e1',
      eventTime: '2026-11-02T10:00:00.000Z',
      ruleId: 'TPS-SM-5',
      severity: 'high',
      republished: true,
      late: true,
    });
  });

  it('splits a group larger than MAX_GROUP_SIZE, losing none', () => {
    // Prepare
    const ts = Array.from({ length: 2 * MAX_GROUP_SIZE + 7 }, (_, i) => transition(i, 'e1', 'nlp'));
    // Act
    const groups = transitionGroups(ts);
    // Assess
    expect(groups.map((g) => g.transitions.length)).toEqual([MAX_GROUP_SIZE, MAX_GROUP_SIZE, 7]);
    expect(groups.flatMap((g) => g.transitions.map((t) => t.driftId))).toEqual(ts.map((t) => t.record.driftId));
  });

  it('makes a Drift Transitions bus event naming the transitions, without records or evidence', () => {
    // Act
    const e = groupBusEvent(transitionGroups([{ ...transition(1, 'e1', 'nlp'), evidence: { secret: 'x' } }])[0]!);
    // Assess
    expect(e).toMatchObject({ source: 'tpguard', detailType: 'Drift Transitions', time: '2026-11-02T10:00:00.000Z' });
    expect(JSON.stringify(e.detail)).not.toContain('evidence');
    expect(JSON.stringify(e.detail)).not.toContain('record');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { driftActivity, replayTransitions } from '../../../shared/review/activity.js';
import type { DriftFacts } from '../../../shared/review/ports.js';

const FACTS = JSON.parse(readFileSync(new URL('./fixtures/facts.json', import.meta.url), 'utf8')) as DriftFacts;
const Q1 = ['2027-01-01T00:00:00.000Z', '2027-04-01T00:00:00.000Z'] as const;

describe('Function: replayTransitions', () => {
  it('derives the transitions the store made, in event order, whatever order history arrives in', () => {
    // Prepare
    const shuffled = structuredClone(FACTS.history).reverse();

    // Act
    const kinds = replayTransitions(shuffled)
      .filter((t) => t.driftId === 'd-s3')
      .map((t) => `${t.at.slice(0, 10)} ${t.kind}`);

    // Assess: a repeated violation and an observation make no transition; the operator entry keeps its own
    expect(kinds).toEqual(['2027-01-10 opened', '2027-01-12 resolved', '2027-03-01 reopened', '2027-03-20 resolved']);
  });
});

describe('Function: driftActivity', () => {
  it('counts drift opened and resolved in the window, and the time to resolve', () => {
    // Act
    const a = driftActivity(structuredClone(FACTS), ...Q1);

    // Assess: d-old was resolved in the window but opened before it (3 days = 72 h)
    expect(a.opened.map((o) => `${o.driftId} ${o.kind}`)).toEqual(['d-s3 opened', 'd-sm opened', 'd-s3 reopened']);
    expect(a.resolved.map((r) => [r.driftId, r.hours])).toEqual([
      ['d-old', 72],
      ['d-s3', 54],
      ['d-s3', 456],
    ]);
    expect(a.meanTimeToResolveHours).toBe(194);
    expect(a.openBySeverity).toEqual({ high: 1 });
    expect(a.violationsByRule).toEqual(
      new Map([
        ['TPS-S3-90', 2],
        ['TPS-SM-90', 1],
      ]),
    );
    expect(a.eventsEvaluated).toBe(7); // the operator entry is not an event
    expect(a.packVersions).toEqual(['p0', 'p1']);
  });

  it('limits everything to the records a task covers', () => {
    // Act
    const a = driftActivity(structuredClone(FACTS), ...Q1, (r) => r.area === 'sagemaker');

    // Assess
    expect(a.opened).toHaveLength(1);
    expect(a.resolved).toEqual([]);
    expect(a.meanTimeToResolveHours).toBeUndefined();
  });
});

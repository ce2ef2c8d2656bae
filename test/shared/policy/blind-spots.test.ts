import { describe, expect, it } from 'vitest';
import { stepsSpent } from '../../../shared/kernel/index.js';
import { eventView } from '../../../shared/policy/blind-spots.js';

type Json = Record<string, any>;

/** `{ next: { next: ... } }` holding `leaf` `levels` containers down. */
function nested(levels: number, leaf: unknown = 'x'): Json {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = { next: v };
  return v as Json;
}

const spotsOf = (detail: Json) => eventView(detail, detail, 8, false).spots.map((s) => `${s.why} ${s.path.join('.')}`);

describe('Function: eventView', () => {
  it('finds no blind spot in a plain event, and walks each of its containers once (one step each)', () => {
    // Prepare
    const detail = { eventName: 'PutX', requestParameters: { a: [{ b: 1 }, 'c', null], omitted: false }, x: null };
    const before = stepsSpent();

    // Act
    const view = eventView(detail, detail, 8, false);

    // Assess
    expect(view.spots).toEqual([]);
    expect(view.detail).toBe(detail);
    expect(stepsSpent() - before).toBe(4); // detail, requestParameters, a, a[0]
  });

  it('names truncated fields under the request and response only, and subtrees deeper than the limit, last first', () => {
    // Prepare
    const detail = {
      requestParameters: { policy: { omitted: true, originalSize: 9000 }, list: [{}, nested(9)] },
      responseElements: { omitted: true },
      additionalEventData: { omitted: true },
      deep: nested(8),
    };

    // Act
    const spots = spotsOf(detail);
    const view = eventView(detail, detail, 8, false);

    // Assess
    expect(spots).toEqual([
      'too-deep deep.next.next.next.next.next.next.next',
      'truncated responseElements',
      'too-deep requestParameters.list.1.next.next.next.next.next',
      'truncated requestParameters.policy',
    ]);
    expect((view.detail.deep as Json).next.next.next.next.next.next.next).toBeNull();
    expect(detail.deep.next.next.next.next.next.next.next).not.toBeNull();
  });

  it('judges a marker or a depth exactly at the limit as the walk always did', () => {
    // Act
    const atLimit = spotsOf({ a: nested(7) });
    const overLimit = spotsOf({ a: nested(8) });
    const markerAtRoot = spotsOf({ omitted: true, requestParameters: {} });
    const markerInList = spotsOf({ requestParameters: { items: [{ omitted: true }] } });

    // Assess
    expect(atLimit).toEqual([]);
    expect(overLimit).toEqual(['too-deep a.next.next.next.next.next.next.next']);
    expect(markerAtRoot).toEqual([]);
    expect(markerInList).toEqual(['truncated requestParameters.items.0']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonDocumentSplitter, type SplitPart } from '../../../shared/events/json-splitter.js';

/** Feeds `text` in pieces cut at `cuts` and returns every part. */
function split(text: string, cuts: number[] = [], limits = {}): SplitPart[] {
  const splitter = new JsonDocumentSplitter(limits);
  const parts: SplitPart[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].filter((c) => c > 0 && c < text.length).sort((a, b) => a - b)) {
    parts.push(...splitter.push(text.slice(from, cut)));
    from = cut;
  }
  parts.push(...splitter.push(text.slice(from)));
  parts.push(...splitter.end());
  return parts;
}

const items = (parts: SplitPart[]) => parts.map((p) => (p.kind === 'item' ? JSON.parse(p.text) : p));

describe('Function: JsonDocumentSplitter', () => {
  it('streams the elements of a top-level array', () => {
    // Act
    const parts = split(' [ {"a": "]}[{"}, 2, "x,y", null, [1, [2]] ]\n');

    // Assess
    expect(parts.every((p) => p.kind === 'item' && p.container === 'array')).toBe(true);
    expect(items(parts)).toEqual([{ a: ']}[{' }, 2, 'x,y', null, [1, [2]]]);
    expect(parts.map((p) => p.kind === 'item' && p.index)).toEqual([0, 1, 2, 3, 4]);
  });

  it('streams the Records of a CloudTrail log file and ignores its other keys', () => {
    // Act
    const parts = split(
      '{"Owner": {"Records": [9]}, "Records": [{"eventID": "1", "s": "\\"Records\\": ["}, {"eventID": "2"}], "x": 1}',
    );

    // Assess
    expect(parts.map((p) => p.kind === 'item' && p.container)).toEqual(['records', 'records']);
    expect(items(parts)).toEqual([{ eventID: '1', s: '"Records": [' }, { eventID: '2' }]);
  });

  it('hands back any other document whole', () => {
    // Prepare
    const text = '\uFEFF{"detail-type": "GuardDuty Finding", "detail": {"Records": [1]}}';

    // Act
    const parts = split(text, [3, 10]);

    // Assess
    expect(parts).toEqual([{ kind: 'document', text: text.slice(1) }]);
  });

  it('gives the element of a record completed in a chunk before the document ends', () => {
    // Prepare
    const splitter = new JsonDocumentSplitter();

    // Act
    const first = splitter.push('{"Records":[{"eventID":"1"},{"eventID":');

    // Assess
    expect(first).toEqual([{ kind: 'item', container: 'records', key: 'Records', index: 0, text: '{"eventID":"1"}' }]);
  });

  it('yields the same records whatever the chunk boundaries', () => {
    // Prepare
    const record = fc.record({
      eventID: fc.string(),
      n: fc.integer(),
      nested: fc.array(fc.oneof(fc.string(), fc.dictionary(fc.string(), fc.string()))),
    });
    const property = fc.property(
      fc.array(record, { maxLength: 8 }),
      fc.boolean(),
      fc.array(fc.nat(400)),
      (records, asLog, cuts) => {
        const text = JSON.stringify(asLog ? { Records: records } : records, null, cuts.length % 2 === 0 ? 0 : 2);

        // Act
        const parts = split(text, cuts);

        // Assess
        expect(parts.every((p) => p.kind === 'item')).toBe(true);
        expect(items(parts)).toEqual(records);
      },
    );
    fc.assert(property, { seed: 20261102, numRuns: 300 });
  });

  it('rejects an empty element, but keeps its neighbours', () => {
    // Act
    const parts = split('[{"a":1},,{"a":2},]');

    // Assess
    expect(items(parts)).toEqual([
      { a: 1 },
      { kind: 'error', index: 1, reason: 'invalid JSON: empty array element' },
      { a: 2 },
      { kind: 'error', index: 3, reason: 'invalid JSON: empty array element' },
    ]);
  });

  it('rejects a record over the size limit without holding it', () => {
    // Act
    const parts = split(`[{"a":"${'x'.repeat(100)}"},{"b":1}]`, [20, 40, 60], { maxRecord: 50 });

    // Assess
    expect(parts[0]).toMatchObject({ kind: 'error', index: 0, reason: expect.stringContaining('record too large') });
    expect(items(parts.slice(1))).toEqual([{ b: 1 }]);
  });

  it('refuses a document over the size limit with advice', () => {
    // Act
    const parts = split(`{"a":"${'x'.repeat(100)}"}`, [], { maxDocument: 50 });

    // Assess
    expect(parts).toEqual([{ kind: 'error', reason: expect.stringMatching(/^document too large .*NDJSON/) }]);
  });

  it('reports structural errors once and stops', () => {
    // Act
    const mismatched = split('[{"a":1}, {"b": 2]]');
    const truncated = split('{"Records":[{"a":1},{"b":');
    const trailing = split('[1] [2]');
    const empty = split('  \n');

    // Assess
    expect(mismatched.at(-1)).toEqual({ kind: 'error', reason: 'invalid JSON: unexpected "]" at character 17' });
    expect(truncated).toEqual([
      { kind: 'item', container: 'records', key: 'Records', index: 0, text: '{"a":1}' },
      { kind: 'error', reason: 'invalid JSON: unexpected end of document (3 unclosed brackets)' },
    ]);
    expect(trailing.at(-1)).toMatchObject({
      kind: 'error',
      reason: expect.stringContaining('unexpected content after the document at character 4'),
    });
    expect(empty).toEqual([{ kind: 'error', reason: 'invalid JSON: empty document' }]);
  });
});

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../../shared/events/line-splitter.js';
import { collect } from '../../helpers/fixtures.js';

const split = (chunks: string[]) => collect(splitLines(Readable.from(chunks, { objectMode: true })));

describe('Function: splitLines', () => {
  it('ends lines at LF and CRLF only, not at U+2028, U+2029 or a lone CR', async () => {
    // Prepare
    const text = 'a\u2028b\nc\u2029d\r\ne\rf\n';

    // Act
    const lines = await split([text]);

    // Assess
    expect(lines).toEqual(['a\u2028b', 'c\u2029d', 'e\rf']);
  });

  it('keeps empty lines and a last line without a line feed, and adds no line after a final one', async () => {
    // Act
    const lines = await split(['\nx\n\n', 'last']);
    const none = await split([]);
    const blank = await split(['\n']);

    // Assess
    expect(lines).toEqual(['', 'x', '', 'last']);
    expect(none).toEqual([]);
    expect(blank).toEqual(['']);
  });

  it('joins a line across chunks, and a CRLF split between two chunks', async () => {
    // Act
    const lines = await split(['ab', 'c\r', '\nd', 'e', 'f\r', '\n']);

    // Assess
    expect(lines).toEqual(['abc', 'def']);
  });

  it('gives back the lines written, wherever the chunks are cut (property)', async () => {
    // Prepare
    const lineArb = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\n') && !s.endsWith('\r'));
    const property = fc.asyncProperty(
      fc.array(lineArb, { minLength: 1, maxLength: 12 }),
      fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.boolean(),
      async (lines, crlf, cuts, finalBreak) => {
        // Prepare
        const text = lines
          .map((l, i) => (i < lines.length - 1 || finalBreak ? `${l}${crlf[i] ? '\r\n' : '\n'}` : l))
          .join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...points, text.length];
        const chunks = bounds.slice(1).map((end, i) => text.slice(bounds[i], end));

        // Act
        const out = await split(chunks.filter((c) => c.length > 0));

        // Assess
        const expected = finalBreak || lines.at(-1) !== '' ? lines : lines.slice(0, -1);
        expect(out).toEqual(expected);
      },
    );

    // Act & Assess
    await fc.assert(property);
  });
});

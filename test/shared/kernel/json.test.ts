import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeSyntaxError, jsonSyntaxErrorAt, parseJson } from '../../../shared/kernel/json.js';

describe('Function: parseJson', () => {
  it('says where the input stops being JSON and never quotes it (V8 echoed "DB_PASSWOR"...)', () => {
    // Act & Assess
    expect(() => parseJson('DB_PASSWORD=Sup3rS3cret!')).toThrow(/^invalid JSON at position 0 \(line 1 column 1\)$/);
    expect(() => parseJson('{"a": 1,\n "b": hunter2}')).toThrow(/^invalid JSON at position 15 \(line 2 column 7\)$/);
    expect(() => parseJson('{"a": [1, 2')).toThrow(/^invalid JSON at position 11 \(unexpected end of input\)$/);
  });
});

describe('Function: jsonSyntaxErrorAt', () => {
  it.each([
    ['{"a":1,}', 7],
    ['[1,]', 3],
    ['{"a":"x\u0001"}', 7],
    ['"\\q"', 2],
    ['01', 1],
    ['{} x', 3],
    ['', 0],
    ['nul', 0],
  ])('finds the error of %j at %i', (text, at) => {
    // Act & Assess
    expect(jsonSyntaxErrorAt(text)).toBe(at);
  });

  it('agrees with JSON.parse on what is JSON', () => {
    // Prepare
    const texts = fc.oneof(
      fc.json(),
      fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
      fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '1', 'a', ' ', '\\', 'n', 'u', '-', '.') }),
    );
    // Act & Assess
    fc.assert(
      fc.property(texts, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(jsonSyntaxErrorAt(text) === -1).toBe(valid);
      }),
      { seed: 13, numRuns: 2000 },
    );
  });

  it('handles nesting far beyond what recursion could', () => {
    // Act & Assess
    expect(jsonSyntaxErrorAt('['.repeat(200_000))).toBe(200_000);
    expect(describeSyntaxError(`${'['.repeat(100)}x`)).toBe('invalid JSON at position 100 (line 1 column 101)');
  });
});

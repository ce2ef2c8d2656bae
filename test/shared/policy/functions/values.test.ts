import { describe, expect, it } from 'vitest';
import { asList, parseJsonEntries, parseJsonValue } from '../../../../shared/policy/functions/values.js';

describe('Function: asList', () => {
  it('wraps the single object that XML-to-JSON logs for one element', () => {
    // Prepare
    const rule = { Status: 'Enabled' };

    // Act
    const list = asList(rule);

    // Assess
    expect(list).toEqual([{ Status: 'Enabled' }]);
  });

  it('keeps lists and turns null or absent into an empty list', () => {
    expect(asList([1, 2])).toEqual([1, 2]);
    expect(asList(null)).toEqual([]);
    expect(asList(undefined)).toEqual([]);
  });
});

describe('Function: parseJsonValue', () => {
  it('decodes a JSON string, a URL-encoded one and one encoded twice', () => {
    // Prepare
    const doc = { Version: '2012-10-17', Statement: [] };
    const plain = JSON.stringify(doc);

    // Act
    const values = [
      parseJsonValue(plain),
      parseJsonValue(encodeURIComponent(plain)),
      parseJsonValue(JSON.stringify(plain)),
    ];

    // Assess
    expect(values).toEqual([doc, doc, doc]);
  });

  it('returns text that is not JSON, and non-strings, unchanged', () => {
    expect(parseJsonValue('Enabled')).toBe('Enabled');
    expect(parseJsonValue('{not json')).toBe('{not json');
    expect(parseJsonValue(42)).toBe(42);
    expect(parseJsonValue(null)).toBeNull();
  });

  it('drops __proto__ keys of decoded documents', () => {
    // Act
    const value = parseJsonValue('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;

    // Assess
    expect(value).toEqual({ a: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Function: parseJsonEntries', () => {
  it('decodes JSON documents and leaves scalar strings as they are', () => {
    // Act
    const entries = parseJsonEntries({
      BucketVersioningConfiguration: '{"status":"Off"}',
      IsRequesterPaysEnabled: 'false',
    });

    // Assess
    expect(entries).toEqual({ BucketVersioningConfiguration: { status: 'Off' }, IsRequesterPaysEnabled: 'false' });
  });
});

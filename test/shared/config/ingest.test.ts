import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load.js';
import { FileLoadError } from '../../../shared/kernel/index.js';

function problem(yaml: string): string {
  try {
    parseConfig(yaml, 'tpguard.config.yaml');
  } catch (err) {
    if (err instanceof FileLoadError) return err.toLine();
    throw err;
  }
  return 'no error';
}

describe('Schema: ingest', () => {
  it('defaults the allowed clock skew to 15 minutes, so a configuration without the section loads', () => {
    // Act
    const config = parseConfig('scope: {}', 'tpguard.config.yaml');
    // Assess
    expect(config.ingest).toEqual({ maxFutureSkewMinutes: 15 });
  });

  it('reads the skew, and refuses one that is not a whole number of minutes between 1 and a day, or an unknown key', () => {
    // Act + Assess
    expect(parseConfig('ingest:\n  maxFutureSkewMinutes: 5', 'tpguard.config.yaml').ingest.maxFutureSkewMinutes).toBe(
      5,
    );
    expect(problem('ingest:\n  maxFutureSkewMinutes: 0')).toMatch(
      /^tpguard.config.yaml: ingest.maxFutureSkewMinutes: /,
    );
    expect(problem('ingest:\n  maxFutureSkewMinutes: 1441')).toMatch(/ingest.maxFutureSkewMinutes/);
    expect(problem('ingest:\n  maxFutureSkewMinutes: 2.5')).toMatch(/ingest.maxFutureSkewMinutes/);
    expect(problem('ingest:\n  maxFutureSkew: 5')).toBe('tpguard.config.yaml: unknown key ingest.maxFutureSkew');
  });
});

import { describe, expect, it } from 'vitest';
import { isSampleFinding } from '../../../../shared/policy/functions/guardduty.js';
import { loadJson, type Json } from '../../../helpers/fixtures.js';

describe('Function: isSampleFinding', () => {
  it('recognizes a sample finding', () => {
    // Prepare
    const finding = loadJson<Json>('events/guardduty/guardduty-object-s3-malicious-file-sample.json').detail;

    // Act + Assess
    expect(isSampleFinding(finding)).toBe(true);
  });

  it('recognizes the string and value forms of the sample flag', () => {
    expect(isSampleFinding({ service: { additionalInfo: { sample: 'true' } } })).toBe(true);
    expect(isSampleFinding({ service: { additionalInfo: { type: 'default', value: '{"sample":true}' } } })).toBe(true);
  });

  it('does not flag a real finding', () => {
    // Prepare
    const finding = loadJson<Json>('events/guardduty/guardduty-object-s3-malicious-file-violation.json').detail;

    // Act + Assess
    expect(isSampleFinding(finding)).toBe(false);
    expect(isSampleFinding({ service: { additionalInfo: { sample: false } } })).toBe(false);
    expect(isSampleFinding(undefined)).toBe(false);
  });
});

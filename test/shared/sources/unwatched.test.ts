import { describe, expect, it } from 'vitest';
import { intakeRecord, isUnwatchedCloudTrailRecord } from '../../../shared/sources/index.js';
import { loadJson } from '../../helpers/fixtures.js';

const record = () =>
  loadJson<{ detail: Record<string, unknown> }>('events/cloudtrail/cloudtrail-stop-logging-violation.json').detail;

/** What the predicate may be tried on: records intake normalizes, and every way one can fail to be one. */
const CASES: [string, () => unknown][] = [
  ['a CloudTrail record', record],
  ['no requestParameters', () => ({ ...record(), requestParameters: undefined })],
  ['null requestParameters', () => ({ ...record(), requestParameters: null })],
  ['requestParameters a string', () => ({ ...record(), requestParameters: 'x' })],
  ['requestParameters an array', () => ({ ...record(), requestParameters: [] })],
  ['an empty eventName', () => ({ ...record(), eventName: '' })],
  ['a numeric eventName', () => ({ ...record(), eventName: 3 })],
  ['an eventSource not of AWS', () => ({ ...record(), eventSource: 'example.com' })],
  ['an envelope', () => ({ ...record(), 'detail-type': 'AWS API Call via CloudTrail' })],
  ['an SNS delivery', () => ({ ...record(), Sns: { Message: '{}' } })],
  ['an SQS message', () => ({ eventSource: 'aws:sqs', body: '{}' })],
  ['null', () => null],
  ['an array', () => [record()]],
];

describe('Function: isUnwatchedCloudTrailRecord', () => {
  it('skips only what intake turns into exactly one observation of an unwatched call', () => {
    for (const [name, make] of CASES) {
      // Act
      const unwatched = isUnwatchedCloudTrailRecord(make(), () => false);
      const results = [...intakeRecord(make(), 'f:0')];

      // Assess
      if (unwatched) {
        expect(results, name).toHaveLength(1);
        expect(results[0]!.ok, name).toBe(true);
      }
    }
    expect(CASES.filter(([, make]) => isUnwatchedCloudTrailRecord(make(), () => false)).map(([n]) => n)).toEqual([
      'a CloudTrail record',
      'no requestParameters',
      'null requestParameters',
    ]);
  });

  it('never skips a call that a rule listens to', () => {
    // Act
    const seen: string[] = [];
    const unwatched = isUnwatchedCloudTrailRecord(record(), (s, n) => {
      seen.push(`${s} ${n}`);
      return true;
    });

    // Assess
    expect(unwatched).toBe(false);
    expect(seen).toEqual(['cloudtrail.amazonaws.com StopLogging']);
  });
});

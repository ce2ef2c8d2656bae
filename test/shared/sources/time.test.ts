import { describe, expect, it } from 'vitest';
import { toIsoTime, UNKNOWN_TIME } from '../../../shared/sources/time.js';

describe('Function: toIsoTime', () => {
  it('normalizes the time formats AWS and its samples use to ISO-8601 UTC', () => {
    // Prepare
    const cases: [unknown, string][] = [
      ['2026-11-02T09:47:05Z', '2026-11-02T09:47:05.000Z'],
      ['2026-11-02T10:14:02.118Z', '2026-11-02T10:14:02.118Z'],
      ['2026-11-02T11:14:02+01:00', '2026-11-02T10:14:02.000Z'],
      ['1793612825000', '2026-11-02T09:47:05.000Z'],
      [1793612825, '2026-11-02T09:47:05.000Z'],
      ['2025-02-25 20:40:06.721', '2025-02-25T20:40:06.721Z'],
      ['Wed Aug 28 22:58:30 UTC 2024', '2024-08-28T22:58:30.000Z'],
    ];
    for (const [input, expected] of cases) {
      // Act & Assess
      expect(toIsoTime(input), String(input)).toBe(expected);
    }
  });

  it('returns undefined for anything that is not a time', () => {
    // Act & Assess
    for (const value of ['', 'yesterday', null, undefined, {}, Number.NaN, 'x'.repeat(100)])
      expect(toIsoTime(value)).toBeUndefined();
  });

  it("reads a time without a zone as UTC whatever the machine's zone, or not at all (attack 25)", () => {
    // Prepare: Kiritimati is UTC+14, Pago Pago UTC-11
    const before = process.env.TZ;
    const seen: Record<string, (string | undefined)[]> = {};
    try {
      for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
        process.env.TZ = zone;
        // Act
        seen[zone] = ['2026-11-02T10:00:00', '2026-11-02T10:00', '2026-11-02T10:00:00.250', 'Nov 2 2026 10:00'].map(
          toIsoTime,
        );
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }

    // Assess
    const expected = ['2026-11-02T10:00:00.000Z', '2026-11-02T10:00:00.000Z', '2026-11-02T10:00:00.250Z', undefined];
    expect(seen).toEqual({ 'Pacific/Kiritimati': expected, 'Pacific/Pago_Pago': expected, UTC: expected });
  });

  it('sorts the unknown time before every real event', () => {
    // Assess
    expect(UNKNOWN_TIME < toIsoTime('2015-11-23T07:45:25Z')!).toBe(true);
  });
});

/** An ISO-8601 date-time without a zone: read as UTC (never in the machine's zone, so no host moves an event). */
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;
/** Any other text names its zone or offset, or it is not taken for a time. */
const NAMES_ZONE = /(?:^\d{4}-\d{2}-\d{2}(?:T.*(?:Z|[+-]\d{2}:?\d{2}))?$)|\b(?:UTC|GMT|UT)\b|[+-]\d{4}\b/i;

/**
 * Normalizes the time formats AWS and its samples use into ISO-8601 UTC:
 * ISO strings, epoch seconds or milliseconds (numbers or digit strings),
 * `2025-02-25 20:40:06.721` (GuardDuty exports) and `Wed Aug 28 22:58:30 UTC 2024`.
 * A date-time without a zone is UTC, as everywhere in tpguard (`--now` included); free text
 * without a zone is not a time. Returns undefined when the value is not a time.
 * @example toIsoTime('1583831889050') // '2020-03-10T09:18:09.050Z'
 */
export function toIsoTime(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return fromEpoch(value);
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  if (value.length === 20 && isCanonical(value)) return `${value.slice(0, 19)}.000Z`;
  if (/^\d{9,13}(\.\d+)?$/.test(value)) return fromEpoch(Number(value));
  const spaced = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(value);
  if (spaced) return isoOf(Date.parse(`${spaced[1]}T${spaced[2]}Z`));
  if (ISO_WITHOUT_ZONE.test(value)) return isoOf(Date.parse(`${value}Z`));
  return NAMES_ZONE.test(value) ? isoOf(Date.parse(value.replace(' UTC ', ' GMT '))) : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of 2 digits at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * CloudTrail's own `2026-11-02T09:47:05Z` with every field in range: its ISO form is the
 * same text with milliseconds, without the cost of Date.parse (a million records: 0.7 s).
 * Anything else (day 30 of February, hour 24) takes the general path, which rolls it over.
 */
function isCanonical(v: string): boolean {
  if (v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[19] !== 'Z') return false;
  const hi = twoDigits(v, 0);
  const lo = twoDigits(v, 2);
  const [mo, d, h, mi, s] = [5, 8, 11, 14, 17].map((i) => twoDigits(v, i));
  if (hi < 0 || lo < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
    return false;
  const y = hi * 100 + lo;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]);
}

function fromEpoch(n: number): string | undefined {
  return isoOf(n < 1e11 ? n * 1000 : n);
}

/**
 * ISO-8601 with a four-digit year, or undefined: years past 9999 or before 0 print as
 * `+033658-...`/`-000001-...`, which no longer sort as strings (found by the fuzz tests).
 */
function isoOf(ms: number): string | undefined {
  const d = new Date(ms);
  if (!Number.isFinite(d.getTime())) return undefined;
  const iso = d.toISOString();
  return iso.length === 24 ? iso : undefined;
}

/** The time used when an event carries none: it sorts before every real event. */
export const UNKNOWN_TIME = '1970-01-01T00:00:00.000Z';

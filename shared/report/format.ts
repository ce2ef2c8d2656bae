import { SEVERITIES, type Severity } from '../kernel/index.js';
import { localDate } from '../review/index.js';

/**
 * A formatter of ISO times as local dates (`2027-04-01`) in the report's timezone.
 * @example dayIn('Europe/Berlin')('2027-03-31T22:30:00.000Z') // '2027-04-01'
 */
export function dayIn(timezone: string): (iso: string) => string {
  return (iso) => localDate(new Date(iso), timezone);
}

/**
 * The last local day something valid until `iso` (exclusive) covers: an exception until local midnight ends the day before.
 * @example untilDayIn('Europe/Berlin')('2027-01-31T23:00:00.000Z') // '2027-01-31'
 */
export function untilDayIn(timezone: string): (iso: string) => string {
  return (iso) => localDate(new Date(Date.parse(iso) - 1), timezone);
}

/**
 * Rule ids with runs of numbers collapsed: `TPS-S3-01..04, TPS-S3-07, TPS-SM-01`.
 * @example compactIds(['TPS-S3-01', 'TPS-S3-02', 'TPS-S3-03', 'TPS-SM-10']) // 'TPS-S3-01..03, TPS-SM-10'
 */
export function compactIds(ids: readonly string[]): string {
  const groups = new Map<string, { n: number; raw: string }[]>();
  const other: string[] = [];
  for (const id of [...new Set(ids)].sort()) {
    const m = /^(.*-)(\d+)$/.exec(id);
    if (!m) other.push(id);
    else groups.set(m[1]!, [...(groups.get(m[1]!) ?? []), { n: Number(m[2]), raw: m[2]! }]);
  }
  const parts: string[] = [];
  for (const [prefix, nums] of groups) {
    for (let i = 0; i < nums.length; ) {
      let j = i;
      while (j + 1 < nums.length && nums[j + 1]!.n === nums[j]!.n + 1) j++;
      parts.push(
        j - i >= 2
          ? `${prefix}${nums[i]!.raw}..${nums[j]!.raw}`
          : nums
              .slice(i, j + 1)
              .map((x) => `${prefix}${x.raw}`)
              .join(', '),
      );
      i = j + 1;
    }
  }
  return [...parts, ...other].join(', ');
}

/** `high 2, medium 1`, or `none`. */
export function severityList(counts: Partial<Record<Severity, number>>): string {
  return (
    SEVERITIES.filter((s) => counts[s])
      .map((s) => `${s} ${counts[s]}`)
      .join(', ') || 'none'
  );
}

/** `sagemaker 5, s3 4`. */
export function countList(counts: Record<string, number>): string {
  return (
    Object.entries(counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none'
  );
}

/** `3 rules` / `1 rule`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Hours as `5.2 h`, or `n/a`. */
export function hours(h: number | null | undefined): string {
  return h === null || h === undefined ? 'n/a' : `${h} h`;
}

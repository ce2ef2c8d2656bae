import { SEVERITIES, type Severity } from '../policy/schema.js';

/** `2027-04-01` of an ISO time. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

/** `high 2, medium 1`, or `none`. */
export function severityList(counts: Partial<Record<Severity, number>>): string {
  return SEVERITIES.filter((s) => counts[s]).map((s) => `${s} ${counts[s]}`).join(', ') || 'none';
}

/** `sagemaker 5, s3 4`. */
export function countList(counts: Record<string, number>): string {
  return Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}

/** `3 rules` / `1 rule`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Hours as `5.2 h`, or `n/a`. */
export function hours(h: number | null | undefined): string {
  return h === null || h === undefined ? 'n/a' : `${h} h`;
}

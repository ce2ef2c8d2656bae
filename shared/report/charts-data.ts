import { SEVERITIES } from '../kernel/index.js';
import { transitionsInWindow } from '../review/index.js';
import { localDate } from '../review/index.js';
import type { DriftFacts } from '../review/index.js';
import type { BreakdownRow, EvidenceReport, TimelineBucket } from './types.js';

const DAY = 86_400_000;

/** Bucket width: days up to 5 weeks, weeks up to 8 months, else 30-day months. */
function bucketDays(from: number, to: number): number {
  const span = (to - from) / DAY;
  if (span <= 35) return 1;
  if (span <= 240) return 7;
  return 30;
}

function timeline(facts: DriftFacts, from: string, to: string, timezone: string): TimelineBucket[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const width = bucketDays(start, end) * DAY;
  const buckets: TimelineBucket[] = [];
  for (let t = start; t < end && buckets.length < 400; t += width) {
    // The last bucket is cut at the period's end: the time axis ends where the period does.
    const stop = Math.min(t + width, end);
    buckets.push({
      start: new Date(t).toISOString(),
      label: localDate(new Date(t), timezone),
      end: new Date(stop).toISOString(),
      endLabel: localDate(new Date(stop - 1), timezone),
      opened: 0,
      resolved: 0,
    });
  }
  for (const e of transitionsInWindow(facts, from, to)) {
    const b = buckets[Math.min(buckets.length - 1, Math.floor((Date.parse(e.at) - start) / width))];
    if (!b) continue;
    if (e.kind === 'opened' || e.kind === 'reopened') b.opened++;
    else if (e.kind === 'resolved') b.resolved++;
  }
  return buckets;
}

function breakdown(
  facts: DriftFacts,
  from: string,
  to: string,
  key: 'severity' | 'area',
  order?: readonly string[],
): BreakdownRow[] {
  const rows = new Map<string, BreakdownRow>((order ?? []).map((k) => [k, { key: k, opened: 0, openNow: 0 }]));
  const row = (k: string) => rows.get(k) ?? rows.set(k, { key: k, opened: 0, openNow: 0 }).get(k)!;
  for (const e of transitionsInWindow(facts, from, to))
    if (e.kind === 'opened' || e.kind === 'reopened') row(e[key]).opened++;
  for (const r of facts.records) if (r.status === 'open') row(r[key]).openNow++;
  const out = [...rows.values()];
  return order ? out : out.sort((a, b) => b.opened + b.openNow - (a.opened + a.openNow) || a.key.localeCompare(b.key));
}

/**
 * The data behind the report's charts: drift opened and resolved over time, and by severity and area.
 * Buckets are labelled with their local start date in `timezone`.
 * @example buildCharts(facts, from, to, 'Europe/Berlin').timeline.length
 */
export function buildCharts(facts: DriftFacts, from: string, to: string, timezone = 'UTC'): EvidenceReport['charts'] {
  return {
    timeline: timeline(facts, from, to, timezone),
    bySeverity: breakdown(facts, from, to, 'severity', SEVERITIES),
    byArea: breakdown(facts, from, to, 'area'),
  };
}

import { isRecord, parseJson } from '../kernel/index.js';
import type { BatchSummary } from './worker.js';

/**
 * What a whole backfill did, from the `{"batch": ...}` lines its batches wrote through the
 * ResultWriter: objects, records, violations and rejections, and with `--record` the drift
 * transitions per owner, so that an owner's alerts of a backfill can be told apart in one line.
 */
export interface RunSummary {
  batches: number;
  objects: number;
  records: number;
  violations: number;
  rejected: number;
  /** Transitions the recorded observations made, by owner and kind. */
  owners: Record<string, Record<string, number>>;
}

/** An empty summary, to add batches to. */
export const emptyRunSummary = (): RunSummary => ({
  batches: 0,
  objects: 0,
  records: 0,
  violations: 0,
  rejected: 0,
  owners: Object.create(null) as Record<string, Record<string, number>>,
});

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/**
 * Adds the batch summaries among JSON lines (a ResultWriter JSONL object) to a run's summary;
 * verdict lines and lines that are not JSON are passed over (the results are the run's own, but
 * are still read defensively).
 * @example addBatchLines(summary, body.split('\n'))
 */
export function addBatchLines(summary: RunSummary, lines: Iterable<string>): RunSummary {
  for (const line of lines) {
    if (!line.startsWith('{"batch"')) continue;
    let value: unknown;
    try {
      value = parseJson(line);
    } catch {
      continue;
    }
    const batch = isRecord(value) && isRecord(value.batch) ? (value.batch as Partial<BatchSummary>) : undefined;
    if (!batch) continue;
    summary.batches++;
    summary.objects += count(batch.objects);
    summary.records += count(batch.records);
    summary.violations += count(batch.violations);
    summary.rejected += count(batch.rejected);
    if (!isRecord(batch.owners)) continue;
    for (const [owner, kinds] of Object.entries(batch.owners)) {
      if (!isRecord(kinds)) continue;
      const into = summary.owners[owner] ?? (Object.create(null) as Record<string, number>);
      summary.owners[owner] = into;
      for (const [kind, n] of Object.entries(kinds)) into[kind] = (into[kind] ?? 0) + count(n);
    }
  }
  return summary;
}

/**
 * The summary as lines for a terminal: totals, then one line per owner (most transitions first).
 * @example runSummaryLines(summary) // ['120 batches: 6,000 objects, ...', 'owner vision: 3 opened, 1 resolved']
 */
export function runSummaryLines(s: RunSummary): string[] {
  const n = (v: number) => v.toLocaleString('en-US');
  const lines = [
    `${n(s.batches)} batches: ${n(s.objects)} objects, ${n(s.records)} records, ${n(s.violations)} violations, ${n(s.rejected)} rejected`,
  ];
  const total = (kinds: Record<string, number>) => Object.values(kinds).reduce((a, b) => a + b, 0);
  const owners = Object.entries(s.owners).sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  for (const [owner, kinds] of owners)
    lines.push(
      `owner ${owner}: ${Object.entries(kinds)
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([k, v]) => `${n(v)} ${k}`)
        .join(', ')}`,
    );
  return lines;
}

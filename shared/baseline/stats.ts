import type { DriftRecord, DriftTransition } from '../drift/index.js';
import type { IngestResult } from '../ingest/index.js';
import type { ObservationOrigin } from '../sources/index.js';
import type { BaselineRun, Unreadable } from './types.js';

/** Unreadable resources kept by name on a run record (the count is complete). */
export const MAX_UNREADABLE_SAMPLE = 50;

/** What a run saw in one account and region. */
export interface ScopeStats {
  account: string;
  region: string;
  covered: Set<string>;
  read: number;
  evaluated: number;
  skipped: number;
  unreadableCount: number;
  sample: Unreadable[];
  findings: number;
  violations: number;
  cannotEvaluate: number;
  transitions: BaselineRun['transitions'];
  /** Adds what one observation did. */
  add(r: IngestResult): void;
  unreadable(u: Unreadable): void;
  countTransition(t: DriftTransition): void;
}

/** Empty stats for an account and region. */
export function statsOf(account: string, region: string): ScopeStats {
  const s: ScopeStats = {
    account,
    region,
    covered: new Set(),
    read: 0,
    evaluated: 0,
    skipped: 0,
    unreadableCount: 0,
    sample: [],
    findings: 0,
    violations: 0,
    cannotEvaluate: 0,
    transitions: { opened: 0, reopened: 0, resolved: 0, gone: 0, suppressed: 0, unverifiable: 0 },
    add(r) {
      s.read++;
      if (r.findings + r.cannotEvaluate > 0) s.evaluated++;
      s.findings += r.findings;
      s.violations += r.violations;
      s.cannotEvaluate += r.cannotEvaluate;
    },
    unreadable(u) {
      s.unreadableCount++;
      if (s.sample.length < MAX_UNREADABLE_SAMPLE) s.sample.push(u);
    },
    countTransition(t) {
      if (t.republished || t.kind === 'escalated') return;
      const gone = t.kind === 'resolved' && (t.record.resolvedReason ?? '').startsWith('gone');
      s.transitions[gone ? 'gone' : t.kind]++;
    },
  };
  return s;
}

/** The run records of a run, one per account and region, with the open drift after it. */
export function runRecords(
  scopes: readonly ScopeStats[],
  o: {
    origin: ObservationOrigin;
    startedAt: Date;
    finishedAt: Date;
    trigger: string;
    source: string;
    open: readonly DriftRecord[];
  },
): BaselineRun[] {
  return [...scopes]
    .sort((a, b) => `${a.account}/${a.region}`.localeCompare(`${b.account}/${b.region}`))
    .map((s) => {
      const openAfter: Record<string, number> = {};
      for (const r of o.open)
        if (r.account === s.account && r.region === s.region) openAfter[r.severity] = (openAfter[r.severity] ?? 0) + 1;
      return {
        runId: o.origin.batchId,
        account: s.account,
        region: s.region,
        startedAt: o.startedAt.toISOString(),
        finishedAt: o.finishedAt.toISOString(),
        durationMs: o.finishedAt.getTime() - o.startedAt.getTime(),
        trigger: o.trigger,
        source: o.source,
        covered: [...s.covered].sort(),
        read: s.read,
        evaluated: s.evaluated,
        skipped: s.skipped,
        unreadable: s.unreadableCount,
        unreadableSample: s.sample,
        findings: s.findings,
        violations: s.violations,
        cannotEvaluate: s.cannotEvaluate,
        transitions: s.transitions,
        openAfter,
      };
    });
}

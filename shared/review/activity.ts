import type { DriftHistoryEntry, DriftRecord, TransitionKind } from '../drift/types.js';
import type { Severity } from '../policy/schema.js';
import type { DriftFacts } from './ports.js';

/** A transition found in history, joined with its record. */
export interface TransitionEvent {
  driftId: string;
  kind: TransitionKind;
  at: string;
  ruleId: string;
  area: string;
  severity: Severity;
}

/** One open-to-resolved cycle of a drift record. */
export interface Resolution {
  driftId: string;
  ruleId: string;
  openedAt: string;
  resolvedAt: string;
  hours: number;
}

/** Drift activity in a window [from, to). */
export interface DriftActivity {
  /** Distinct events that matched a rule on an in-scope resource (history entries by event id). */
  eventsEvaluated: number;
  observations: number;
  /** `opened` and `reopened` transitions. */
  opened: TransitionEvent[];
  resolved: Resolution[];
  meanTimeToResolveHours?: number;
  violationsByRule: Map<string, number>;
  /** Records open now, by severity. */
  openBySeverity: Partial<Record<Severity, number>>;
  openRecords: DriftRecord[];
  packVersions: string[];
}

const OPENING: ReadonlySet<TransitionKind> = new Set<TransitionKind>(['opened', 'reopened']);

function inWindow(t: string, from: string, to: string): boolean {
  return t >= from && t < to;
}

function byTime(a: DriftHistoryEntry, b: DriftHistoryEntry): number {
  return a.eventTime.localeCompare(b.eventTime) || a.eventId.localeCompare(b.eventId);
}

/** Pairs each resolution with the opening before it (over the whole history, so a drift opened before the window counts). */
function resolutions(history: DriftHistoryEntry[], records: Map<string, DriftRecord>): Resolution[] {
  const open = new Map<string, string>();
  const out: Resolution[] = [];
  for (const h of [...history].sort(byTime)) {
    if (!h.transition) continue;
    if (OPENING.has(h.transition)) open.set(h.driftId, h.eventTime);
    else if (h.transition === 'resolved') {
      const openedAt = open.get(h.driftId) ?? records.get(h.driftId)?.openedAt;
      open.delete(h.driftId);
      if (!openedAt) continue;
      const hours = Math.max(0, (Date.parse(h.eventTime) - Date.parse(openedAt)) / 3_600_000);
      out.push({ driftId: h.driftId, ruleId: records.get(h.driftId)?.ruleId ?? 'unknown', openedAt, resolvedAt: h.eventTime, hours });
    } else if (h.transition === 'suppressed') open.delete(h.driftId);
  }
  return out;
}

/**
 * Drift activity in [from, to) computed from records and their history, limited to records
 * `keep` accepts (a task's areas). Pure.
 * @example driftActivity(facts, period.coversFrom, period.coversTo).opened.length
 */
export function driftActivity(facts: DriftFacts, from: string, to: string, keep: (r: DriftRecord) => boolean = () => true): DriftActivity {
  const records = new Map(facts.records.filter(keep).map((r) => [r.driftId, r]));
  const history = facts.history.filter((h) => records.has(h.driftId));
  const window = history.filter((h) => inWindow(h.eventTime, from, to));
  const opened: TransitionEvent[] = [];
  const violationsByRule = new Map<string, number>();
  for (const h of window) {
    const r = records.get(h.driftId)!;
    if (h.transition && OPENING.has(h.transition)) opened.push({ driftId: h.driftId, kind: h.transition, at: h.eventTime, ruleId: r.ruleId, area: r.area, severity: r.severity });
    if (h.verdict === 'violation') violationsByRule.set(r.ruleId, (violationsByRule.get(r.ruleId) ?? 0) + 1);
  }
  const resolved = resolutions(history, records).filter((x) => inWindow(x.resolvedAt, from, to));
  const openRecords = [...records.values()].filter((r) => r.status === 'open');
  const openBySeverity: Partial<Record<Severity, number>> = {};
  for (const r of openRecords) openBySeverity[r.severity] = (openBySeverity[r.severity] ?? 0) + 1;
  const activity: DriftActivity = {
    eventsEvaluated: new Set(window.filter((h) => h.verdict !== 'manual').map((h) => h.eventId)).size,
    observations: window.length,
    opened: opened.sort((a, b) => a.at.localeCompare(b.at)),
    resolved,
    violationsByRule,
    openBySeverity,
    openRecords,
    packVersions: [...new Set(window.map((h) => h.packVersion))].sort(),
  };
  if (resolved.length > 0) activity.meanTimeToResolveHours = round1(resolved.reduce((s, x) => s + x.hours, 0) / resolved.length);
  return activity;
}

/** Rounds to one decimal. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The transitions of a window with their records, for charts (opened, reopened, resolved, suppressed). */
export function transitionsInWindow(facts: DriftFacts, from: string, to: string): TransitionEvent[] {
  const records = new Map(facts.records.map((r) => [r.driftId, r]));
  const out: TransitionEvent[] = [];
  for (const h of facts.history) {
    const r = records.get(h.driftId);
    if (!r || !h.transition || !inWindow(h.eventTime, from, to)) continue;
    out.push({ driftId: h.driftId, kind: h.transition, at: h.eventTime, ruleId: r.ruleId, area: r.area, severity: r.severity });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

import { nextStatus, transitionOf, type StateIntent } from '../drift/index.js';
import type { DriftHistoryEntry, DriftRecord, DriftStatus, TransitionKind } from '../drift/index.js';
import type { Severity } from '../kernel/index.js';
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

/** A transition replayed from history: which record, what, when. */
export interface ReplayedTransition {
  driftId: string;
  kind: TransitionKind;
  at: string;
  /** Who made it: the event's principal, or the operator (a proven identity, with the typed name). */
  actor?: string;
  actorName?: string;
}

const STATUS_AFTER: Readonly<Partial<Record<TransitionKind, DriftStatus>>> = {
  opened: 'open',
  reopened: 'open',
  resolved: 'resolved',
  suppressed: 'suppressed',
};

function intentOfEntry(h: DriftHistoryEntry): StateIntent | undefined {
  if (h.intent === 'violation' || h.intent === 'suppress' || h.intent === 'resolve') return h.intent;
  if (h.intent === undefined && h.verdict === 'violation') return 'violation';
  return undefined; // observe, or a pass whose resolving power is unknown
}

/**
 * The transitions history implies. History is written before the state (it is the idempotency
 * marker), so an observation's entry does not say what it changed: replaying the drift state
 * machine over each record's entries in event order does, exactly as the store applied them
 * (it applies in event order too). Operator entries carry their transition.
 * @example replayTransitions(history).filter((t) => t.kind === 'opened').length
 */
export function replayTransitions(history: readonly DriftHistoryEntry[]): ReplayedTransition[] {
  const status = new Map<string, DriftStatus>();
  const out: ReplayedTransition[] = [];
  for (const h of [...history].sort(byTime)) {
    const before = status.get(h.driftId);
    let kind: TransitionKind | undefined;
    let after: DriftStatus | undefined;
    if (h.verdict === 'manual' && h.transition) {
      kind = h.transition;
      after = STATUS_AFTER[h.transition] ?? before;
    } else {
      const intent = intentOfEntry(h);
      if (!intent) continue;
      after = nextStatus(before, intent);
      kind = transitionOf(before, after);
    }
    if (after) status.set(h.driftId, after);
    if (kind)
      out.push({
        driftId: h.driftId,
        kind,
        at: h.eventTime,
        ...(h.actor ? { actor: h.actor } : {}),
        ...(h.actorName ? { actorName: h.actorName } : {}),
      });
  }
  return out;
}

/** Pairs each resolution with the opening before it (over the whole history, so a drift opened before the window counts). */
function resolutions(transitions: readonly ReplayedTransition[], records: Map<string, DriftRecord>): Resolution[] {
  const open = new Map<string, string>();
  const out: Resolution[] = [];
  for (const t of transitions) {
    if (OPENING.has(t.kind)) open.set(t.driftId, t.at);
    else if (t.kind === 'resolved') {
      const openedAt = open.get(t.driftId);
      open.delete(t.driftId);
      if (!openedAt) continue;
      const hours = Math.max(0, (Date.parse(t.at) - Date.parse(openedAt)) / 3_600_000);
      out.push({
        driftId: t.driftId,
        ruleId: records.get(t.driftId)?.ruleId ?? 'unknown',
        openedAt,
        resolvedAt: t.at,
        hours,
      });
    } else if (t.kind === 'suppressed') open.delete(t.driftId);
  }
  return out;
}

/**
 * Drift activity in [from, to) computed from records and their history, limited to records
 * `keep` accepts (a task's areas). Pure.
 * @example driftActivity(facts, period.coversFrom, period.coversTo).opened.length
 */
export function driftActivity(
  facts: DriftFacts,
  from: string,
  to: string,
  keep: (r: DriftRecord) => boolean = () => true,
): DriftActivity {
  const records = new Map(facts.records.filter(keep).map((r) => [r.driftId, r]));
  const history = facts.history.filter((h) => records.has(h.driftId));
  const window = history.filter((h) => inWindow(h.eventTime, from, to));
  const transitions = replayTransitions(history);
  const violationsByRule = new Map<string, number>();
  for (const h of window) {
    const r = records.get(h.driftId)!;
    if (h.verdict === 'violation') violationsByRule.set(r.ruleId, (violationsByRule.get(r.ruleId) ?? 0) + 1);
  }
  const opened: TransitionEvent[] = transitions
    .filter((t) => OPENING.has(t.kind) && inWindow(t.at, from, to))
    .map((t) => {
      const r = records.get(t.driftId)!;
      return { ...t, ruleId: r.ruleId, area: r.area, severity: r.severity };
    });
  const resolved = resolutions(transitions, records).filter((x) => inWindow(x.resolvedAt, from, to));
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
  if (resolved.length > 0)
    activity.meanTimeToResolveHours = round1(resolved.reduce((s, x) => s + x.hours, 0) / resolved.length);
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
  for (const t of replayTransitions(facts.history)) {
    const r = records.get(t.driftId);
    if (!r || !inWindow(t.at, from, to)) continue;
    out.push({ ...t, ruleId: r.ruleId, area: r.area, severity: r.severity });
  }
  return out;
}

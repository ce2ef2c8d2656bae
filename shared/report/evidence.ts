import type { TpguardConfig } from '../config/index.js';
import { exceptionState } from '../exceptions/index.js';
import type { RiskException } from '../exceptions/index.js';
import type { PolicyPack } from '../policy/index.js';
import type { GeneratedPattern } from '../sources/index.js';
import { actorLabel, SEVERITIES, type Severity } from '../kernel/index.js';
import { driftActivity } from '../review/index.js';
import { localDate } from '../review/index.js';
import { CONTROL_OWNER } from '../config/index.js';
import type { DriftFacts } from '../review/index.js';
import { summarizeTask } from '../review/index.js';
import type { ReviewTask } from '../review/index.js';
import { answerCaiq } from './caiq.js';
import { buildCharts } from './charts-data.js';
import { CONTROL, OWNERSHIP, STANDARDS } from './control.js';
import { guidelineEvidence } from './guidelines.js';
import { driftEpisodes } from './appendix.js';
import type {
  BaselineEvidence,
  BaselineRunFact,
  EvidenceReport,
  ExceptionSummary,
  Provenance,
  ReportOrigin,
  StandardMapping,
} from './types.js';

/** Everything the report is computed from; the CLI reads it from the store and the files. */
export interface EvidenceInput {
  now: Date;
  from: string;
  to: string;
  /** Timezone of the dates the report shows (the review timezone). */
  timezone: string;
  pack: PolicyPack;
  config: TpguardConfig;
  /** The EventBridge patterns in force: generated from the pack, or named by a deployed stack's outputs. */
  patterns: readonly Pick<GeneratedPattern, 'name'>[];
  functions: string[];
  /** Where the function list comes from (e.g. `serverless.yml`). */
  deploymentSource: string;
  facts: DriftFacts;
  tasks: ReviewTask[];
  exceptions: RiskException[];
  /** Where the facts were read from, when that is a deployed stack. */
  origin?: ReportOrigin;
  /** Baseline run records (any period: the last one before `to` of each account and region is cited). */
  baselineRuns?: readonly BaselineRunFact[];
  /** The version of tpguard that builds the report. */
  tpguardVersion: string;
  /** Without `origin`: where the local store is (e.g. `embedded store .tpguard`). */
  localStore?: string;
}

/**
 * The last baseline run of each account and region started before `to`, sorted by account and region.
 * @example lastBaselines(runs, '2027-07-01T00:00:00Z')[0].ranAt // '2027-06-28T05:00:03.000Z'
 */
export function lastBaselines(runs: readonly BaselineRunFact[], to: string): BaselineEvidence[] {
  const last = new Map<string, BaselineRunFact>();
  for (const r of runs) {
    if (r.startedAt >= to) continue;
    const key = `${r.account}/${r.region}`;
    const seen = last.get(key);
    if (!seen || r.startedAt > seen.startedAt) last.set(key, r);
  }
  return [...last.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, r]) => ({
      account: r.account,
      region: r.region,
      runId: r.runId,
      ranAt: r.startedAt,
      trigger: r.trigger,
      source: r.source,
      covered: [...r.covered],
      read: r.read,
      evaluated: r.evaluated,
      unreadable: r.unreadable,
      violations: r.violations,
      opened: r.transitions.opened + r.transitions.reopened,
      resolved: r.transitions.resolved,
      gone: r.transitions.gone,
      openAfter: { ...r.openAfter },
    }));
}

/** What made the report and where its evidence is from: `deployed` only when it read a deployed table. */
function provenance(input: EvidenceInput): Provenance {
  const o = input.origin;
  const base = { tpguardVersion: input.tpguardVersion, packVersion: input.pack.version };
  if (o)
    return {
      ...base,
      evidence: 'deployed',
      statement: `Deployed: the evidence was read from ${o.stack ? `the stack ${o.stack}, ` : ''}table ${o.table} in account ${o.account}, region ${o.region}, by ${o.generatedBy}.`,
    };
  return {
    ...base,
    evidence: 'local',
    statement: `Evaluated locally: the evidence was read from the ${input.localStore ?? 'local store'} on the machine that generated the report, not from a deployment; the event patterns and functions it names are those this pack and serverless.yml define, not proof that they are deployed.`,
  };
}

function standards(pack: PolicyPack): StandardMapping[] {
  return STANDARDS.map((s) => ({
    key: s.key,
    name: s.name,
    rules: pack.rules.flatMap((c) => {
      const refs = (c.rule.controls as Record<string, string[] | undefined>)[s.key] ?? [];
      return refs.length > 0 ? [{ ruleId: c.rule.id, refs }] : [];
    }),
  }));
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function exceptionsIn(list: readonly RiskException[], from: string, to: string, at: string): ExceptionSummary[] {
  return list
    .filter((e) => e.createdAt < to && e.expiresAt >= from)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((e) => ({
      exceptionId: e.exceptionId,
      ruleId: e.ruleId,
      resource: e.resource,
      approvedBy: e.approvedBy,
      ...(e.createdBy ? { addedBy: actorLabel(e.createdBy, e.createdByName) } : {}),
      ...(e.approval ? { approval: { by: actorLabel(e.approval.by, e.approval.name), at: e.approval.at } } : {}),
      ...(e.revokedAt
        ? { revoked: { by: e.revokedBy ? actorLabel(e.revokedBy, e.revokedByName) : 'unknown', at: e.revokedAt } }
        : {}),
      reason: e.reason,
      createdAt: e.createdAt,
      expiresAt: e.expiresAt,
      state: exceptionState(e, at),
    }));
}

function reviewed(tasks: readonly ReviewTask[], from: string, to: string, now: Date): EvidenceReport['reviewed'] {
  const inWindow = tasks
    .filter((t) => t.openedAt >= from && t.openedAt < to)
    .sort((a, b) => a.taskId.localeCompare(b.taskId));
  const summaries = inWindow.map((t) => summarizeTask(t, now));
  const control = inWindow
    .filter((t) => t.owner === CONTROL_OWNER)
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  return {
    tasks: summaries,
    completed: summaries.filter((s) => s.status === 'done').length,
    completedOnTime: summaries.filter((s) => s.onTime === true).length,
    open: summaries.filter((s) => s.status === 'open').length,
    overdue: summaries.filter((s) => s.status === 'overdue').length,
    reviewers: [
      ...new Set(summaries.flatMap((s) => (s.completedBy ? [actorLabel(s.completedBy, s.completedByName)] : []))),
    ].sort(),
    packChanges: control.map((t) => ({ period: t.period, ...t.contents.packChanges })),
    threatDelta: control.map((t) => ({
      period: t.period,
      findingTypes: t.contents.threatDelta.map((d) => d.findingType),
    })),
  };
}

/**
 * The evidence report for MDS-01 over [from, to): what is defined, deployed, ran, reviewed,
 * the two AI-CAIQ answers and the four auditing guidelines, each from facts in the store. Pure.
 * @example const report = buildEvidence({ now, from, to, pack, config, patterns, functions, deploymentSource, facts, tasks, exceptions })
 */
export function buildEvidence(input: EvidenceInput): EvidenceReport {
  const { pack, from, to } = input;
  const activity = driftActivity(input.facts, from, to);
  const bySeverity: Partial<Record<Severity, number>> = {};
  for (const s of SEVERITIES) {
    const n = pack.rules.filter((c) => c.rule.severity === s).length;
    if (n > 0) bySeverity[s] = n;
  }
  const report: EvidenceReport = {
    generatedAt: input.now.toISOString(),
    provenance: provenance(input),
    ...(input.origin ? { origin: input.origin } : {}),
    window: {
      from,
      to,
      timezone: input.timezone,
      firstDay: localDate(new Date(from), input.timezone),
      lastDay: localDate(new Date(Date.parse(to) - 1), input.timezone),
    },
    control: { ...CONTROL, ownership: OWNERSHIP.map((o) => ({ ...o })), standards: standards(pack) },
    caiq: [],
    guidelines: [],
    baselines: lastBaselines(input.baselineRuns ?? [], to),
    defined: {
      packVersion: pack.version,
      rules: pack.rules.length,
      byArea: countBy(pack.rules, (c) => c.area),
      bySeverity,
    },
    deployed: {
      patterns: input.patterns.length,
      patternNames: input.patterns.map((p) => p.name),
      functions: input.functions,
      source: input.deploymentSource,
    },
    ran: {
      eventsEvaluated: activity.eventsEvaluated,
      observations: activity.observations,
      driftOpened: activity.opened.length,
      driftResolved: activity.resolved.length,
      meanTimeToResolveHours: activity.meanTimeToResolveHours ?? null,
      openNow: activity.openBySeverity,
      packVersions: activity.packVersions,
    },
    reviewed: reviewed(input.tasks, from, to, input.now),
    exceptions: exceptionsIn(input.exceptions, from, to, input.now.toISOString()),
    charts: buildCharts(input.facts, from, to, input.timezone),
    appendix: { drift: driftEpisodes(input.facts, from, to) },
  };
  report.caiq = answerCaiq(report);
  report.guidelines = guidelineEvidence(report, pack, input.facts);
  return report;
}

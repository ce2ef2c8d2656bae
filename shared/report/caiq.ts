import { actorLabel } from '../kernel/index.js';
import type { PackChanges } from '../review/index.js';
import { CAIQ_QUESTIONS } from './control.js';
import { compactIds, countList, dayIn, hours, plural, severityList } from './format.js';
import type { CaiqAnswer, CaiqAnswerValue, EvidenceReport } from './types.js';

type Facts = Omit<EvidenceReport, 'caiq' | 'guidelines'>;

/** `pack a -> b: 2 rules added, 0 removed, 1 modified`, `unchanged since the last review (pack a)`, or the first review. */
export function packChange(c: PackChanges): string {
  if (!c.fromVersion) return `first review, pack ${c.toVersion} with ${c.added.length} rules`;
  if (c.added.length + c.removed.length + c.modified.length === 0)
    return `unchanged since the last review (pack ${c.toVersion})`;
  return `pack ${c.fromVersion} to ${c.toVersion}: ${c.added.length} rules added${c.added.length ? ` (${compactIds(c.added)})` : ''}, ${c.removed.length} removed${c.removed.length ? ` (${compactIds(c.removed)})` : ''}, ${c.modified.length} modified${c.modified.length ? ` (${compactIds(c.modified)})` : ''}`;
}

/** `CISO office`, with the identities behind it when recorded: `CISO office (approved by <identity>; added by <identity>)`. */
export function approverText(e: EvidenceReport['exceptions'][number]): string {
  const who = [e.approval ? `approved by ${e.approval.by}` : '', e.addedBy ? `added by ${e.addedBy}` : ''].filter(
    Boolean,
  );
  return who.length > 0 ? `${e.approvedBy} (${who.join('; ')})` : e.approvedBy;
}

/** Account/regions cited by name in the answer; the rest are counted (the report's baseline table lists all). */
const BASELINES_CITED = 10;

/** `2026-11-03 (111122223333/eu-west-1)`: the most recent baseline of the report. */
function baselineWhen(r: Facts): string {
  const last = [...r.baselines].sort((a, b) => b.ranAt.localeCompare(a.ranAt))[0]!;
  return `${dayIn(r.window.timezone)(last.ranAt)}, ${last.account}/${last.region}`;
}

/** The evidence lines of the baselines: when each account and region was last read, what it covered and found. */
function baselineEvidence(r: Facts): string[] {
  if (r.baselines.length === 0)
    return [
      'Baseline: none recorded; the state that existed before tpguard was deployed has not been read through the rules (tpguard baseline).',
    ];
  const day = dayIn(r.window.timezone);
  const lines = r.baselines
    .slice(0, BASELINES_CITED)
    .map(
      (b) =>
        `Baseline of ${b.account}/${b.region}: last run ${b.runId} on ${day(b.ranAt)} (${b.trigger}, ${b.source}) covered ${plural(b.covered.length, 'resource type')}, read ${plural(b.read, 'resource')} (${b.evaluated} evaluated, ${b.unreadable} unreadable), found ${plural(b.violations, 'violation')}: ${b.opened} drift opened, ${b.resolved} resolved, ${b.gone} gone; open after it: ${severityList(b.openAfter)}.`,
    );
  if (r.baselines.length > BASELINES_CITED)
    lines.push(
      `Baselines of ${r.baselines.length - BASELINES_CITED} more accounts and regions: see the baseline table.`,
    );
  return lines;
}

function implemented(r: Facts): CaiqAnswer {
  const { defined, deployed, ran } = r;
  const w = r.window;
  const evidence = [
    `Defined: policy pack ${defined.packVersion} with ${plural(defined.rules, 'rule')} (by area: ${countList(defined.byArea)}; by severity: ${severityList(defined.bySeverity)}), each with its own test cases.`,
    `Implemented: ${plural(deployed.patterns, 'EventBridge pattern')} generated from the pack (${deployed.patternNames.join(', ') || 'none'}), delivered to ${plural(deployed.functions.length, 'function')} (${deployed.functions.join(', ') || 'none'}; from ${deployed.source}).`,
    r.provenance.statement,
    `Evaluated: ${plural(ran.eventsEvaluated, 'event')} evaluated from ${w.firstDay} to ${w.lastDay} (${plural(ran.observations, 'observation')}); ${ran.driftOpened} drift opened, ${ran.driftResolved} resolved, mean time to resolve ${hours(ran.meanTimeToResolveHours)}.`,
    ...baselineEvidence(r),
    `Open now: ${severityList(ran.openNow)}.`,
  ];
  const read = r.baselines.length > 0;
  let answer: CaiqAnswerValue = 'Yes';
  const local = r.provenance.evidence === 'local';
  const baselineRead = read ? `; the existing state was read through them by a baseline (last ${baselineWhen(r)})` : '';
  let summary = local
    ? `The rules are defined, their event patterns generated, and events were evaluated locally in the period (no deployment was read)${baselineRead}.`
    : `The rules are defined, deployed as event patterns and evaluated events in the period${baselineRead}.`;
  if (defined.rules === 0) {
    answer = 'No';
    summary = 'No rule is defined.';
  } else if (deployed.patterns === 0 || (ran.eventsEvaluated === 0 && !read)) {
    answer = 'Partially';
    summary =
      deployed.patterns === 0
        ? 'Rules are defined but no event pattern routes events to them.'
        : local
          ? 'Rules are defined and their patterns generated, but no event was evaluated in the period.'
          : 'Rules are defined and deployed, but no event was evaluated in the period.';
  }
  return { ...CAIQ_QUESTIONS.implemented, answer, summary, evidence };
}

function reviewedAnswer(r: Facts): CaiqAnswer {
  const v = r.reviewed;
  const day = dayIn(r.window.timezone);
  const evidence = [
    `Review tasks in the period: ${v.tasks.length} (${v.completed} completed, ${v.completedOnTime} on time, ${v.open} open, ${v.overdue} overdue).`,
    ...v.tasks
      .filter((t) => t.completedBy)
      .map(
        (t) =>
          `${t.id}: signed off by ${actorLabel(t.completedBy!, t.completedByName)} on ${day(t.completedAt!)} (due ${day(t.dueAt)}, ${t.onTime ? 'on time' : 'late'}; decision: ${t.decision ?? 'n/a'}).`,
      ),
    ...v.packChanges.map((c) => `Pack changes reviewed in ${c.period}: ${packChange(c)}.`),
    ...v.threatDelta.map(
      (d) =>
        `New threats put before the ${d.period} review (GuardDuty finding types no rule maps): ${d.findingTypes.join(', ') || 'none'}.`,
    ),
    `Exceptions (risk acceptance, time-boxed): ${r.exceptions.length} in the period${r.exceptions.length ? `, approved by ${[...new Set(r.exceptions.map(approverText))].join(', ')}` : ''}.`,
  ];
  let answer: CaiqAnswerValue = 'No';
  let summary = 'No review task was opened in the period.';
  if (v.completed > 0 && v.overdue === 0 && v.completedOnTime === v.completed) {
    answer = 'Yes';
    summary = `Every review due in the period was signed off on time, by ${v.reviewers.join(', ')}.`;
  } else if (v.tasks.length > 0) {
    answer = 'Partially';
    summary =
      v.completed === 0
        ? 'Reviews were opened but none was signed off yet.'
        : 'Reviews were signed off, but not all on time.';
  }
  return { ...CAIQ_QUESTIONS.reviewed, answer, summary, evidence };
}

/**
 * The two AI-CAIQ answers of MDS-01, from the facts of the report.
 * @example answerCaiq(report)[0].answer // 'Yes'
 */
export function answerCaiq(r: Facts): CaiqAnswer[] {
  return [implemented(r), reviewedAnswer(r)];
}

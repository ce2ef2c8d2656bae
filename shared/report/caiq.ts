import { CAIQ_QUESTIONS } from './control.js';
import { countList, day, hours, plural, severityList } from './format.js';
import type { CaiqAnswer, CaiqAnswerValue, EvidenceReport } from './types.js';

type Facts = Omit<EvidenceReport, 'caiq' | 'guidelines'>;

function implemented(r: Facts): CaiqAnswer {
  const { defined, deployed, ran } = r;
  const evidence = [
    `Defined: policy pack ${defined.packVersion} with ${plural(defined.rules, 'rule')} (by area: ${countList(defined.byArea)}; by severity: ${severityList(defined.bySeverity)}), each with its own test cases.`,
    `Implemented: ${plural(deployed.patterns, 'EventBridge pattern')} generated from the pack (${deployed.patternNames.join(', ') || 'none'}), delivered to ${plural(deployed.functions.length, 'function')} (${deployed.functions.join(', ') || 'none'}; from ${deployed.source}).`,
    `Evaluated: ${plural(ran.eventsEvaluated, 'event')} evaluated between ${day(r.window.from)} and ${day(r.window.to)} (${plural(ran.observations, 'observation')}); ${ran.driftOpened} drift opened, ${ran.driftResolved} resolved, mean time to resolve ${hours(ran.meanTimeToResolveHours)}.`,
    `Open now: ${severityList(ran.openNow)}.`,
  ];
  let answer: CaiqAnswerValue = 'Yes';
  let summary = 'The rules are defined, deployed as event patterns and evaluated events in the period.';
  if (defined.rules === 0) {
    answer = 'No';
    summary = 'No rule is defined.';
  } else if (deployed.patterns === 0 || ran.eventsEvaluated === 0) {
    answer = 'Partially';
    summary = deployed.patterns === 0 ? 'Rules are defined but no event pattern routes events to them.' : 'Rules are defined and deployed, but no event was evaluated in the period.';
  }
  return { ...CAIQ_QUESTIONS.implemented, answer, summary, evidence };
}

function reviewedAnswer(r: Facts): CaiqAnswer {
  const v = r.reviewed;
  const evidence = [
    `Review tasks in the period: ${v.tasks.length} (${v.completed} completed, ${v.completedOnTime} on time, ${v.open} open, ${v.overdue} overdue).`,
    ...v.tasks.filter((t) => t.completedBy).map((t) => `${t.id}: signed off by ${t.completedBy} on ${day(t.completedAt!)} (due ${day(t.dueAt)}, ${t.onTime ? 'on time' : 'late'}; decision: ${t.decision ?? 'n/a'}).`),
    ...v.packChanges.map((c) => `Pack changes reviewed in ${c.period}: ${c.fromVersion ? `${c.fromVersion} -> ${c.toVersion}` : `first review of ${c.toVersion}`}: ${c.added.length} added, ${c.removed.length} removed, ${c.modified.length} modified.`),
    ...v.threatDelta.map((d) => `New threats put before the ${d.period} review (GuardDuty finding types no rule maps): ${d.findingTypes.join(', ') || 'none'}.`),
    `Exceptions (risk acceptance, time-boxed): ${r.exceptions.length} in the period${r.exceptions.length ? `, approved by ${[...new Set(r.exceptions.map((e) => e.approvedBy))].join(', ')}` : ''}.`,
  ];
  let answer: CaiqAnswerValue = 'No';
  let summary = 'No review task was opened in the period.';
  if (v.completed > 0 && v.overdue === 0 && v.completedOnTime === v.completed) {
    answer = 'Yes';
    summary = `Every review due in the period was signed off on time, by ${v.reviewers.join(', ')}.`;
  } else if (v.tasks.length > 0) {
    answer = 'Partially';
    summary = v.completed === 0 ? 'Reviews were opened but none was signed off yet.' : 'Reviews were signed off, but not all on time.';
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

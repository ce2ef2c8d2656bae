import type { CompiledRule, PolicyPack } from '../policy/index.js';
import { driftActivity } from '../review/index.js';
import type { DriftFacts } from '../review/index.js';
import { DATA_TITLE, GUIDELINES } from './control.js';
import { approverText, packChange } from './caiq.js';
import { compactIds, untilDayIn, hours, plural, severityList } from './format.js';
import type { EvidenceReport, GuidelineEvidence } from './types.js';

type Guideline = (typeof GUIDELINES)[number];

function rulesFor(g: Guideline, pack: PolicyPack): CompiledRule[] {
  const types: readonly string[] = g.resourceTypes;
  return pack.rules.filter((c) => {
    if (types.includes(c.rule.resource.type)) return true;
    if (g.id === 'data') return DATA_TITLE.test(c.rule.title);
    if (g.id === 'incident-access') return c.rule.on.source === 'guardduty';
    return false;
  });
}

function technical(g: Guideline, rules: CompiledRule[], facts: DriftFacts, w: EvidenceReport['window']): string[] {
  const ids = new Set(rules.map((c) => c.rule.id));
  const a = driftActivity(facts, w.from, w.to, (r) => ids.has(r.ruleId));
  const lines = [
    `${plural(rules.length, 'rule')} check this${rules.length ? `: ${compactIds([...ids])}` : ''}.`,
    `${w.firstDay} to ${w.lastDay}: ${plural(a.eventsEvaluated, 'event')} evaluated, ${a.opened.length} drift opened, ${a.resolved.length} resolved (mean ${hours(a.meanTimeToResolveHours)}); open now: ${severityList(a.openBySeverity)}.`,
  ];
  if (g.id === 'incident-access') {
    lines.push(
      'Every drift transition (opened, resolved, reopened, suppressed, escalated) is published once and alerts the owning team by Slack and e-mail; drift still open after notifications.escalateAfterHours is escalated.',
    );
  }
  return lines;
}

function reviewLines(r: EvidenceReport): string[] {
  const v = r.reviewed;
  return [
    `${plural(v.tasks.length, 'review task')} opened in the period: ${v.completed} signed off (${v.completedOnTime} on time${v.reviewers.length ? `, by ${v.reviewers.join(', ')}` : ''}), ${v.open} open, ${v.overdue} overdue.`,
    ...v.packChanges.map((c) => `${c.period}: ${packChange(c)}.`),
    ...v.threatDelta.map(
      (d) =>
        `${d.period}: ${plural(d.findingTypes.length, 'GuardDuty finding type')} without a rule put before the reviewers${d.findingTypes.length ? ` (${d.findingTypes.join(', ')})` : ''}.`,
    ),
    `${plural(r.exceptions.length, 'exception')} (time-boxed risk acceptance) in the period: ${r.exceptions.map((e) => `${e.exceptionId} ${e.ruleId} on ${e.resource}, approved by ${approverText(e)}, valid through ${untilDayIn(r.window.timezone)(e.expiresAt)} (${e.state})`).join('; ') || 'none'}.`,
  ];
}

/**
 * The four auditing guidelines of MDS-01, each with the rules that implement it and the facts
 * of the period; the last (regular review) with the review cycle's record.
 * @example guidelineEvidence(report, pack, facts)[3].title // 'Regular review'
 */
export function guidelineEvidence(report: EvidenceReport, pack: PolicyPack, facts: DriftFacts): GuidelineEvidence[] {
  return GUIDELINES.map((g) => {
    const rules = rulesFor(g, pack);
    const evidence = g.id === 'review' ? reviewLines(report) : technical(g, rules, facts, report.window);
    return { id: g.id, title: g.title, asks: g.asks, rules: rules.map((c) => c.rule.id), evidence };
  });
}

import { escapeMd as e } from './escape.js';
import { actorLabel } from '../kernel/index.js';
import { approverText } from './caiq.js';
import {
  baselineRows,
  compactIds,
  countList,
  dayIn,
  dayTimeIn,
  untilDayIn,
  hours,
  originLine,
  revokedText,
  severityList,
} from './format.js';
import type { EvidenceReport } from './types.js';

function table(headers: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ['_none_'];
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(e).join(' | ')} |`),
  ];
}

function controlSection(r: EvidenceReport): string[] {
  const c = r.control;
  return [
    `## The control: ${c.id} ${e(c.title)}`,
    '',
    `> ${e(c.specification)}`,
    '',
    `Source: ${e(c.source)}. Domain: ${e(c.domain)}.`,
    '',
    '### Ownership (shared security responsibility)',
    '',
    ...table(
      ['layer', 'owner', 'here'],
      c.ownership.map((o) => [o.layer, o.owner, o.here]),
    ),
    '',
    '### Standards mapped, and the rules implementing each',
    '',
    ...table(
      ['standard', 'rules', 'references'],
      c.standards.map((s) => [
        s.name,
        `${s.rules.length}: ${compactIds(s.rules.map((x) => x.ruleId)) || 'none'}`,
        [...new Set(s.rules.flatMap((x) => x.refs))].join(', ') || '-',
      ]),
    ),
    '',
  ];
}

function caiqSection(r: EvidenceReport): string[] {
  return [
    '## AI-CAIQ',
    '',
    ...r.caiq.flatMap((q) => [
      `### ${q.id}: ${e(q.question)}`,
      '',
      `**${q.answer}.** ${e(q.summary)}`,
      '',
      ...q.evidence.map((x) => `- ${e(x)}`),
      '',
    ]),
  ];
}

function guidelineSection(r: EvidenceReport): string[] {
  return [
    '## Auditing guidelines',
    '',
    ...r.guidelines.flatMap((g, i) => [
      `### ${i + 1}. ${e(g.title)}`,
      '',
      `_${e(g.asks)}_`,
      '',
      ...g.evidence.map((x) => `- ${e(x)}`),
      '',
    ]),
  ];
}

function activitySection(r: EvidenceReport): string[] {
  const busy = r.charts.timeline.filter((b) => b.opened + b.resolved > 0);
  return [
    '## Drift in the period',
    '',
    `${r.ran.eventsEvaluated} events evaluated; ${r.ran.driftOpened} drift opened, ${r.ran.driftResolved} resolved, mean time to resolve ${hours(r.ran.meanTimeToResolveHours)}; open now: ${severityList(r.ran.openNow)}.`,
    '',
    ...table(
      ['period starting', 'opened', 'resolved'],
      busy.map((b) => [b.label, String(b.opened), String(b.resolved)]),
    ),
    '',
    ...table(
      ['severity', 'opened', 'open now'],
      r.charts.bySeverity.map((b) => [b.key, String(b.opened), String(b.openNow)]),
    ),
    '',
    ...table(
      ['area', 'opened', 'open now'],
      r.charts.byArea.map((b) => [b.key, String(b.opened), String(b.openNow)]),
    ),
    '',
  ];
}

function reviewSection(r: EvidenceReport): string[] {
  const day = dayIn(r.window.timezone);
  return [
    '## Reviews',
    '',
    ...table(
      ['task', 'owner', 'status', 'due', 'signed off by', 'on', 'on time', 'decision', 'reminders', 'escalated'],
      r.reviewed.tasks.map((t) => [
        t.id,
        t.owner,
        t.status,
        day(t.dueAt),
        t.completedBy ? actorLabel(t.completedBy, t.completedByName) : '-',
        t.completedAt ? day(t.completedAt) : '-',
        t.onTime === null ? '-' : t.onTime ? 'yes' : 'no',
        t.decision ?? '-',
        t.remindersSent.join(' ') || '-',
        t.escalatedAt ? day(t.escalatedAt) : '-',
      ]),
    ),
    '',
    '## Exceptions (risk acceptance)',
    '',
    ...table(
      ['id', 'rule', 'resource', 'approved by', 'reason', 'from', 'until', 'state', 'revoked'],
      r.exceptions.map((x) => [
        x.exceptionId,
        x.ruleId,
        x.resource,
        approverText(x),
        x.reason,
        day(x.createdAt),
        untilDayIn(r.window.timezone)(x.expiresAt),
        x.state,
        revokedText(x),
      ]),
    ),
    '',
  ];
}

function baselineSection(r: EvidenceReport): string[] {
  const { headers, rows } = baselineRows(r);
  return [
    '## Baseline: the existing state read through the rules',
    '',
    'The last baseline of each account and region (AWS Config inventory and SageMaker/Bedrock jobs in progress, or a Config snapshot).',
    '',
    ...table(headers, rows),
    '',
  ];
}

function packSection(r: EvidenceReport): string[] {
  return [
    '## Policy pack and deployment',
    '',
    `- ${e(r.provenance.statement)}`,
    `- Pack ${r.defined.packVersion}: ${r.defined.rules} rules; by area: ${countList(r.defined.byArea)}; by severity: ${severityList(r.defined.bySeverity)}.`,
    `- Pack versions that evaluated events in the period: ${r.ran.packVersions.join(', ') || 'none'}.`,
    `- EventBridge patterns: ${r.deployed.patterns} (${e(r.deployed.patternNames.join(', ') || 'none')}).`,
    `- Functions (${e(r.deployed.source)}): ${e(r.deployed.functions.join(', ') || 'none')}.`,
    '',
  ];
}

/** The provenance statement with its label (`Deployed`, `Evaluated locally`) set apart. */
export function provenanceLine(r: EvidenceReport, render: (label: string, rest: string) => string): string {
  const s = r.provenance.statement;
  const at = s.indexOf(': ');
  return at < 0 ? render(s, '') : render(s.slice(0, at), s.slice(at + 2));
}

function appendixSection(r: EvidenceReport): string[] {
  const at = dayTimeIn(r.window.timezone);
  return [
    '## Appendix: every drift of the period',
    '',
    `${r.appendix.drift.length} drift episodes open at some time from ${r.window.firstDay} to ${r.window.lastDay}, oldest first. Trace one with \`tpguard drift show <id>\` (its record and every observation, with the redacted evidence).`,
    '',
    ...table(
      ['drift id', 'rule', 'severity', 'resource', 'account / region', 'opened', 'opened by', 'closed', 'closed by'],
      r.appendix.drift.map((d) => [
        d.driftId,
        d.ruleId,
        d.severity,
        `${d.resourceType}/${d.resourceId}`,
        `${d.account} / ${d.region}`,
        at(d.openedAt),
        d.openedBy ?? '-',
        d.closedAt ? `${d.closed} ${at(d.closedAt)}` : 'open at the end of the period',
        d.closedBy ?? '-',
      ]),
    ),
    '',
  ];
}

/**
 * The report as Markdown (GitHub-flavoured tables).
 * @example renderMarkdown(buildEvidence(input)).startsWith('# ') // true
 */
export function renderMarkdown(r: EvidenceReport): string {
  return [
    `# Evidence report: ${r.control.id} ${e(r.control.title)}`,
    '',
    `Generated ${r.generatedAt} by tpguard ${e(r.provenance.tpguardVersion)} for ${r.window.firstDay} to ${r.window.lastDay} (${r.window.timezone}); policy pack ${r.defined.packVersion}.`,
    '',
    provenanceLine(r, (label, rest) => `**${label}:** ${e(rest)}`),
    '',
    ...(r.origin ? [e(originLine(r.origin)), ''] : []),
    ...r.caiq.map((q) => `- **${q.id} ${q.answer}**: ${e(q.summary)}`),
    '',
    ...controlSection(r),
    ...caiqSection(r),
    ...guidelineSection(r),
    ...activitySection(r),
    ...baselineSection(r),
    ...reviewSection(r),
    ...packSection(r),
    ...appendixSection(r),
  ].join('\n');
}

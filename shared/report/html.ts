import { escapeXml as x } from './escape.js';
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
import { provenanceLine } from './markdown.js';
import { breakdownChart, timelineChart } from './svg.js';
import type { EvidenceReport } from './types.js';

const CSS = `
:root{--fg:#18181b;--muted:#52525b;--line:#e4e4e7;--yes:#15803d;--partially:#b45309;--no:#b91c1c;--bg:#fafafa}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:1040px;margin:0 auto;padding:28px 32px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}.meta{color:var(--muted);margin:0 0 16px}
blockquote{margin:8px 0;padding:8px 14px;border-left:4px solid #1d4ed8;background:#eff6ff}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f5}.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px}.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px}
.answer{display:inline-block;font-weight:700;color:#fff;border-radius:4px;padding:0 8px;margin-right:6px}
.Yes{background:var(--yes)}.Partially{background:var(--partially)}.No{background:var(--no)}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:12px}.chart{border:1px solid var(--line);border-radius:8px;padding:6px}
ul{margin:4px 0 10px;padding-left:20px}li{margin:2px 0}.asks{color:var(--muted);font-style:italic;margin:0}
.provenance{padding:6px 10px;border-radius:6px;margin:0 0 12px}.provenance.deployed{background:#ecfdf5}.provenance.local{background:#fffbeb}
.appendix table{font-size:11px}.status-done{color:var(--yes);font-weight:600}.status-overdue{color:var(--no);font-weight:600}.status-open{color:var(--partially);font-weight:600}
@media print{body{background:#fff;font-size:11px}main{max-width:none;padding:0}h2{break-after:avoid}section,table,.chart,.card{break-inside:avoid}
 .answer{-webkit-print-color-adjust:exact;print-color-adjust:exact}@page{size:A4;margin:14mm}}
`;

function table(headers: string[], rows: string[][], raw = false): string {
  if (rows.length === 0) return '<p class="meta">none</p>';
  const cell = (c: string) => `<td>${raw ? c : x(c)}</td>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${x(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${x(i)}</li>`).join('')}</ul>`;
}

function cards(r: EvidenceReport): string {
  const c: [string, string][] = [
    [String(r.defined.rules), `rules in pack ${r.defined.packVersion}`],
    [String(r.ran.eventsEvaluated), 'events evaluated'],
    [`${r.ran.driftOpened} / ${r.ran.driftResolved}`, 'drift opened / resolved'],
    [hours(r.ran.meanTimeToResolveHours), 'mean time to resolve'],
    [
      String(Object.values(r.ran.openNow).reduce((a, b) => a + (b ?? 0), 0)),
      `open now (${severityList(r.ran.openNow)})`,
    ],
    [`${r.reviewed.completedOnTime} of ${r.reviewed.tasks.length}`, 'reviews signed off on time'],
    [String(r.reviewed.overdue), 'reviews overdue'],
    [String(r.exceptions.filter((e) => e.state === 'active').length), 'active exceptions'],
  ];
  return `<div class="cards">${c.map(([v, l]) => `<div class="card"><b>${x(v)}</b><span>${x(l)}</span></div>`).join('')}</div>`;
}

function control(r: EvidenceReport): string {
  const c = r.control;
  return (
    `<section><h2>The control: ${x(c.id)} ${x(c.title)}</h2><blockquote>${x(c.specification)}</blockquote><p class="meta">${x(c.source)}. Domain: ${x(c.domain)}.</p>` +
    `<h3>Ownership (shared security responsibility)</h3>${table(
      ['layer', 'owner', 'here'],
      c.ownership.map((o) => [o.layer, o.owner, o.here]),
    )}` +
    `<h3>Standards mapped, and the rules implementing each</h3>${table(
      ['standard', 'rules', 'references'],
      c.standards.map((s) => [
        s.name,
        `${s.rules.length}: ${compactIds(s.rules.map((y) => y.ruleId)) || 'none'}`,
        [...new Set(s.rules.flatMap((y) => y.refs))].join(', ') || '-',
      ]),
    )}</section>`
  );
}

function caiq(r: EvidenceReport): string {
  return `<section><h2>AI-CAIQ</h2>${r.caiq.map((q) => `<h3>${x(q.id)}: ${x(q.question)}</h3><p><span class="answer ${x(q.answer)}">${x(q.answer)}</span>${x(q.summary)}</p>${list(q.evidence)}`).join('')}</section>`;
}

function guidelines(r: EvidenceReport): string {
  return `<section><h2>Auditing guidelines</h2>${r.guidelines.map((g, i) => `<h3>${i + 1}. ${x(g.title)}</h3><p class="asks">${x(g.asks)}</p>${list(g.evidence)}`).join('')}</section>`;
}

function activity(r: EvidenceReport): string {
  return (
    `<section><h2>Drift in the period</h2><div class="chart">${timelineChart(r.charts.timeline)}</div>` +
    `<div class="charts"><div class="chart">${breakdownChart('By severity', r.charts.bySeverity)}</div><div class="chart">${breakdownChart('By policy area', r.charts.byArea)}</div></div></section>`
  );
}

function reviews(r: EvidenceReport): string {
  const day = dayIn(r.window.timezone);
  const rows = r.reviewed.tasks.map((t) => [
    x(t.id),
    x(t.owner),
    `<span class="status-${x(t.status)}">${x(t.status)}</span>`,
    x(day(t.dueAt)),
    x(t.completedBy ? actorLabel(t.completedBy, t.completedByName) : '-'),
    x(t.completedAt ? day(t.completedAt) : '-'),
    t.onTime === null ? '-' : t.onTime ? 'yes' : 'no',
    x(t.decision ?? '-'),
    x(t.remindersSent.join(' ') || '-'),
    x(t.escalatedAt ? day(t.escalatedAt) : '-'),
  ]);
  return (
    `<section><h2>Reviews</h2>${table(['task', 'owner', 'status', 'due', 'signed off by', 'on', 'on time', 'decision', 'reminders', 'escalated'], rows, true)}` +
    `<h2>Exceptions (risk acceptance)</h2>${table(
      ['id', 'rule', 'resource', 'approved by', 'reason', 'from', 'until', 'state', 'revoked'],
      r.exceptions.map((e) => [
        e.exceptionId,
        e.ruleId,
        e.resource,
        approverText(e),
        e.reason,
        day(e.createdAt),
        untilDayIn(r.window.timezone)(e.expiresAt),
        e.state,
        revokedText(e),
      ]),
    )}</section>`
  );
}

function baseline(r: EvidenceReport): string {
  const { headers, rows } = baselineRows(r);
  return `<section><h2>Baseline: the existing state read through the rules</h2><p class="meta">The last baseline of each account and region (AWS Config inventory and SageMaker/Bedrock jobs in progress, or a Config snapshot).</p>${table(headers, rows)}</section>`;
}

function pack(r: EvidenceReport): string {
  return `<section><h2>Policy pack and deployment</h2>${list([
    r.provenance.statement,
    `Pack ${r.defined.packVersion}: ${r.defined.rules} rules; by area: ${countList(r.defined.byArea)}; by severity: ${severityList(r.defined.bySeverity)}.`,
    `Pack versions that evaluated events in the period: ${r.ran.packVersions.join(', ') || 'none'}.`,
    `EventBridge patterns: ${r.deployed.patterns} (${r.deployed.patternNames.join(', ') || 'none'}).`,
    `Functions (${r.deployed.source}): ${r.deployed.functions.join(', ') || 'none'}.`,
  ])}</section>`;
}

function appendix(r: EvidenceReport): string {
  const at = dayTimeIn(r.window.timezone);
  return (
    `<section class="appendix"><h2>Appendix: every drift of the period</h2><p class="meta">${x(`${r.appendix.drift.length} drift episodes open at some time from ${r.window.firstDay} to ${r.window.lastDay}, oldest first. Trace one with tpguard drift show <id> (its record and every observation, with the redacted evidence).`)}</p>` +
    `${table(
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
    )}</section>`
  );
}

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external asset; printable.
 * @example renderHtml(buildEvidence(input)).includes('<svg') // true
 */
export function renderHtml(r: EvidenceReport): string {
  const title = `Evidence report: ${r.control.id} ${r.control.title}`;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${x(title)}</title><style>${CSS}</style></head>` +
    `<body><main><h1>${x(title)}</h1><p class="meta">Generated ${x(r.generatedAt)} by tpguard ${x(r.provenance.tpguardVersion)} for ${x(r.window.firstDay)} to ${x(r.window.lastDay)} (${x(r.window.timezone)}); policy pack ${x(r.defined.packVersion)}.</p>` +
    `<p class="provenance ${x(r.provenance.evidence)}">${provenanceLine(r, (label, rest) => `<b>${x(label)}:</b> ${x(rest)}`)}</p>` +
    `${r.origin ? `<p class="meta">${x(originLine(r.origin))}</p>` : ''}` +
    `${r.caiq.map((q) => `<p><span class="answer ${x(q.answer)}">${x(q.id)} ${x(q.answer)}</span>${x(q.summary)}</p>`).join('')}${cards(r)}` +
    `${activity(r)}${baseline(r)}${control(r)}${caiq(r)}${guidelines(r)}${reviews(r)}${pack(r)}${appendix(r)}</main></body></html>\n`
  );
}

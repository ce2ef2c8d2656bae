import { SEVERITY_RANK } from '../../shared/kernel/index.js';
import { paintSeverity } from '../color.js';
import type { ScanRow } from '../scan-rows.js';
import { renderTable } from '../table.js';
import type { ScanSummary } from './types.js';

type Rank = keyof typeof SEVERITY_RANK;

/**
 * `tpguard scan --format table`: the verdicts most severe first, then the violations rule by rule,
 * then the counts. With `color`, severities are coloured (see cli/color.ts).
 */
export function renderScanTable(rows: readonly ScanRow[], s: ScanSummary, color = false): string {
  const sorted = [...rows].sort(
    (a, b) => SEVERITY_RANK[b.severity as Rank] - SEVERITY_RANK[a.severity as Rank] || a.ruleId.localeCompare(b.ruleId),
  );
  const parts: string[] = [];
  if (sorted.length > 0) {
    parts.push(
      renderTable(
        ['SEVERITY', 'RULE', 'VERDICT', 'RESOURCE', 'EVENT', 'TITLE'],
        sorted.map((r) => [
          r.severity,
          r.ruleId,
          r.verdict,
          `${r.resourceType}/${r.resourceId}`,
          r.eventName ?? r.source,
          r.title,
        ]),
        60,
        color ? (cell, row, col) => (col === 0 ? paintSeverity(sorted[row]!.severity, cell) : cell) : undefined,
      ),
    );
    const byRule = new Map<string, { severity: string; title: string; count: number; resources: Set<string> }>();
    for (const r of sorted.filter((x) => x.verdict === 'violation')) {
      const e = byRule.get(r.ruleId) ?? {
        severity: r.severity,
        title: r.title,
        count: 0,
        resources: new Set<string>(),
      };
      e.count++;
      e.resources.add(r.resourceId);
      byRule.set(r.ruleId, e);
    }
    if (byRule.size > 0) {
      const summary = [...byRule];
      parts.push('', 'Out of policy, rule by rule:');
      parts.push(
        renderTable(
          ['RULE', 'SEVERITY', 'EVENTS', 'RESOURCES', 'TITLE'],
          summary.map(([id, e]) => [id, e.severity, String(e.count), [...e.resources].join(', '), e.title]),
          60,
          color ? (cell, row, col) => (col === 1 ? paintSeverity(summary[row]![1].severity, cell) : cell) : undefined,
        ),
      );
    }
    parts.push('');
  }
  const filtered = s.filteredOut ? ` (${s.filteredOut} more left out by the filters)` : '';
  parts.push(
    `${s.events} events evaluated against ${s.rules} rules (pack ${s.packVersion}): ${s.violations} violations${filtered}, ${s.rejected} rejected inputs`,
  );
  for (const n of s.notConfigured) parts.push(n.message);
  return `${parts.join('\n')}\n`;
}

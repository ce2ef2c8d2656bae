import { ruleSelected } from '../scan-filter.js';
import type { ScanRow } from '../scan-rows.js';
import type { ScanReport } from './types.js';

/**
 * `tpguard scan --format junit`: JUnit XML as CI systems (GitLab, Jenkins, Azure Pipelines,
 * GitHub test reporters) show it. One test suite per policy area; in it, one failed test case per
 * reported violation (`<rule> <resource type>/<id>`), a passed case for each selected rule that
 * found nothing, a skipped case for a verdict that could not be evaluated; rejected inputs are
 * errors of a suite of their own.
 */

/**
 * Text safe inside XML 1.0 attributes and elements: markup characters escaped, and characters
 * XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) written as `\xNN`
 * or `\u{NNNN}` text, since event fields (job names, ARNs) reach these cells. No RegExp is built
 * from the input: one pass over its code units.
 */
export function xmlText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
    }
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0xd800 && c <= 0xdfff) || c >= 0xfffe)
      out += c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u{${c.toString(16)}}`;
    else if (c === 0x26) out += '&amp;';
    else if (c === 0x3c) out += '&lt;';
    else if (c === 0x3e) out += '&gt;';
    else if (c === 0x22) out += '&quot;';
    else if (c === 0x27) out += '&apos;';
    else if (c === 0x0a || c === 0x0d || c === 0x09) out += `&#${c};`;
    else out += text[i];
  }
  return out;
}

/** Element text keeps its line breaks (attribute values do not: they are escaped there). */
const xmlBody = (text: string) => xmlText(text).replace(/&#10;/g, '\n').replace(/&#13;/g, '').replace(/&#9;/g, '\t');

interface Case {
  name: string;
  classname: string;
  xml: string;
  failed: boolean;
  errored: boolean;
  skipped: boolean;
}

function details(row: ScanRow, runbook: string): string {
  return [
    `${row.ruleId} (${row.severity}) ${row.title}`,
    `resource: ${row.resourceType} ${row.resourceId}`,
    `where:    account ${row.account}, region ${row.region}`,
    `event:    ${row.eventName ?? row.source} ${row.eventId} at ${row.eventTime}${row.actor ? ` by ${row.actor}` : ''}`,
    `input:    ${row.where}`,
    ...(row.reason ? [`reason:   ${row.reason}`] : []),
    '',
    'Runbook:',
    runbook.trim(),
  ].join('\n');
}

function rowCase(row: ScanRow, area: string, runbook: string): Case {
  const name = `${row.ruleId} ${row.resourceType}/${row.resourceId}`;
  const classname = `tpguard.${area}.${row.ruleId}`;
  const open = `    <testcase name="${xmlText(name)}" classname="${xmlText(classname)}" time="0"`;
  if (row.verdict === 'violation') {
    const xml = `${open}>\n      <failure message="${xmlText(`${row.title} (${row.severity})`)}" type="${xmlText(row.severity)}">${xmlBody(details(row, runbook))}</failure>\n    </testcase>`;
    return { name, classname, xml, failed: true, errored: false, skipped: false };
  }
  if (row.verdict === 'pass')
    return { name, classname, xml: `${open}/>`, failed: false, errored: false, skipped: false };
  const xml = `${open}>\n      <skipped message="${xmlText(`${row.verdict}${row.reason ? `: ${row.reason}` : ''}`)}"/>\n    </testcase>`;
  return { name, classname, xml, failed: false, errored: false, skipped: true };
}

interface Suite {
  name: string;
  cases: Case[];
}

const counts = (cases: readonly Case[]) =>
  `tests="${cases.length}" failures="${cases.filter((c) => c.failed).length}" errors="${cases.filter((c) => c.errored).length}" skipped="${cases.filter((c) => c.skipped).length}"`;

function renderSuite(s: Suite): string {
  return [
    `  <testsuite name="${xmlText(s.name)}" ${counts(s.cases)} time="0">`,
    ...s.cases.map((c) => c.xml),
    '  </testsuite>',
  ].join('\n');
}

/**
 * The JUnit XML of a scan.
 * @example out.write(renderJunit(report))
 */
export function renderJunit(report: ScanReport): string {
  const byArea = new Map<string, Case[]>();
  const add = (area: string, c: Case) => byArea.set(area, [...(byArea.get(area) ?? []), c]);
  const rules = report.pack.rules.filter((c) => ruleSelected(report.filter, c.rule.id, c.rule.severity));
  const known = new Map(rules.map((c) => [c.rule.id, c] as const));
  for (const row of report.rows) {
    const rule = known.get(row.ruleId);
    add(rule?.area ?? 'other', rowCase(row, rule?.area ?? 'other', rule?.rule.runbook ?? ''));
  }
  const reported = new Set(report.rows.map((r) => r.ruleId));
  for (const c of rules.filter((r) => !reported.has(r.rule.id))) {
    const name = `${c.rule.id} ${c.rule.title}`;
    const classname = `tpguard.${c.area}.${c.rule.id}`;
    const xml = `    <testcase name="${xmlText(name)}" classname="${xmlText(classname)}" time="0"/>`;
    add(c.area, { name, classname, xml, failed: false, errored: false, skipped: false });
  }
  const suites: Suite[] = [...byArea.keys()]
    .sort()
    .map((area) => ({ name: `tpguard ${area}`, cases: byArea.get(area)! }));
  if (report.rejected.length > 0) {
    suites.push({
      name: 'tpguard rejected inputs',
      cases: report.rejected.map((r): Case => {
        const name = `input ${r.where}`;
        const xml = `    <testcase name="${xmlText(name)}" classname="tpguard.input" time="0">\n      <error message="${xmlText(r.reason)}" type="rejected"/>\n    </testcase>`;
        return { name, classname: 'tpguard.input', xml, failed: false, errored: true, skipped: false };
      }),
    });
  }
  const s = report.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tpguard scan (pack ${xmlText(s.packVersion)}, ${s.events} events)" ${counts(suites.flatMap((x) => x.cases))} time="0">`,
    ...suites.map(renderSuite),
    '</testsuites>',
    '',
  ].join('\n');
}

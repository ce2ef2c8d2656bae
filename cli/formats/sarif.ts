import { safeJson } from '../terminal.js';
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompiledRule } from '../../shared/policy/index.js';
import { ruleSelected } from '../scan-filter.js';
import type { ScanRow } from '../scan-rows.js';
import type { ScanReport } from './types.js';

/**
 * `tpguard scan --format sarif`: SARIF 2.1.0 (OASIS), as code-scanning dashboards read it. One
 * `reportingDescriptor` per rule of the pack the filters select (help text: description and
 * runbook), one result per reported verdict with the resource as a logical location (and the
 * input file as the physical one), rejected inputs as tool execution notifications.
 * Validated against the SARIF 2.1.0 JSON schema in test/cli/scan-formats.test.ts.
 */

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note' | 'none';

/** SARIF level of a violation of this severity. */
const LEVEL: Readonly<Record<string, Level>> = Object.freeze({
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  informational: 'note',
});

/** GitHub code scanning's `security-severity` (CVSS-like score) of each severity. */
const SECURITY_SEVERITY: Readonly<Record<string, string>> = Object.freeze({
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  informational: '0.1',
});

const levelOf = (severity: string): Level => (Object.hasOwn(LEVEL, severity) ? LEVEL[severity]! : 'warning');

function descriptor(c: CompiledRule) {
  const r = c.rule;
  const description = r.description?.trim() ?? r.title;
  const controls = Object.entries(r.controls).flatMap(([k, v]) => (v ?? []).map((id) => `${k}:${id}`));
  const threats = [...r.threats.atlas.map((t) => `atlas:${t}`), ...r.threats.owasp.map((t) => `owasp:${t}`)];
  const helpUri = r.references.find((u) => /^https:\/\/\S+$/.test(u));
  const references = r.references.length > 0 ? `\n\nReferences:\n${r.references.map((u) => `- ${u}`).join('\n')}` : '';
  return {
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: r.title },
    fullDescription: { text: description },
    help: {
      text: `${description}\n\nRunbook:\n${r.runbook.trim()}${references}`,
      markdown: `${description}\n\n**Runbook**\n\n${r.runbook.trim()}${references.replace('References:', '**References**\n')}`,
    },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: levelOf(r.severity) },
    properties: {
      tags: ['security', 'tpguard', c.area, ...controls, ...threats],
      severity: r.severity,
      'security-severity': SECURITY_SEVERITY[r.severity],
      area: c.area,
      file: `${c.area}/${r.id}.yaml`,
    },
  };
}

/** `file[:record]` as a file and a record index. */
function splitWhere(where: string): { file: string; record?: number } {
  const m = /^(.*):(\d+)$/.exec(where);
  return m ? { file: m[1]!, record: Number(m[2]) } : { file: where };
}

/** A path as a relative URI against the working folder (`%SRCROOT%`), or a file: URI. */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  if (rel && !rel.startsWith('..') && !isAbsolute(rel))
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  return { uri: pathToFileURL(resolve(file)).href };
}

function message(row: ScanRow): string {
  const who = row.actor ? ` by ${row.actor}` : '';
  const what = row.verdict === 'violation' ? row.title : `${row.verdict}: ${row.title}`;
  return `${what}: ${row.resourceType} ${row.resourceId} in account ${row.account} ${row.region} (${row.eventName ?? row.source} ${row.eventId}${who} at ${row.eventTime})${row.reason ? `; ${row.reason}` : ''}`;
}

function result(row: ScanRow, ruleIndex: number) {
  const { file, record } = splitWhere(row.where);
  const physical = file === '<stdin>' ? [] : [{ physicalLocation: { artifactLocation: artifactLocation(file) } }];
  const violation = row.verdict === 'violation';
  const resourceKey = [row.account, row.region, row.resourceType, row.resourceId].join('/');
  return {
    ruleId: row.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    kind: violation ? 'fail' : row.verdict === 'pass' ? 'pass' : 'review',
    level: violation ? levelOf(row.severity) : 'none',
    message: { text: message(row) },
    locations: [
      {
        ...physical[0],
        logicalLocations: [{ name: row.resourceId, fullyQualifiedName: resourceKey, kind: 'resource' }],
      },
    ],
    partialFingerprints: {
      'tpguardResource/v1': createHash('sha256').update(`${row.ruleId}\0${resourceKey}`).digest('hex'),
    },
    properties: {
      severity: row.severity,
      verdict: row.verdict,
      resourceType: row.resourceType,
      resourceId: row.resourceId,
      account: row.account,
      region: row.region,
      eventId: row.eventId,
      eventTime: row.eventTime,
      source: row.source,
      ...(row.eventName ? { eventName: row.eventName } : {}),
      ...(row.actor ? { actor: row.actor } : {}),
      where: row.where,
      ...(record !== undefined ? { record } : {}),
    },
  };
}

/**
 * The SARIF log of a scan, as JSON text.
 * @example out.write(renderSarif(report))
 */
export function renderSarif(report: ScanReport): string {
  const rules = report.pack.rules.filter((c) => ruleSelected(report.filter, c.rule.id, c.rule.severity));
  const index = new Map(rules.map((c, i) => [c.rule.id, i] as const));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tpguard',
            version: report.version,
            semanticVersion: report.version,
            rules: rules.map(descriptor),
            properties: { packVersion: report.summary.packVersion },
          },
        },
        invocations: [
          {
            executionSuccessful: report.rejected.length === 0,
            // Rules that judge only part of what they could: an approved list is still empty.
            toolConfigurationNotifications: report.summary.notConfigured.map((n) => ({
              level: 'warning',
              message: { text: n.message },
              descriptor: { id: n.key },
            })),
            toolExecutionNotifications: report.rejected.map((r) => {
              const { file } = splitWhere(r.where);
              return {
                level: 'error',
                message: { text: `${r.where}: ${r.reason}` },
                ...(file === '<stdin>'
                  ? {}
                  : { locations: [{ physicalLocation: { artifactLocation: artifactLocation(file) } }] }),
              };
            }),
          },
        ],
        results: report.rows.map((row) => result(row, index.get(row.ruleId) ?? -1)),
        properties: { summary: report.summary },
      },
    ],
  };
  return `${safeJson(log, 2)}\n`;
}

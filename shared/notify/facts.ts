import type { DriftRecord, DriftTransition, TransitionKind } from '../drift/index.js';
import { escapeControls, redactSecrets } from '../kernel/index.js';
import type { PolicyPack } from '../policy/index.js';
import type { Rule } from '../policy/index.js';
import type { Severity } from '../kernel/index.js';
import { isRecord } from '../kernel/index.js';
import { consoleUrl } from './console-link.js';
import { hoursBetween, lines, truncate } from './text.js';

/** What a message needs to know about a rule: why it matters and what to do. */
export interface RuleInfo {
  id: string;
  title: string;
  description?: string;
  runbook: string;
  references: readonly string[];
  controls: Rule['controls'];
  threats: Rule['threats'];
}

/** Rule metadata by id (built once per container from the loaded pack). */
export type RuleCatalog = ReadonlyMap<string, RuleInfo>;

/** @example const catalog = ruleCatalog(await loadPolicyPack('policies')) */
export function ruleCatalog(pack: PolicyPack): RuleCatalog {
  return new Map(
    pack.rules.map(({ rule }) => [
      rule.id,
      {
        id: rule.id,
        title: rule.title,
        description: rule.description,
        runbook: rule.runbook,
        references: rule.references,
        controls: rule.controls,
        threats: rule.threats,
      },
    ]),
  );
}

/** How each control framework and threat catalogue is named in a message. */
const FRAMEWORK_LABELS: Readonly<Record<string, string>> = {
  aicm: 'CSA AICM',
  iso42001: 'ISO/IEC 42001',
  euAiAct: 'EU AI Act',
  nistAi600: 'NIST AI 600-1',
  bsiAic4: 'BSI AIC4',
  bsiC5: 'BSI C5',
  atlas: 'MITRE ATLAS',
  owasp: 'OWASP',
};

function labelled(map: Record<string, readonly string[] | undefined> | undefined): string[] {
  if (!map) return [];
  return Object.entries(map)
    .filter(([, ids]) => ids && ids.length > 0)
    .map(([k, ids]) => `${FRAMEWORK_LABELS[k] ?? k} ${ids!.join(', ')}`);
}

/** Everything a renderer may show about one transition, with secret-like values already redacted. */
export interface AlertFacts {
  kind: TransitionKind;
  driftId: string;
  ruleId: string;
  title: string;
  severity: Severity;
  account: string;
  region: string;
  resourceType: string;
  resourceId: string;
  resourceArn?: string;
  owner: string;
  /** Who did it: the principal of the event that caused the transition. */
  actor?: string;
  eventId: string;
  eventTime: string;
  firstSeen?: string;
  occurrences: number;
  resolvedBy?: string;
  exceptionId?: string;
  /** For an escalation: how long the drift has been open. */
  openHours?: number;
  description?: string;
  controls: string[];
  threats: string[];
  runbook: string[];
  references: string[];
  evidence: Array<[string, string]>;
  consoleUrl: string;
  packVersion: string;
}

const MAX_EVIDENCE_LINES = 20;

/** Flattens redacted evidence to `path: value` pairs, bounded in count and length. */
export function flattenEvidence(
  value: unknown,
  prefix = '',
  out: Array<[string, string]> = [],
  depth = 0,
): Array<[string, string]> {
  if (out.length >= MAX_EVIDENCE_LINES) return out;
  if (isRecord(value) && depth < 6) {
    for (const [k, v] of Object.entries(value)) flattenEvidence(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return out;
  }
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  // One line each: a newline in a value must not start a line of the message (a fake link).
  out.push([truncate(escapeControls(prefix || 'value'), 120), truncate(escapeControls(text), 200)]);
  return out;
}

/**
 * The event fields the rule read (`fields` of the drift evidence; resource and source are shown
 * elsewhere), else the trigger, as lines.
 */
function evidenceLines(evidence: Record<string, unknown> | undefined): Array<[string, string]> {
  if (!evidence) return [];
  const shown = isRecord(evidence.fields)
    ? evidence.fields
    : isRecord(evidence.trigger)
      ? { trigger: evidence.trigger }
      : evidence;
  const lines = flattenEvidence(shown);
  if (typeof evidence.errorCode === 'string') lines.unshift(['errorCode', escapeControls(evidence.errorCode)]);
  return lines;
}

/** Since when a drift record has been open (the opening transition, else `openedAt`, else `firstSeen`). */
export function openSince(record: DriftRecord): string | undefined {
  const t = record.lastTransition;
  if (t && (t.kind === 'opened' || t.kind === 'reopened')) return t.at;
  return record.openedAt ?? record.firstSeen;
}

export interface FactsOptions {
  consoleBaseUrl?: string;
  /** The time an escalation is computed at. */
  now?: Date;
}

/**
 * The facts of a transition. The whole transition is passed through `redactSecrets` first, so
 * nothing a renderer shows can carry a credential from the event.
 * @example const facts = alertFacts(transition, catalog, { consoleBaseUrl: 'https://console.aws.amazon.com' })
 */
export function alertFacts(transition: DriftTransition, catalog: RuleCatalog, options: FactsOptions = {}): AlertFacts {
  const t = redactSecrets(transition);
  const r = t.record;
  const rule = catalog.get(r.ruleId);
  // Every value that came from an event or the store, on one line with controls escaped: the
  // renderers put each on a line of its own (email) or in a field (Slack, Chatbot, ASFF).
  const one = escapeControls;
  const opt = (v: string | undefined) => (v === undefined ? undefined : escapeControls(v));
  const facts: AlertFacts = {
    kind: t.kind,
    driftId: one(r.driftId),
    ruleId: one(r.ruleId),
    title: rule?.title ?? one(r.title),
    severity: r.severity,
    account: one(r.account),
    region: one(r.region),
    resourceType: one(r.resourceType),
    resourceId: one(r.resourceId),
    resourceArn: opt(r.resourceArn),
    owner: one(r.owner ?? 'default'),
    actor: opt(r.actor),
    eventId: one(t.eventId),
    eventTime: one(t.eventTime),
    firstSeen: opt(r.firstSeen),
    occurrences: r.occurrences,
    resolvedBy: opt(r.resolvedBy),
    exceptionId: opt(r.exceptionId),
    description: rule?.description?.replace(/\s+/g, ' ').trim(),
    controls: labelled(rule?.controls),
    threats: labelled(rule?.threats),
    runbook: lines(rule?.runbook),
    references: [...(rule?.references ?? [])],
    evidence: evidenceLines(t.evidence),
    consoleUrl: consoleUrl(r, options.consoleBaseUrl),
    packVersion: one(r.packVersion),
  };
  if (t.kind === 'escalated' && options.now) facts.openHours = hoursBetween(openSince(r), options.now);
  return facts;
}

/** "Drift opened" and friends. */
export const KIND_HEADLINES: Readonly<Record<TransitionKind, string>> = {
  opened: 'Drift opened',
  reopened: 'Drift reopened',
  resolved: 'Drift resolved',
  suppressed: 'Drift suppressed',
  escalated: 'Drift escalated',
  unverifiable: 'Drift unverifiable',
};

/** One sentence on who or what closed, suppressed or escalated the drift. */
export function outcomeSentence(f: AlertFacts): string | undefined {
  if (f.kind === 'resolved')
    return `Resolved by ${f.resolvedBy ?? f.actor ?? 'a compliant observation'} at ${f.eventTime}.`;
  if (f.kind === 'suppressed')
    return `Suppressed by exception ${f.exceptionId ?? '(unnamed)'}: the risk was accepted until the exception expires.`;
  if (f.kind === 'escalated') {
    const age = f.openHours !== undefined ? ` for ${f.openHours} hours` : '';
    return `Still open${age} after the owner (${f.owner}) was alerted: escalated to the default owners.`;
  }
  if (f.kind === 'reopened') return 'It had been resolved before and is out of policy again.';
  if (f.kind === 'unverifiable')
    return 'The rule could not judge the latest event (a field was truncated, too deep, too large or unreadable): treat it as out of policy until an event shows otherwise.';
  return undefined;
}

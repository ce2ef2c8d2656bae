import { KIND_HEADLINES, outcomeSentence, type AlertFacts } from './facts.js';
import { toAscii, truncate } from './text.js';
import type { EmailMessage } from './types.js';

/** SNS: "Subjects must be ... less than 100 characters long"; ASCII keeps every mail client happy. */
export const MAX_SUBJECT = 99;
/** A plain-text body far below the 256 KiB SNS message limit (attributes count too). */
export const MAX_BODY = 64 * 1024;

/**
 * A subject SNS accepts: ASCII, one line, under 100 characters, starting with a letter,
 * digit or punctuation.
 * @example emailSubject('[tpguard] HIGH Drift opened: ...')
 */
export function emailSubject(text: string): string {
  const ascii = toAscii(text);
  return truncate(ascii.length > 0 ? ascii : 'tpguard notification', MAX_SUBJECT, true);
}

/**
 * The most of a subject the resource may take, so that the severity and the rule id always show
 * (31 characters are left for them: `CRITICAL TPS-BR-01 drift opened`); longer names are cut.
 */
export const MAX_SUBJECT_RESOURCE = 56;
const SUBJECT_TAG = ' [tpguard]';

/**
 * A subject that names the resource first (cut at {@link MAX_SUBJECT_RESOURCE}), then what happened
 * (cut to fit), then `[tpguard]`: ASCII, one line, under 100 characters.
 * @example resourceSubject('llm-job', 'HIGH Drift opened: TPS-SM-10 ...') // 'llm-job: HIGH Drift opened: TPS-SM-10 ... [tpguard]'
 */
export function resourceSubject(resource: string, what: string): string {
  const res = truncate(toAscii(resource) || 'unnamed resource', MAX_SUBJECT_RESOURCE, true);
  const room = MAX_SUBJECT - res.length - 2 - SUBJECT_TAG.length;
  return emailSubject(`${res}: ${truncate(toAscii(what), room, true)}${SUBJECT_TAG}`);
}

/** The SNS message attributes subscription filter policies select on. */
export function messageAttributes(f: AlertFacts): Record<string, string> {
  return { owner: f.owner, severity: f.severity, ruleId: f.ruleId, transition: f.kind };
}

function where(f: AlertFacts): string[] {
  const out = [`Where:    account ${f.account}, region ${f.region}`, `          ${f.resourceType} ${f.resourceId}`];
  if (f.resourceArn && f.resourceArn !== f.resourceId) out.push(`          ${f.resourceArn}`);
  return out;
}

function why(f: AlertFacts): string[] {
  const out = ['', 'Why it matters'];
  if (f.description) out.push(`  ${f.description}`);
  if (f.controls.length > 0) out.push(`  Controls: ${f.controls.join('; ')}`);
  if (f.threats.length > 0) out.push(`  Threats:  ${f.threats.join('; ')}`);
  return out.length > 2 ? out : [];
}

function todo(f: AlertFacts): string[] {
  if (f.kind === 'resolved' || f.kind === 'suppressed' || f.runbook.length === 0) return [];
  return ['', 'What to do', ...f.runbook.map((l) => `  ${l}`), ...f.references.map((r) => `  See: ${r}`)];
}

function evidence(f: AlertFacts): string[] {
  if (f.evidence.length === 0) return [];
  return ['', 'Evidence (secret-like values are redacted)', ...f.evidence.map(([k, v]) => `  ${k}: ${v}`)];
}

/**
 * The plain-text email of a transition: what, where, who, when, why it matters (controls and
 * threats), the runbook and a console link.
 * @example renderEmail(alertFacts(transition, catalog)).subject
 */
export function renderEmail(f: AlertFacts): EmailMessage {
  const headline = KIND_HEADLINES[f.kind];
  const subject = resourceSubject(
    f.resourceId,
    `${f.severity.toUpperCase()} ${f.ruleId} ${headline.toLowerCase()}: ${f.title}`,
  );
  const outcome = outcomeSentence(f);
  const body = [
    `${headline}: ${f.title}`,
    ...(outcome ? ['', outcome] : []),
    '',
    `What:     ${f.ruleId} ${f.title} (severity ${f.severity})`,
    ...where(f),
    `Who:      ${f.actor ?? 'unknown principal'}`,
    `When:     ${f.eventTime} (event ${f.eventId})`,
    `Owner:    ${f.owner}`,
    ...(f.firstSeen && f.firstSeen !== f.eventTime
      ? [`Since:    ${f.firstSeen} (${f.occurrences} violating observation(s))`]
      : []),
    ...why(f),
    ...todo(f),
    ...evidence(f),
    '',
    `Open in the AWS console: ${f.consoleUrl}`,
    '',
    '--',
    `tpguard drift ${f.driftId}, policy pack ${f.packVersion}.`,
    `SNS attributes: owner=${f.owner} severity=${f.severity} ruleId=${f.ruleId} transition=${f.kind}.`,
    'Change what you receive with the subscription filter policy (see the tpguard README, section alerts).',
  ].join('\n');
  return { subject, text: truncate(body, MAX_BODY), attributes: messageAttributes(f) };
}

/**
 * The messages that list several transitions: the ones one event caused for one owner, as one
 * email and one Slack message (each rule with its severity, what happened and its runbook).
 */
import { SEVERITY_RANK, type Severity } from '../kernel/index.js';
import { MAX_BODY, resourceSubject } from './email.js';
import { KIND_HEADLINES, outcomeSentence, type AlertFacts } from './facts.js';
import { emojiFor, field, header, linkButton, mrkdwn, SEVERITY_EMOJI } from './slack.js';
import { escapeMrkdwn, mrkdwnCode, truncate } from './text.js';
import type { EmailMessage, SlackBlock, SlackMessage } from './types.js';

/** Slack: at most this many rules get a block of their own (50 blocks per message); the rest are counted. */
export const MAX_SLACK_RULES = 40;

export interface GroupOptions {
  /** `notifications.runbookUrl`: `{ruleId}` replaced by the rule id. */
  runbookUrl?: string;
}

/**
 * Most severe first, then openings before closings, then by rule id: the order both messages list.
 * @example sortFacts(facts)[0].severity // 'critical' when any is
 */
export function sortFacts(facts: readonly AlertFacts[]): AlertFacts[] {
  const closing = (f: AlertFacts) => (f.kind === 'resolved' || f.kind === 'suppressed' ? 1 : 0);
  return [...facts].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      closing(a) - closing(b) ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

function counts<K extends string>(keys: readonly K[]): Array<[K, number]> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()];
}

/** `8 drift opened (7 high, 1 medium)`, `2 drift opened, 1 resolved (3 high)`. */
export function groupSummary(facts: readonly AlertFacts[]): string {
  const kinds = counts(facts.map((f) => f.kind)).map(([k, n], i) => `${n} ${i === 0 ? 'drift ' : ''}${k}`);
  const bySeverity = counts(sortFacts(facts).map((f) => f.severity)).map(([s, n]) => `${n} ${s}`);
  return `${kinds.join(', ')} (${bySeverity.join(', ')})`;
}

function highest(facts: readonly AlertFacts[]): Severity {
  return sortFacts(facts)[0]!.severity;
}

/** How many other resources than the first a group names. */
function otherResources(facts: readonly AlertFacts[]): number {
  return new Set(facts.map((f) => `${f.resourceType}\u0000${f.resourceId}`)).size - 1;
}

/**
 * The link to a rule's runbook, or undefined without `runbookUrl` (or when the link could break out
 * of a Slack `<url|text>`).
 * @example runbookLink('https://wiki.example.com/runbooks/{ruleId}', 'TPS-SM-10') // 'https://wiki.example.com/runbooks/TPS-SM-10'
 */
export function runbookLink(runbookUrl: string | undefined, ruleId: string): string | undefined {
  if (!runbookUrl) return undefined;
  const url = runbookUrl.split('{ruleId}').join(encodeURIComponent(ruleId));
  return /[<>|\s]/.test(url) ? undefined : url;
}

/**
 * The email subject of a group: the resource first, then the highest severity and what happened.
 * @example groupSubject(facts) // 'llm-finetune-jdoe-experiment-7: HIGH 8 drift opened (7 high, 1 medium) [tpguard]'
 */
export function groupSubject(facts: readonly AlertFacts[]): string {
  const sorted = sortFacts(facts);
  const others = otherResources(sorted);
  const more = others > 0 ? ` (+${others} more)` : '';
  return resourceSubject(
    `${sorted[0]!.resourceId}`,
    `${more ? `${more.trim()} ` : ''}${highest(sorted).toUpperCase()} ${groupSummary(sorted)}`,
  );
}

/** SNS attributes of a group: the highest severity; every rule id and transition (String.Array). */
export function groupAttributes(facts: readonly AlertFacts[]): Record<string, string | string[]> {
  return {
    owner: facts[0]!.owner,
    severity: highest(facts),
    ruleId: [...new Set(facts.map((f) => f.ruleId))],
    transition: [...new Set(facts.map((f) => f.kind))],
  };
}

function emailItem(f: AlertFacts, i: number, first: AlertFacts, o: GroupOptions): string[] {
  const out = [`${i + 1}. [${f.severity.toUpperCase()}] ${f.ruleId} ${f.title}: ${KIND_HEADLINES[f.kind]}`];
  const pad = '   ';
  if (f.resourceId !== first.resourceId || f.resourceType !== first.resourceType)
    out.push(`${pad}Resource: ${f.resourceType} ${f.resourceId}`, `${pad}Console:  ${f.consoleUrl}`);
  const outcome = outcomeSentence(f);
  if (outcome) out.push(`${pad}${outcome}`);
  const link = runbookLink(o.runbookUrl, f.ruleId);
  const open = f.kind !== 'resolved' && f.kind !== 'suppressed';
  if (link) out.push(`${pad}Runbook:  ${link}`);
  else if (open && f.runbook.length > 0) out.push(`${pad}Runbook:`, ...f.runbook.map((l) => `${pad}  ${l}`));
  // The fields the rule read; a rule that reads none shows only its trigger, which the headline says already.
  const evidence = f.evidence.filter(([k]) => !k.startsWith('trigger.'));
  if (evidence.length > 0) out.push(`${pad}Evidence:`, ...evidence.map(([k, v]) => `${pad}  ${k}: ${v}`));
  out.push(`${pad}Drift:    ${f.driftId}`);
  return out;
}

/**
 * The plain-text email of several transitions of one event for one owner: the resource, who and
 * when once, then each rule (most severe first) with its severity, what happened, its runbook and
 * evidence, then one console link.
 * @example renderGroupEmail(sortFacts(facts)).subject
 */
export function renderGroupEmail(facts: readonly AlertFacts[], o: GroupOptions = {}): EmailMessage {
  const sorted = sortFacts(facts);
  const first = sorted[0]!;
  const others = otherResources(sorted);
  const attributes = groupAttributes(sorted);
  const body = [
    `One event, ${sorted.length} rules: ${groupSummary(sorted)}`,
    '',
    `Resource: ${first.resourceType} ${first.resourceId}${others > 0 ? ` (and ${others} more, named below)` : ''}`,
    ...(first.resourceArn && first.resourceArn !== first.resourceId ? [`          ${first.resourceArn}`] : []),
    `Where:    account ${first.account}, region ${first.region}`,
    `Who:      ${first.actor ?? 'unknown principal'}`,
    `When:     ${first.eventTime} (event ${first.eventId})`,
    `Owner:    ${first.owner}`,
    '',
    'Rules, most severe first',
    ...sorted.flatMap((f, i) => ['', ...emailItem(f, i, first, o)]),
    '',
    `Open in the AWS console: ${first.consoleUrl}`,
    '',
    '--',
    `tpguard, policy pack ${first.packVersion}. Secret-like values are redacted.`,
    `SNS attributes: owner=${first.owner} severity=${attributes.severity} ruleId=${(attributes.ruleId as string[]).join(',')} transition=${(attributes.transition as string[]).join(',')}.`,
    'Change what you receive with the subscription filter policy (see the tpguard README, section alerts).',
  ].join('\n');
  return { subject: groupSubject(sorted), text: truncate(body, MAX_BODY), attributes };
}

function slackItem(f: AlertFacts, first: AlertFacts, o: GroupOptions): SlackBlock {
  const lines = [
    `${SEVERITY_EMOJI[f.severity]} *${escapeMrkdwn(f.ruleId)}* ${escapeMrkdwn(f.title)} (${f.severity}, ${KIND_HEADLINES[f.kind].toLowerCase()})`,
  ];
  if (f.resourceId !== first.resourceId || f.resourceType !== first.resourceType)
    lines.push(`on ${escapeMrkdwn(f.resourceType)} ${mrkdwnCode(f.resourceId)}`);
  const link = runbookLink(o.runbookUrl, f.ruleId);
  const open = f.kind !== 'resolved' && f.kind !== 'suppressed';
  if (link) lines.push(`<${link}|Runbook>`);
  else if (open && f.runbook[0]) lines.push(`Runbook: ${escapeMrkdwn(f.runbook[0])}`);
  else {
    const outcome = outcomeSentence(f);
    if (outcome) lines.push(escapeMrkdwn(outcome));
  }
  return { type: 'section', text: mrkdwn(lines.join('\n')) };
}

/**
 * The Block Kit message of several transitions of one event for one owner: one section per rule
 * (most severe first, at most {@link MAX_SLACK_RULES}) with its severity and runbook, within Slack's
 * limits; everything from events escaped, so a resource named `<!channel>` pings nobody.
 * @example renderGroupSlack(facts).blocks.length // <= 50
 */
export function renderGroupSlack(facts: readonly AlertFacts[], o: GroupOptions = {}): SlackMessage {
  const sorted = sortFacts(facts);
  const first = sorted[0]!;
  const emoji = emojiFor(first);
  const summary = groupSummary(sorted);
  const others = otherResources(sorted);
  const text = truncate(
    `${emoji} ${escapeMrkdwn(first.resourceId)}: [${first.severity.toUpperCase()}] ${summary} (${escapeMrkdwn(first.account)}, ${escapeMrkdwn(first.region)})`,
    3000,
  );
  const shown = sorted.slice(0, MAX_SLACK_RULES);
  const blocks: SlackBlock[] = [
    header(`${emoji} ${summary}`),
    {
      type: 'section',
      fields: [
        field(
          escapeMrkdwn(first.resourceType),
          `${mrkdwnCode(first.resourceId)}${others > 0 ? ` and ${others} more` : ''}`,
        ),
        field('Owner', escapeMrkdwn(first.owner)),
        field('Account / region', `${escapeMrkdwn(first.account)} / ${escapeMrkdwn(first.region)}`),
        field('Who', escapeMrkdwn(first.actor ?? 'unknown principal')),
        field('When', `${escapeMrkdwn(first.eventTime)}\nevent ${mrkdwnCode(first.eventId)}`),
      ],
    },
    { type: 'divider' },
    ...shown.map((f) => slackItem(f, first, o)),
    ...(sorted.length > shown.length
      ? [
          {
            type: 'context',
            elements: [
              mrkdwn(`…and ${sorted.length - shown.length} more, listed in the email (\`tpguard drift list\`)`),
            ],
          } as SlackBlock,
        ]
      : []),
    ...linkButton('Open in the AWS console', first.consoleUrl, 'tpguard-console'),
    {
      type: 'context',
      elements: [mrkdwn(`tpguard · pack ${escapeMrkdwn(first.packVersion)} · evidence in the email`)],
    },
  ];
  return { text, blocks, unfurl_links: false };
}

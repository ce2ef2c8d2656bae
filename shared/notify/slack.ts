import type { Severity } from '../kernel/index.js';
import { KIND_HEADLINES, outcomeSentence, type AlertFacts } from './facts.js';
import { escapeMrkdwn, mrkdwnCode, truncate } from './text.js';
import type { SlackBlock, SlackMessage, SlackTextObject } from './types.js';

/** Block Kit limits tpguard keeps to (Slack documents them per block type). */
export const SLACK_LIMITS = {
  blocks: 50,
  text: 3000,
  header: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  url: 3000,
} as const;

/** Emoji per severity: the colour of the alert at a glance. */
export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  informational: ':white_circle:',
};

/** Emoji per transition, where the transition says more than the severity. */
const KIND_EMOJI: Readonly<Partial<Record<AlertFacts['kind'], string>>> = {
  resolved: ':white_check_mark:',
  suppressed: ':no_bell:',
  escalated: ':arrow_double_up:',
  unverifiable: ':grey_question:',
};

export const mrkdwn = (text: string): SlackTextObject => ({ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.text) });
export const field = (label: string, value: string): SlackTextObject => ({
  type: 'mrkdwn',
  text: truncate(`*${label}*\n${value}`, SLACK_LIMITS.fieldText),
});
export const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.header), emoji: true },
});

export function emojiFor(f: Pick<AlertFacts, 'kind' | 'severity'>): string {
  return KIND_EMOJI[f.kind] ?? SEVERITY_EMOJI[f.severity];
}

function factFields(f: AlertFacts): SlackTextObject[] {
  const resource =
    f.resourceArn && f.resourceArn !== f.resourceId
      ? `${mrkdwnCode(f.resourceId)}\n${escapeMrkdwn(f.resourceArn)}`
      : mrkdwnCode(f.resourceId);
  return [
    field('Rule', `${escapeMrkdwn(f.ruleId)} (${f.severity})`),
    field('Owner', escapeMrkdwn(f.owner)),
    field(escapeMrkdwn(f.resourceType), resource),
    field('Account / region', `${escapeMrkdwn(f.account)} / ${escapeMrkdwn(f.region)}`),
    field('Who', escapeMrkdwn(f.actor ?? 'unknown principal')),
    field('When', `${escapeMrkdwn(f.eventTime)}\nevent ${mrkdwnCode(f.eventId)}`),
  ];
}

function whyText(f: AlertFacts): string | undefined {
  const parts: string[] = [];
  if (f.description) parts.push(escapeMrkdwn(f.description));
  if (f.controls.length > 0) parts.push(`*Controls:* ${escapeMrkdwn(f.controls.join('; '))}`);
  if (f.threats.length > 0) parts.push(`*Threats:* ${escapeMrkdwn(f.threats.join('; '))}`);
  return parts.length > 0 ? `*Why it matters*\n${parts.join('\n')}` : undefined;
}

function bodyBlocks(f: AlertFacts): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  const outcome = outcomeSentence(f);
  if (outcome) blocks.push({ type: 'section', text: mrkdwn(`*${escapeMrkdwn(outcome)}*`) });
  blocks.push({ type: 'section', fields: factFields(f) });
  const why = whyText(f);
  if (why) blocks.push({ type: 'section', text: mrkdwn(why) });
  if (f.kind !== 'resolved' && f.kind !== 'suppressed' && f.runbook.length > 0) {
    blocks.push({ type: 'section', text: mrkdwn(`*What to do*\n${f.runbook.map(escapeMrkdwn).join('\n')}`) });
  }
  if (f.evidence.length > 0) {
    const code = f.evidence
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n')
      .replace(/```/g, "'''");
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `*Evidence* (secret-like values redacted)\n\`\`\`${escapeMrkdwn(truncate(code, SLACK_LIMITS.text - 60))}\`\`\``,
      ),
    });
  }
  return blocks;
}

/** A link button (omitted when the URL is too long for Slack). */
export function linkButton(text: string, url: string, actionId: string): SlackBlock[] {
  if (url.length > SLACK_LIMITS.url) return [];
  return [
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.buttonText) },
          url,
          action_id: actionId,
        },
      ],
    },
  ];
}

/**
 * The Block Kit message of a transition, within Slack's limits, with a `text` fallback.
 * Everything taken from events is escaped, so a resource named `<!channel>` pings nobody.
 * @example renderSlack(alertFacts(transition, catalog)).blocks.length // <= 50
 */
export function renderSlack(f: AlertFacts): SlackMessage {
  const headline = KIND_HEADLINES[f.kind];
  const emoji = emojiFor(f);
  const text = truncate(
    `${emoji} [${f.severity.toUpperCase()}] ${headline}: ${escapeMrkdwn(f.ruleId)} ${escapeMrkdwn(f.title)} on ${escapeMrkdwn(f.resourceType)} ${escapeMrkdwn(f.resourceId)} (${escapeMrkdwn(f.account)}, ${escapeMrkdwn(f.region)})`,
    SLACK_LIMITS.text,
  );
  const blocks: SlackBlock[] = [
    header(`${emoji} ${headline}: ${f.title}`),
    ...bodyBlocks(f),
    ...linkButton('Open in the AWS console', f.consoleUrl, 'tpguard-console'),
    {
      type: 'context',
      elements: [mrkdwn(`tpguard · drift ${mrkdwnCode(f.driftId)} · pack ${escapeMrkdwn(f.packVersion)}`)],
    },
  ];
  return { text, blocks: blocks.slice(0, SLACK_LIMITS.blocks), unfurl_links: false };
}

function textProblems(where: string, t: SlackTextObject | undefined, max: number): string[] {
  if (!t) return [];
  if (t.text.length === 0) return [`${where}: empty text`];
  return t.text.length > max ? [`${where}: ${t.text.length} characters (limit ${max})`] : [];
}

const BLOCK_CHECKS: Readonly<Record<SlackBlock['type'], (b: SlackBlock, where: string) => string[]>> = {
  header: (b, w) => textProblems(`${w}.text`, (b as Extract<SlackBlock, { type: 'header' }>).text, SLACK_LIMITS.header),
  section: (b, w) => {
    const s = b as Extract<SlackBlock, { type: 'section' }>;
    const out = [...textProblems(`${w}.text`, s.text, SLACK_LIMITS.text)];
    if (!s.text && !s.fields?.length) out.push(`${w}: a section needs text or fields`);
    if ((s.fields?.length ?? 0) > SLACK_LIMITS.fields)
      out.push(`${w}: ${s.fields!.length} fields (limit ${SLACK_LIMITS.fields})`);
    for (const [i, fl] of (s.fields ?? []).entries())
      out.push(...textProblems(`${w}.fields[${i}]`, fl, SLACK_LIMITS.fieldText));
    return out;
  },
  context: (b, w) => {
    const c = b as Extract<SlackBlock, { type: 'context' }>;
    const out =
      c.elements.length > SLACK_LIMITS.contextElements
        ? [`${w}: ${c.elements.length} elements (limit ${SLACK_LIMITS.contextElements})`]
        : [];
    for (const [i, e] of c.elements.entries()) out.push(...textProblems(`${w}.elements[${i}]`, e, SLACK_LIMITS.text));
    return out;
  },
  divider: () => [],
  actions: (b, w) =>
    (b as Extract<SlackBlock, { type: 'actions' }>).elements.flatMap((e, i) => [
      ...textProblems(`${w}.elements[${i}].text`, e.text, SLACK_LIMITS.buttonText),
      ...(e.url.length > SLACK_LIMITS.url
        ? [`${w}.elements[${i}].url: ${e.url.length} characters (limit ${SLACK_LIMITS.url})`]
        : []),
    ]),
};

/**
 * The limits a webhook body breaks (empty when it is valid): at most 50 blocks, 3,000
 * characters per text, 150 per header, 10 fields of 2,000, a non-empty `text` fallback.
 * @example validateSlackMessage(renderSlack(facts)) // []
 */
export function validateSlackMessage(m: SlackMessage): string[] {
  const out: string[] = [];
  if (typeof m.text !== 'string' || m.text.trim().length === 0) out.push('text: the fallback text is required');
  else if (m.text.length > SLACK_LIMITS.text)
    out.push(`text: ${m.text.length} characters (limit ${SLACK_LIMITS.text})`);
  if (m.blocks.length > SLACK_LIMITS.blocks) out.push(`blocks: ${m.blocks.length} (limit ${SLACK_LIMITS.blocks})`);
  for (const [i, b] of m.blocks.entries())
    out.push(...(BLOCK_CHECKS[b.type]?.(b, `blocks[${i}]`) ?? [`blocks[${i}]: unknown type`]));
  return out;
}

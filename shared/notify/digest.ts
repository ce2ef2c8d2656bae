import { contactOf, isTeam, type TpguardConfig } from '../config/index.js';
import type { DriftStore } from '../drift/index.js';
import type { DriftRecord, DriftTransition } from '../drift/index.js';
import { SEVERITY_RANK, type Severity } from '../kernel/index.js';
import { consoleUrl } from './console-link.js';
import type { Dispatcher, Outbound } from './dispatch.js';
import { emailSubject, MAX_BODY } from './email.js';
import { DeliveryFailedError } from './errors.js';
import { openSince } from './facts.js';
import type { ClaimOutcome } from './ledger.js';
import { deliverOnce, notifyTransition, type DeliveryResult, type NotifierDeps } from './notifier.js';
import { alerts } from './routing.js';
import { SEVERITY_EMOJI, SLACK_LIMITS, header, mrkdwn } from './slack.js';
import { describeAge, escapeMrkdwn, hoursBetween, truncate } from './text.js';
import type { Channel, EmailMessage, SlackBlock, SlackMessage } from './types.js';

/** Open drift of one owner, as the digest lists it. */
export interface DigestItem {
  record: DriftRecord;
  ageHours: number;
  url: string;
}

const MAX_EMAIL_ITEMS = 200;

/** Most severe first, then oldest first. */
function byUrgency(a: DigestItem, b: DigestItem): number {
  return (
    SEVERITY_RANK[b.record.severity] - SEVERITY_RANK[a.record.severity] ||
    b.ageHours - a.ageHours ||
    a.record.driftId.localeCompare(b.record.driftId)
  );
}

/** Appended in place: copying the list on every push was quadratic (40,000 records of one owner: 53 s). */
function add(out: Map<string, DigestItem[]>, owner: string, item: DigestItem): void {
  const items = out.get(owner);
  if (items) items.push(item);
  else out.set(owner, [item]);
}

/**
 * Open drift at or above `minSeverity`, grouped by owner, most urgent first. A record is listed for
 * its owner and, given `owners`, for the teams its owner tag named (still teams of the configuration).
 * @example groupByOwner(records, new Date(), 'medium', base, config.owners).get('nlp')
 */
export function groupByOwner(
  records: readonly DriftRecord[],
  now: Date,
  minSeverity: Severity,
  base?: string,
  owners?: TpguardConfig['owners'],
): Map<string, DigestItem[]> {
  const out = new Map<string, DigestItem[]>();
  for (const record of records) {
    if (record.status !== 'open' || !alerts(record.severity, minSeverity)) continue;
    const owner = record.owner ?? 'default';
    const item = {
      record,
      ageHours: Math.max(0, hoursBetween(openSince(record), now) ?? 0),
      url: consoleUrl(record, base),
    };
    // The owner's digest lists it; so do those of the teams its owner tag named (never instead).
    add(out, owner, item);
    const tagged = Array.isArray(record.taggedOwners) && owners ? record.taggedOwners : undefined;
    if (tagged && tagged.length > 0)
      for (const who of new Set(tagged)) {
        if (typeof who === 'string' && who !== owner && isTeam(who, owners!)) add(out, who, item);
      }
  }
  for (const items of out.values()) items.sort(byUrgency);
  return out;
}

function countsBySeverity(items: readonly DigestItem[]): string {
  const counts = new Map<Severity, number>();
  for (const i of items) counts.set(i.record.severity, (counts.get(i.record.severity) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

/** The digest email of one owner: one message listing every open drift. */
export function renderDigestEmail(owner: string, items: readonly DigestItem[], now: Date): EmailMessage {
  const day = now.toISOString().slice(0, 10);
  const lines = [
    `Open drift for ${owner} on ${day}: ${items.length} (${countsBySeverity(items)}), most severe and oldest first.`,
    '',
  ];
  for (const i of items.slice(0, MAX_EMAIL_ITEMS)) {
    const r = i.record;
    lines.push(`[${r.severity.toUpperCase()}] ${r.ruleId} ${r.title}`);
    lines.push(
      `    ${r.resourceType} ${r.resourceId} (account ${r.account}, ${r.region}), open ${describeAge(i.ageHours)}, ${r.occurrences} observation(s)`,
    );
    lines.push(`    ${i.url}`);
  }
  if (items.length > MAX_EMAIL_ITEMS)
    lines.push(`... and ${items.length - MAX_EMAIL_ITEMS} more (tpguard drift list).`);
  lines.push(
    '',
    'Each drift was alerted when it opened; this digest repeats, once a day, what is still open.',
    `-- tpguard daily digest, ${now.toISOString()}`,
  );
  return {
    subject: emailSubject(
      `[tpguard] Daily digest for ${owner}: ${items.length} open drift (${countsBySeverity(items)})`,
    ),
    text: truncate(lines.join('\n'), MAX_BODY),
    attributes: {
      owner,
      severity: items[0]?.record.severity ?? 'informational',
      ruleId: 'digest',
      transition: 'digest',
    },
  };
}

function slackLine(i: DigestItem): string {
  const r = i.record;
  const link =
    i.url.length <= 2000
      ? `<${i.url}|${escapeMrkdwn(truncate(r.resourceId, 200)).replace(/\|/g, '¦')}>`
      : escapeMrkdwn(truncate(r.resourceId, 200));
  return `${SEVERITY_EMOJI[r.severity]} *${escapeMrkdwn(r.ruleId)}* ${escapeMrkdwn(truncate(r.title, 120))}: ${link} (${escapeMrkdwn(r.account)}, ${escapeMrkdwn(r.region)}), open ${describeAge(i.ageHours)}`;
}

/**
 * The Slack digest of one owner: lines packed into sections of at most 3,000 characters, at most
 * 50 blocks in all (the rest is counted in a last line).
 */
export function renderDigestSlack(owner: string, items: readonly DigestItem[], now: Date): SlackMessage {
  const title = `:clipboard: Daily digest for ${owner}: ${items.length} open drift`;
  const chunks: string[][] = [];
  for (const line of items.map((i) => truncate(slackLine(i), SLACK_LIMITS.text))) {
    const last = chunks[chunks.length - 1];
    if (last && [...last, line].join('\n').length <= SLACK_LIMITS.text) last.push(line);
    else chunks.push([line]);
  }
  // header + context first, one line for "and N more" last.
  const kept = chunks.slice(0, SLACK_LIMITS.blocks - 3);
  const shown = kept.reduce((n, c) => n + c.length, 0);
  const blocks: SlackBlock[] = [
    header(title),
    {
      type: 'context',
      elements: [
        mrkdwn(`${countsBySeverity(items)} · ${now.toISOString().slice(0, 10)} · most severe and oldest first`),
      ],
    },
    ...kept.map((c): SlackBlock => ({ type: 'section', text: mrkdwn(c.join('\n')) })),
  ];
  if (shown < items.length)
    blocks.push({ type: 'context', elements: [mrkdwn(`… and ${items.length - shown} more: \`tpguard drift list\``)] });
  return {
    text: truncate(
      `Daily digest for ${owner}: ${items.length} open drift (${countsBySeverity(items)})`,
      SLACK_LIMITS.text,
    ),
    blocks,
    unfurl_links: false,
  };
}

/**
 * The escalation of a drift still open `hours` after it opened, or undefined when it is not due.
 * Its event id is the opening event's: one escalation per open episode.
 * @example escalationOf(record, new Date(), 24)?.kind // 'escalated'
 */
export function escalationOf(record: DriftRecord, now: Date, hours: number): DriftTransition | undefined {
  const last = record.lastTransition;
  if (hours <= 0 || record.status !== 'open' || !last || (last.kind !== 'opened' && last.kind !== 'reopened'))
    return undefined;
  const age = hoursBetween(openSince(record), now);
  if (age === undefined || age < hours) return undefined;
  return { kind: 'escalated', eventId: last.eventId, eventTime: now.toISOString(), record };
}

export interface DigestDeps extends NotifierDeps {
  store: Pick<DriftStore, 'queryRecords'>;
}

/** What one digest run did. */
export interface DigestRun {
  open: number;
  escalations: DeliveryResult[];
  digests: Array<{ owner: string; channel: Channel; outcome: ClaimOutcome | 'sent' | 'failed'; items: number }>;
}

type DigestRenderer = (owner: string, items: readonly DigestItem[], now: Date) => EmailMessage | SlackMessage;
const DIGEST_RENDERERS: Readonly<Partial<Record<Channel, DigestRenderer>>> = {
  email: renderDigestEmail,
  slack: renderDigestSlack,
};

async function sendDigests(
  owner: string,
  items: DigestItem[],
  deps: DigestDeps,
  now: Date,
  run: DigestRun,
  failures: Error[],
): Promise<void> {
  const contact = contactOf(owner, deps.config.owners);
  const targets: Array<[Channel, string[]]> = [
    ['email', contact.email],
    ['slack', contact.slack ? [contact.slack] : []],
  ];
  for (const [channel, to] of targets) {
    const render = DIGEST_RENDERERS[channel];
    if (to.length === 0 || !render || !(deps.dispatcher as Dispatcher)[channel]) continue;
    const message = { channel, kind: 'digest', owner, to, payload: render(owner, items, now) } as Outbound;
    try {
      const outcome = await deliverOnce(
        { scope: 'digest', day: now.toISOString().slice(0, 10), owner, channel },
        () => message,
        deps,
      );
      run.digests.push({ owner, channel, outcome, items: items.length });
      deps.onResult?.(
        { channel, owner, outcome, key: 'digest' } as DeliveryResult,
        outcome === 'sent' ? message : undefined,
      );
    } catch (err) {
      run.digests.push({ owner, channel, outcome: 'failed', items: items.length });
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/**
 * The daily run: one escalation per drift open longer than `escalateAfterHours` (to the default
 * owners, recorded once on the drift item), then one digest per owner and channel (recorded once
 * per day). Failures are collected and thrown together at the end.
 * @example await runDigest(deps)
 */
export async function runDigest(deps: DigestDeps): Promise<DigestRun> {
  const now = deps.clock.now();
  const { minSeverity, escalateAfterHours, digest } = deps.config.notifications;
  const open = (await deps.store.queryRecords({ statuses: ['open'] })).filter((r) => r.status === 'open');
  const run: DigestRun = { open: open.length, escalations: [], digests: [] };
  const failures: Error[] = [];
  for (const record of open) {
    const escalation = alerts(record.severity, minSeverity) ? escalationOf(record, now, escalateAfterHours) : undefined;
    if (!escalation) continue;
    try {
      run.escalations.push(...(await notifyTransition(escalation, deps)));
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (digest) {
    // One owner's failure (a contact that cannot be resolved, a renderer that throws) must not
    // stop the others' digests: collected, and thrown at the end so that Lambda retries.
    for (const [owner, items] of groupByOwner(
      open,
      now,
      minSeverity,
      deps.config.notifications.consoleBaseUrl,
      deps.config.owners,
    )) {
      try {
        await sendDigests(owner, items, deps, now, run, failures);
      } catch (err) {
        failures.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }
  if (failures.length > 0) throw new DeliveryFailedError(`digest ${now.toISOString()}`, failures);
  return run;
}

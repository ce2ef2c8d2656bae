import { contactOf } from '../config/index.js';
import { type DriftTransition, TPGUARD_EVENT_SOURCE } from '../drift/index.js';
import { isRecord, SEVERITIES, SEVERITY_RANK, type Severity } from '../kernel/index.js';
import { type ObservationOrigin, ORIGIN_KINDS } from '../sources/index.js';
import type { Dispatcher, Outbound } from './dispatch.js';
import { emailSubject, MAX_BODY } from './email.js';
import { DeliveryFailedError, InvalidTransitionError } from './errors.js';
import { deliverOnce, type DeliveryResult, type NotifierDeps } from './notifier.js';
import { alerts } from './routing.js';
import { header, mrkdwn, SEVERITY_EMOJI, SLACK_LIMITS } from './slack.js';
import { escapeMrkdwn, truncate } from './text.js';
import type { Channel, ChatbotNotification, EmailMessage, SlackMessage } from './types.js';

/**
 * A batch of transitions made by one read of the current state (a baseline run, a Config snapshot)
 * or by one batch of a recorded S3 backfill is alerted as ONE summary per owner and channel, not one message per
 * drift: day one of a deployment finds every pre-existing problem at once. The transitions are
 * still published and recorded one by one; the notifier only skips their per-drift human messages.
 */

/** The detail-type of a summary on the tpguard bus (routed to the notify function like transitions). */
export const BATCH_SUMMARY_DETAIL_TYPE = 'Drift Batch Summary';

/**
 * Sends a batch's summaries on their way: the tpguard bus deployed ("Drift Batch Summary", to the
 * notify function), the local notifier (outbox) on a laptop. Used by the baseline and the backfill.
 */
export interface SummaryPublisher {
  publishSummaries(summaries: readonly BatchSummary[]): Promise<void>;
}

/** Most items a summary lists (the counts are always complete). */
export const MAX_SUMMARY_ITEMS = 50;

/** One drift in a summary. */
export interface BatchItem {
  /** `unverifiable`: the state read could not be judged (what it carried was cut or too deep). */
  kind: 'opened' | 'reopened' | 'resolved' | 'gone' | 'suppressed' | 'unverifiable';
  severity: Severity;
  ruleId: string;
  title: string;
  resourceType: string;
  resourceId: string;
  account: string;
  region: string;
  driftId: string;
}

/** What one owner hears about one batch (the `detail` of a "Drift Batch Summary" event). */
export interface BatchSummary {
  batch: ObservationOrigin;
  owner: string;
  /** When the batch was read (its summary is dated by it). */
  at: string;
  /** Distinct resources with drift opened or reopened, and how many of them at each highest severity. */
  resourcesOutOfPolicy: number;
  resourcesBySeverity: Partial<Record<Severity, number>>;
  counts: Record<BatchItem['kind'], number>;
  /** Most severe first; at most {@link MAX_SUMMARY_ITEMS}. */
  items: BatchItem[];
}

const isGone = (t: DriftTransition) => t.kind === 'resolved' && (t.record.resolvedReason ?? '').startsWith('gone');

function itemOf(t: DriftTransition): BatchItem | undefined {
  const kind = isGone(t) ? 'gone' : t.kind;
  if (kind === 'escalated') return undefined;
  const r = t.record;
  return {
    kind,
    severity: r.severity,
    ruleId: r.ruleId,
    title: r.title,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    account: r.account,
    region: r.region,
    driftId: r.driftId,
  };
}

const byUrgency = (a: BatchItem, b: BatchItem) =>
  Number(b.kind === 'opened' || b.kind === 'reopened') - Number(a.kind === 'opened' || a.kind === 'reopened') ||
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  a.ruleId.localeCompare(b.ruleId) ||
  a.resourceId.localeCompare(b.resourceId);

/**
 * The summaries of a batch's transitions: one per owner with at least one transition at or above
 * `minSeverity` (below it nobody is alerted, as for single transitions), and a copy for each team
 * the resource's owner tag named (recorded as `taggedOwners`: teams of the configuration).
 * Transitions of other batches are left out, and republished ones unless `withRepublished` (a
 * redelivered backfill batch summarizes again what it republishes: the ledger slot of the batch
 * sends it at most once).
 * @example summarizeBatch(result.transitions, batch, config.notifications.minSeverity, now)
 */
export function summarizeBatch(
  transitions: readonly DriftTransition[],
  batch: ObservationOrigin,
  minSeverity: Severity,
  at: string,
  options: { withRepublished?: boolean } = {},
): BatchSummary[] {
  const byOwner = new Map<string, BatchItem[]>();
  for (const t of transitions) {
    if (
      (t.republished && !options.withRepublished) ||
      t.batch?.batchId !== batch.batchId ||
      !alerts(t.record.severity, minSeverity)
    )
      continue;
    const item = itemOf(t);
    if (!item) continue;
    const owner = t.record.owner ?? 'default';
    // The owner always hears; the teams the resource's owner tag named get a copy (as for single alerts).
    const tagged = Array.isArray(t.record.taggedOwners) ? t.record.taggedOwners : [];
    for (const recipient of new Set([owner, ...tagged.filter((team) => typeof team === 'string')])) {
      const list = byOwner.get(recipient) ?? [];
      list.push(item);
      byOwner.set(recipient, list);
    }
  }
  return [...byOwner]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([owner, items]) => summaryOf(batch, owner, at, items));
}

function summaryOf(batch: ObservationOrigin, owner: string, at: string, items: BatchItem[]): BatchSummary {
  const counts = { opened: 0, reopened: 0, resolved: 0, gone: 0, suppressed: 0, unverifiable: 0 };
  const worst = new Map<string, Severity>();
  for (const i of items) {
    counts[i.kind]++;
    if (i.kind !== 'opened' && i.kind !== 'reopened') continue;
    const key = `${i.account}|${i.region}|${i.resourceType}|${i.resourceId}`;
    const before = worst.get(key);
    if (!before || SEVERITY_RANK[i.severity] > SEVERITY_RANK[before]) worst.set(key, i.severity);
  }
  const resourcesBySeverity: Partial<Record<Severity, number>> = {};
  for (const s of worst.values()) resourcesBySeverity[s] = (resourcesBySeverity[s] ?? 0) + 1;
  return {
    batch,
    owner,
    at,
    resourcesOutOfPolicy: worst.size,
    resourcesBySeverity,
    counts,
    items: [...items].sort(byUrgency).slice(0, MAX_SUMMARY_ITEMS),
  };
}

/**
 * `baseline of 111122223333/eu-west-1: 37 resources out of policy, 12 high; 3 resolved, 1 gone`, or
 * `backfill tpguard-backfill-20261201: 4 resources out of policy, 1 high` for a backfill batch.
 */
export function batchHeadline(s: BatchSummary): string {
  const severities = SEVERITIES.filter((sev) => s.resourcesBySeverity[sev]).map(
    (sev) => `${s.resourcesBySeverity[sev]} ${sev}`,
  );
  const out = `${s.resourcesOutOfPolicy} resource${s.resourcesOutOfPolicy === 1 ? '' : 's'} out of policy${severities.length ? `, ${severities.join(', ')}` : ''}`;
  const closed = [
    s.counts.resolved ? `${s.counts.resolved} resolved` : '',
    s.counts.gone ? `${s.counts.gone} gone` : '',
    s.counts.suppressed ? `${s.counts.suppressed} suppressed` : '',
    s.counts.unverifiable ? `${s.counts.unverifiable} unverifiable` : '',
  ].filter(Boolean);
  const what = s.batch.kind === 'backfill' ? `backfill ${s.batch.label}` : `${s.batch.kind} of ${s.batch.label}`;
  return `${what}: ${out}${closed.length ? `; ${closed.join(', ')}` : ''}`;
}

const total = (s: BatchSummary) => Object.values(s.counts).reduce((a, b) => a + b, 0);
const itemLine = (i: BatchItem) =>
  `${i.kind.toUpperCase().padEnd(9)} [${i.severity.toUpperCase()}] ${i.ruleId} ${i.title}: ${i.resourceType} ${i.resourceId} (${i.account}, ${i.region})`;

/** The summary email of one owner. */
export function renderBatchEmail(s: BatchSummary): EmailMessage {
  const lines = [
    `${batchHeadline(s)}.`,
    '',
    `${s.batch.kind === 'backfill' ? 'A batch of a backfill of the archive' : 'A read of the current state'} on ${s.at} found these changes in the drift of ${s.owner}; they are sent together`,
    'instead of one message each. Changes after it are alerted one by one as usual.',
    '',
    ...s.items.map(itemLine),
  ];
  if (total(s) > s.items.length) lines.push(`... and ${total(s) - s.items.length} more (tpguard drift list).`);
  lines.push('', `-- tpguard ${s.batch.kind} ${s.batch.batchId}`);
  const worst = SEVERITIES.find((sev) => s.resourcesBySeverity[sev]) ?? s.items[0]?.severity ?? 'informational';
  return {
    subject: emailSubject(`[tpguard] ${batchHeadline(s)}`),
    text: truncate(lines.join('\n'), MAX_BODY),
    attributes: { owner: s.owner, severity: worst, ruleId: 'batch', transition: 'batch' },
  };
}

/** The summary Slack message of one owner: the headline, then one line per drift (packed into sections). */
export function renderBatchSlack(s: BatchSummary): SlackMessage {
  const lines = s.items.map(
    (i) =>
      `${SEVERITY_EMOJI[i.severity]} ${i.kind} *${escapeMrkdwn(i.ruleId)}* ${escapeMrkdwn(truncate(i.title, 100))}: \`${escapeMrkdwn(truncate(i.resourceId, 200))}\``,
  );
  const chunks: string[][] = [];
  for (const line of lines) {
    const last = chunks[chunks.length - 1];
    if (last && [...last, line].join('\n').length <= SLACK_LIMITS.text) last.push(line);
    else chunks.push([line]);
  }
  const more = total(s) - s.items.length;
  return {
    text: truncate(batchHeadline(s), SLACK_LIMITS.text),
    blocks: [
      header(`:mag: ${batchHeadline(s)}`),
      { type: 'context', elements: [mrkdwn(`${s.owner} · read ${s.at} · sent once for the whole ${s.batch.kind}`)] },
      ...chunks
        .slice(0, SLACK_LIMITS.blocks - 3)
        .map((c) => ({ type: 'section' as const, text: mrkdwn(c.join('\n')) })),
      ...(more > 0
        ? [{ type: 'context' as const, elements: [mrkdwn(`… and ${more} more: \`tpguard drift list\``)] }]
        : []),
    ],
    unfurl_links: false,
  };
}

/** The summary as an AWS Chatbot custom notification. */
export function renderBatchChatbot(s: BatchSummary): ChatbotNotification {
  return {
    version: '1.0',
    source: 'custom',
    content: {
      textType: 'client-markdown',
      title: truncate(batchHeadline(s), 250),
      description: truncate(
        s.items.map((i) => `${i.kind} *${escapeMrkdwn(i.ruleId)}* \`${escapeMrkdwn(i.resourceId)}\``).join('\n'),
        3000,
      ),
    },
    metadata: { threadId: s.batch.batchId, summary: truncate(batchHeadline(s), 250) },
  };
}

const RENDERERS: { readonly [C in Channel]?: (s: BatchSummary) => Outbound<C>['payload'] } = {
  email: renderBatchEmail,
  slack: renderBatchSlack,
  chatbot: renderBatchChatbot,
};

/**
 * Sends one owner's summary on each of its channels (email and Slack to the owner's contact,
 * Chatbot when a topic is set), exactly once per (batch, owner, channel) through the ledger.
 * Failures are thrown together after the other channels were tried.
 * @example await notifyBatchSummary(summary, deps)
 */
export async function notifyBatchSummary(s: BatchSummary, deps: NotifierDeps): Promise<DeliveryResult[]> {
  const contact = contactOf(s.owner, deps.config.owners);
  const targets: Array<[Channel, string[]]> = [
    ['email', contact.email],
    ['slack', contact.slack ? [contact.slack] : []],
    ['chatbot', deps.chatbotTopicArn ? [deps.chatbotTopicArn] : []],
  ];
  const results: DeliveryResult[] = [];
  const failures: Error[] = [];
  for (const [channel, to] of targets) {
    const render = RENDERERS[channel] as ((s: BatchSummary) => Outbound['payload']) | undefined;
    if (to.length === 0 || !render || !(deps.dispatcher as Dispatcher)[channel]) continue;
    const message = { channel, kind: 'batch', owner: s.owner, to, payload: render(s) } as Outbound;
    const key = `batch#${s.batch.batchId}`;
    try {
      // A digest slot keyed by the batch instead of a day: one per (batch, owner, channel).
      const outcome = await deliverOnce({ scope: 'digest', day: key, owner: s.owner, channel }, () => message, deps);
      const result = { channel, owner: s.owner, outcome, key } as DeliveryResult;
      results.push(result);
      deps.onResult?.(result, outcome === 'sent' ? message : undefined);
    } catch (err) {
      results.push({ channel, owner: s.owner, outcome: 'failed', key });
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (failures.length > 0) throw new DeliveryFailedError(`batch ${s.batch.batchId} ${s.owner}`, failures);
  return results;
}

/**
 * The summary carried by a "Drift Batch Summary" event of the tpguard bus (or a bare summary), or
 * undefined when the event is not one. Throws {@link InvalidTransitionError} for a malformed summary.
 * @example const summary = batchSummaryOf(event)
 */
export function batchSummaryOf(event: unknown): BatchSummary | undefined {
  if (!isRecord(event) || event['detail-type'] !== BATCH_SUMMARY_DETAIL_TYPE) return undefined;
  const d = event.detail;
  const ok =
    event.source === TPGUARD_EVENT_SOURCE &&
    isRecord(d) &&
    isRecord(d.batch) &&
    (ORIGIN_KINDS as readonly unknown[]).includes(d.batch.kind) &&
    typeof d.batch.batchId === 'string' &&
    typeof d.batch.label === 'string' &&
    typeof d.owner === 'string' &&
    typeof d.at === 'string' &&
    typeof d.resourcesOutOfPolicy === 'number' &&
    isRecord(d.counts) &&
    Array.isArray(d.items) &&
    d.items.length <= MAX_SUMMARY_ITEMS;
  if (!ok) throw new InvalidTransitionError(`malformed ${BATCH_SUMMARY_DETAIL_TYPE} event`);
  return d as unknown as BatchSummary;
}

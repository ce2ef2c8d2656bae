import { DEFAULT_OWNER, contactOf, isTeam, type Contact } from '../config/index.js';
import type { TpguardConfig } from '../config/index.js';
import type { DriftRecord, DriftTransition } from '../drift/index.js';
import { SEVERITY_RANK, type Severity } from '../kernel/index.js';
import { defaultProductArn, type AsffTarget } from './asff.js';
import type { Dispatcher } from './dispatch.js';
import { Channels, type Channel } from './types.js';

/** Where the notifier may send, besides the owners' contacts. */
export interface RoutingOptions {
  config: Pick<TpguardConfig, 'owners' | 'notifications'>;
  /** The channels that have a sender. */
  dispatcher: Dispatcher;
  /** Topic of AWS Chatbot custom notifications (environment or config). */
  chatbotTopicArn?: string;
  /** Where Security Hub findings of a record are imported (undefined: not at all), when the opt-in is on. */
  securityHub?: HubTarget;
}

/** The Security Hub account and region a record's finding is imported into, if any. */
export type HubTarget = (record: DriftRecord) => AsffTarget | undefined;

/**
 * Deployed: the default product ARN only takes findings of the importing account, so drift of
 * other accounts is not imported (their own deployment imports it).
 * @example sameAccountHub('111122223333', 'eu-west-1')
 */
export function sameAccountHub(account: string, region: string): HubTarget {
  return (record) => (record.account === account ? { account, region } : undefined);
}

/** Locally: each finding as if imported in its own account and region (written to the outbox only). */
export const ownAccountHub: HubTarget = (record) => ({ account: record.account, region: record.region });

/** One channel a transition goes to, and to whom. */
export interface PlannedDelivery {
  channel: Channel;
  owner: string;
  to: string[];
  /** Sent to a team the resource's owner tag names, besides the owner (its own ledger slot). */
  copy?: true;
}

/** True when drift of this severity alerts anyone. */
export function alerts(severity: Severity, minSeverity: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minSeverity];
}

/** Escalations go to the default owners; everything else to the record's owner. */
export function recipientOwner(t: DriftTransition): string {
  return t.kind === 'escalated' ? DEFAULT_OWNER : (t.record.owner ?? DEFAULT_OWNER);
}

/**
 * The teams told besides the owner: those the resource's owner tag named when the record was written
 * (still teams of the configuration), never for an escalation (that goes to the default owners).
 * @example taggedRecipients(transition, 'default', owners) // ['fraud']
 */
export function taggedRecipients(t: DriftTransition, owner: string, owners: TpguardConfig['owners']): string[] {
  if (t.kind === 'escalated') return [];
  const named = Array.isArray(t.record.taggedOwners) ? t.record.taggedOwners : [];
  return [...new Set(named)].filter((team) => typeof team === 'string' && team !== owner && isTeam(team, owners));
}

/** The channels that reach an owner's own contact: planned once per recipient. The others once per transition. */
const PER_RECIPIENT: ReadonlySet<Channel> = new Set(['email', 'slack']);

type Planner = (t: DriftTransition, owner: string, contact: Contact, o: RoutingOptions) => string[] | undefined;

/** Who each channel reaches (undefined: the channel is not used for this transition). Lookup table. */
const PLANNERS: Readonly<Record<Channel, Planner>> = {
  email: (_t, _o, c) => (c.email.length > 0 ? [...c.email] : undefined),
  slack: (_t, _o, c) => (c.slack ? [c.slack] : undefined),
  chatbot: (_t, _o, _c, o) => (o.chatbotTopicArn ? [o.chatbotTopicArn] : undefined),
  // Security Hub imports only into the account it runs in (default product ARN), and has nothing to say about escalations.
  securityhub: (t, _o, _c, o) => {
    const target = t.kind === 'escalated' ? undefined : o.securityHub?.(t.record);
    return target ? [defaultProductArn(target.account, target.region)] : undefined;
  },
};

/**
 * The deliveries of a transition: none below `minSeverity`; otherwise email and Slack to the owner's
 * contact (the default owners for an escalation) and, as copies, to the teams the owner tag named;
 * Chatbot when a topic is set, Security Hub when opted in.
 * @example planDeliveries(transition, { config, dispatcher }) // [{ channel: 'email', owner: 'nlp', to: ['nlp-ml@example.com'] }, ...]
 */
export function planDeliveries(t: DriftTransition, o: RoutingOptions): PlannedDelivery[] {
  if (!alerts(t.record.severity, o.config.notifications.minSeverity)) return [];
  const owner = recipientOwner(t);
  const recipients = [owner, ...taggedRecipients(t, owner, o.config.owners)];
  const out: PlannedDelivery[] = [];
  for (const channel of Object.values(Channels)) {
    if (!o.dispatcher[channel]) continue;
    for (const [i, who] of recipients.entries()) {
      if (i > 0 && !PER_RECIPIENT.has(channel)) break;
      const to = PLANNERS[channel](t, who, contactOf(who, o.config.owners), o);
      if (to) out.push(i === 0 ? { channel, owner: who, to } : { channel, owner: who, to, copy: true });
    }
  }
  return out;
}

import { escapeControls, type Severity } from '../kernel/index.js';
import type { SecurityHubUpdate } from './asff.js';
import type { Channel, ChatbotNotification, EmailMessage, MessageKind, SlackMessage } from './types.js';

/** The payload each channel carries. */
export interface Payloads {
  email: EmailMessage;
  slack: SlackMessage;
  chatbot: ChatbotNotification;
  securityhub: SecurityHubUpdate;
}

/** One message on one channel, with what it is about (for the outbox, the console and the logs). */
export interface Outbound<C extends Channel = Channel> {
  channel: C;
  kind: MessageKind;
  /** The owner it is for (`default` for escalations). */
  owner: string;
  /** Email addresses, the webhook reference (`ssm:`/`env:`, never the URL), topic or product ARN. */
  to: string[];
  payload: Payloads[C];
  driftId?: string;
  ruleId?: string;
  resourceId?: string;
  /** The event that caused the transition. */
  eventId?: string;
  severity?: Severity;
  /** A message listing several transitions (email, Slack): each, most severe first (`ruleId`, `driftId` unset). */
  items?: OutboundItem[];
}

/** One transition of a grouped message. */
export interface OutboundItem {
  driftId: string;
  ruleId: string;
  eventId: string;
  kind: MessageKind;
  severity: Severity;
}

/**
 * The senders, one per channel (SNS, webhook, Security Hub when deployed; the outbox locally).
 * A channel without a sender is not planned. A sender throws when the message was not taken.
 */
export type Dispatcher = { [C in Channel]?: (message: Outbound<C>) => Promise<void> };

/** Calls the sender of a message's channel (typed per channel). */
export async function dispatch<C extends Channel>(dispatcher: Dispatcher, message: Outbound<C>): Promise<void> {
  const send = dispatcher[message.channel] as ((m: Outbound<C>) => Promise<void>) | undefined;
  if (!send) throw new Error(`no sender for channel ${message.channel}`);
  await send(message);
}

/**
 * One line for the console: `email   -> ml-security@example.com  [HIGH] Drift opened: ...`.
 * @example summaryLine(message) // 'slack   -> env:TPGUARD_SLACK_FRAUD  opened TPS-SM-01 llm-job (high)'
 */
export function summaryLine(m: Outbound, note = ''): string {
  const what =
    m.kind === 'digest'
      ? `digest for ${m.owner}`
      : m.items
        ? `${m.items.length} transitions (${m.items.map((i) => `${i.kind} ${i.ruleId}`).join(', ')}) ${m.resourceId ?? ''}`
        : `${m.kind} ${m.ruleId ?? ''} ${m.resourceId ?? ''}${m.severity ? ` (${m.severity})` : ''}`;
  // The resource id and recipients come from events and configuration: one line, controls escaped.
  const line = `${m.channel.padEnd(11)} -> ${m.to.join(', ') || '(nobody)'}  ${what.replace(/\s+/g, ' ').trim()}${note ? `  [${note}]` : ''}`;
  return escapeControls(line);
}

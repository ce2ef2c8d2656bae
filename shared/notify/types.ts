import type { TransitionKind } from '../drift/index.js';

/** The channels a message can go out on. */
export const Channels = {
  email: 'email',
  slack: 'slack',
  chatbot: 'chatbot',
  securityhub: 'securityhub',
} as const;
export type Channel = (typeof Channels)[keyof typeof Channels];

/** What a message is about: a drift transition, the daily digest, or a review task (shared/review). */
export type MessageKind = TransitionKind | 'digest' | 'review-opened' | 'review-reminder' | 'review-escalation';

/** An email, sent through the SNS topic; `attributes` drive the subscription filter policies. */
export interface EmailMessage {
  subject: string;
  text: string;
  /**
   * SNS message attributes: owner, severity, ruleId, transition (String; a message listing several
   * rules carries ruleId and transition as String.Array, which filter policies match on any element).
   */
  attributes: Record<string, string | string[]>;
}

/** A Slack Block Kit block (the subset tpguard renders). */
export type SlackTextObject = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji?: boolean } }
  | { type: 'section'; text?: SlackTextObject; fields?: SlackTextObject[] }
  | { type: 'context'; elements: SlackTextObject[] }
  | { type: 'divider' }
  | {
      type: 'actions';
      elements: Array<{ type: 'button'; text: { type: 'plain_text'; text: string }; url: string; action_id?: string }>;
    };

/** The exact body POSTed to an incoming webhook. */
export interface SlackMessage {
  /** Fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
  unfurl_links?: boolean;
}

/** AWS Chatbot / Amazon Q Developer in chat applications custom notification. */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

/** Who is behind a transition's channel: `to` is what the outbox and console show (never a secret). */
export interface Recipient {
  owner: string;
  /** Email addresses, the Slack webhook reference (`ssm:`/`env:`), a topic ARN or the product ARN. */
  to: string[];
}

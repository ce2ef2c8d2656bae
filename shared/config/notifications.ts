import * as z from 'zod';
import { SEVERITIES } from '../kernel/index.js';

/** An SNS topic ARN (any partition). */
const TOPIC_ARN = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

/**
 * `notifications`: when and where owners are alerted. Strict like every section: a typo is an
 * error naming its path. Every key has a default, so a configuration without the section loads.
 */
export const NotificationsSchema = z.strictObject({
  /** Below this severity drift is recorded but nobody is alerted (no email, Slack or Chatbot message). */
  minSeverity: z.enum(SEVERITIES).default('medium'),
  /** Drift still open after this many hours gets one `Drift Escalated` message to the default owners; 0 turns escalation off. */
  escalateAfterHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .default(24),
  /** Opt-in: import drift into AWS Security Hub as ASFF findings (BatchImportFindings). */
  securityHub: z.boolean().default(false),
  /**
   * Opt-in: also publish AWS Chatbot / Amazon Q Developer custom notifications to this SNS topic
   * (mapped to a chat channel, so no webhook secret is needed). When deployed, the
   * `TPGUARD_CHATBOT_TOPIC_ARN` environment variable takes precedence.
   */
  chatbotTopicArn: z.string().regex(TOPIC_ARN, 'chatbotTopicArn is an SNS topic ARN').optional(),
  /** Base of the console links in messages, e.g. https://console.amazonaws-us-gov.com for GovCloud. */
  consoleBaseUrl: z.url({ protocol: /^https$/ }).default('https://console.aws.amazon.com'),
  /**
   * Where each rule's runbook is published (your wiki, your copy of docs/rules.md): `{ruleId}` is
   * replaced by the rule id. Messages listing several rules link each rule's runbook there; without
   * it they quote the runbook's first step.
   */
  runbookUrl: z
    .url({ protocol: /^https$/ })
    .max(1000)
    .refine((u) => u.includes('{ruleId}'), 'runbookUrl names the rule with {ruleId}')
    .optional(),
  /** The daily per-owner digest of drift still open. */
  digest: z.boolean().default(true),
});

export type NotificationsConfig = z.infer<typeof NotificationsSchema>;

/** The section's defaults, for ConfigSchema and tests. */
export const NOTIFICATIONS_DEFAULTS: NotificationsConfig = NotificationsSchema.parse({});

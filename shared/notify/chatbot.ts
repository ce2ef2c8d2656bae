import { KIND_HEADLINES, outcomeSentence, type AlertFacts } from './facts.js';
import { SEVERITY_EMOJI, emojiFor } from './slack.js';
import { escapeMrkdwn, truncate } from './text.js';
import type { ChatbotNotification } from './types.js';

/**
 * Bounds tpguard keeps to for custom notifications. Amazon Q Developer renders them in the chat
 * platform's markdown (`textType: client-markdown`); these stay below what Slack shows in full.
 */
export const CHATBOT_LIMITS = {
  title: 250,
  description: 3000,
  nextSteps: 5,
  nextStep: 300,
  keywords: 10,
  keyword: 75,
} as const;

/**
 * The custom-notification JSON for AWS Chatbot / Amazon Q Developer in chat applications: published
 * to an SNS topic mapped to a channel, it needs no webhook secret. `threadId` is the drift id, so a
 * drift's transitions thread together where the channel allows it.
 * @example JSON.stringify(renderChatbot(facts)) // {"version":"1.0","source":"custom",...}
 */
export function renderChatbot(f: AlertFacts): ChatbotNotification {
  const headline = KIND_HEADLINES[f.kind];
  const outcome = outcomeSentence(f);
  const description = [
    ...(outcome ? [`*${escapeMrkdwn(outcome)}*`] : []),
    `*${escapeMrkdwn(f.ruleId)}* (${f.severity}) on ${escapeMrkdwn(f.resourceType)} \`${escapeMrkdwn(f.resourceId)}\``,
    `Account ${escapeMrkdwn(f.account)}, region ${escapeMrkdwn(f.region)}; owner ${escapeMrkdwn(f.owner)}`,
    `Who: ${escapeMrkdwn(f.actor ?? 'unknown principal')}; when: ${escapeMrkdwn(f.eventTime)}`,
    ...(f.controls.length > 0 ? [`Controls: ${escapeMrkdwn(f.controls.join('; '))}`] : []),
    ...(f.threats.length > 0 ? [`Threats: ${escapeMrkdwn(f.threats.join('; '))}`] : []),
    `<${f.consoleUrl}|Open in the AWS console>`,
  ].join('\n');
  const steps = f.kind === 'resolved' || f.kind === 'suppressed' ? [] : f.runbook.slice(0, CHATBOT_LIMITS.nextSteps);
  return {
    version: '1.0',
    source: 'custom',
    id: `${f.driftId}:${f.kind}:${f.eventId}`,
    content: {
      textType: 'client-markdown',
      title: truncate(`${emojiFor(f)} ${headline}: ${escapeMrkdwn(f.title)}`, CHATBOT_LIMITS.title),
      description: truncate(description, CHATBOT_LIMITS.description),
      ...(steps.length > 0 ? { nextSteps: steps.map((s) => truncate(escapeMrkdwn(s), CHATBOT_LIMITS.nextStep)) } : {}),
      keywords: [f.ruleId, f.severity, f.kind, f.owner].map((k) => truncate(escapeMrkdwn(k), CHATBOT_LIMITS.keyword)),
    },
    metadata: {
      threadId: f.driftId,
      // Chat clients render these too: event text is escaped like the description (`<!channel>` stays text).
      summary: truncate(
        `${SEVERITY_EMOJI[f.severity]} ${headline}: ${escapeMrkdwn(f.ruleId)} on ${escapeMrkdwn(f.resourceId)}`,
        CHATBOT_LIMITS.title,
      ),
      eventType: `Drift ${f.kind}`,
      relatedResources: [escapeMrkdwn(f.resourceArn ?? f.resourceId)],
      additionalContext: {
        driftId: escapeMrkdwn(f.driftId),
        ruleId: escapeMrkdwn(f.ruleId),
        owner: escapeMrkdwn(f.owner),
        account: escapeMrkdwn(f.account),
        region: escapeMrkdwn(f.region),
        eventId: escapeMrkdwn(f.eventId),
      },
    },
  };
}

import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import type { Outbound } from '../../notify/index.js';
import { DeliveryError } from '../../notify/index.js';

/**
 * Email through one SNS topic. Every message carries the attributes `owner`, `severity`,
 * `ruleId` and `transition` (String; String.Array for the rule ids and transitions of a message
 * listing several), so each email subscription chooses with a filter policy, e.g.
 * `{"owner": ["nlp"]}` or `{"severity": ["critical", "high"]}`.
 * @example const send = createSnsEmailSender(new SNSClient({}), process.env.TPGUARD_TOPIC_ARN!)
 */
export function createSnsEmailSender(client: SNSClient, topicArn: string): (m: Outbound<'email'>) => Promise<void> {
  return async (m) => {
    const attributes: Record<string, MessageAttributeValue> = {};
    for (const [name, value] of Object.entries(m.payload.attributes)) {
      if (Array.isArray(value)) {
        if (value.length > 0) attributes[name] = { DataType: 'String.Array', StringValue: JSON.stringify(value) };
      } else if (value) attributes[name] = { DataType: 'String', StringValue: value };
    }
    await publish(client, 'email', {
      TopicArn: topicArn,
      Subject: m.payload.subject,
      Message: m.payload.text,
      MessageAttributes: attributes,
    });
  };
}

/**
 * AWS Chatbot / Amazon Q Developer custom notifications: the JSON document, published as is to
 * a topic the chat channel subscribes to.
 * @example const send = createSnsChatbotSender(new SNSClient({}), process.env.TPGUARD_CHATBOT_TOPIC_ARN!)
 */
export function createSnsChatbotSender(client: SNSClient, topicArn: string): (m: Outbound<'chatbot'>) => Promise<void> {
  return async (m) => {
    await publish(client, 'chatbot', { TopicArn: topicArn, Message: JSON.stringify(m.payload) });
  };
}

async function publish(
  client: SNSClient,
  channel: 'email' | 'chatbot',
  input: ConstructorParameters<typeof PublishCommand>[0],
): Promise<void> {
  try {
    await client.send(new PublishCommand(input));
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    throw new DeliveryError(channel, `SNS Publish failed: ${name}`, { cause: err, status: name });
  }
}

import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSnsChatbotSender, createSnsEmailSender } from '../../../../shared/adapters/aws/sns.js';
import { renderChatbot } from '../../../../shared/notify/index.js';
import { renderEmail } from '../../../../shared/notify/index.js';
import { DeliveryError } from '../../../../shared/notify/index.js';
import { alertFacts } from '../../../../shared/notify/index.js';
import { openedTransition, shippedCatalog } from '../../notify/support.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:tpguard-alerts';

afterEach(() => {
  sns.reset();
});

describe('Function: createSnsEmailSender', () => {
  it('publishes subject and body with the String attributes subscription filter policies select on', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const payload = renderEmail(alertFacts(openedTransition(), await shippedCatalog()));
    // Act
    await createSnsEmailSender(
      new SNSClient({ region: 'eu-west-1' }),
      TOPIC,
    )({ channel: 'email', kind: 'opened', owner: 'nlp', to: ['nlp-ml@example.com'], payload });
    // Assess
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe(payload.subject);
    expect(input.Subject!.length).toBeLessThan(100);
    expect(input.Message).toBe(payload.text);
    expect(input.MessageAttributes).toEqual({
      owner: { DataType: 'String', StringValue: 'nlp' },
      severity: { DataType: 'String', StringValue: 'high' },
      ruleId: { DataType: 'String', StringValue: 'TPS-SM-01' },
      transition: { DataType: 'String', StringValue: 'opened' },
    });
  });

  it('turns an SNS failure into a DeliveryError (retried by Lambda)', async () => {
    // Prepare
    sns.on(PublishCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottledException' }));
    const payload = renderEmail(alertFacts(openedTransition(), await shippedCatalog()));
    // Act
    const err = await createSnsEmailSender(
      new SNSClient({ region: 'eu-west-1' }),
      TOPIC,
    )({ channel: 'email', kind: 'opened', owner: 'nlp', to: [], payload }).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as Error).message).toBe('email: SNS Publish failed: ThrottledException');
  });
});

describe('Function: createSnsChatbotSender', () => {
  it('publishes the custom notification JSON as the message', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const payload = renderChatbot(alertFacts(openedTransition(), await shippedCatalog()));
    // Act
    await createSnsChatbotSender(
      new SNSClient({ region: 'eu-west-1' }),
      `${TOPIC}-chat`,
    )({ channel: 'chatbot', kind: 'opened', owner: 'nlp', to: [`${TOPIC}-chat`], payload });
    // Assess
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(`${TOPIC}-chat`);
    expect(JSON.parse(input.Message!)).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
  });
});

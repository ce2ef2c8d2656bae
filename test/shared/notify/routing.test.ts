import { describe, expect, it } from 'vitest';
import { ownAccountHub, planDeliveries, sameAccountHub } from '../../../shared/notify/routing.js';
import { nextTransition, openedTransition, recordingDispatcher, shippedConfig } from './support.js';

describe('Function: planDeliveries', () => {
  it('sends the owner email only when the owner has no Slack webhook', () => {
    // Prepare
    const { dispatcher } = recordingDispatcher(['email', 'slack']);
    // Act
    const plan = planDeliveries(openedTransition(), { config: shippedConfig(), dispatcher });
    // Assess
    expect(plan).toEqual([{ channel: 'email', owner: 'nlp', to: ['nlp-ml@example.com'] }]);
  });

  it('sends email and Slack to a team that has both, referencing the webhook, never resolving it', () => {
    // Prepare
    const t = openedTransition();
    t.record.owner = 'fraud';
    const { dispatcher } = recordingDispatcher(['email', 'slack']);
    // Act
    const plan = planDeliveries(t, { config: shippedConfig(), dispatcher });
    // Assess
    expect(plan).toEqual([
      { channel: 'email', owner: 'fraud', to: ['fraud-ml@example.com'] },
      { channel: 'slack', owner: 'fraud', to: ['env:TPGUARD_SLACK_FRAUD'] },
    ]);
  });

  it('alerts nobody below minSeverity', () => {
    // Prepare
    const { dispatcher } = recordingDispatcher();
    // Act
    const plan = planDeliveries(openedTransition(), {
      config: shippedConfig({ minSeverity: 'critical' }),
      dispatcher,
      chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:chat',
      securityHub: ownAccountHub,
    });
    // Assess
    expect(plan).toEqual([]);
  });

  it('routes an escalation to the default owners and never to Security Hub', () => {
    // Prepare
    const { dispatcher } = recordingDispatcher();
    const escalation = { ...openedTransition(), kind: 'escalated' as const };
    // Act
    const plan = planDeliveries(escalation, { config: shippedConfig(), dispatcher, securityHub: ownAccountHub });
    // Assess
    expect(plan.map((d) => [d.channel, d.owner, d.to])).toEqual([
      ['email', 'default', ['ml-security@example.com']],
      ['slack', 'default', ['env:TPGUARD_SLACK_ML_SECURITY']],
    ]);
  });

  it('adds Chatbot when a topic is set and Security Hub only for drift of its own account', () => {
    // Prepare
    const { dispatcher } = recordingDispatcher();
    const options = {
      config: shippedConfig(),
      dispatcher,
      chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:tpguard-chat',
      securityHub: sameAccountHub('111122223333', 'eu-west-1'),
    };
    const foreign = nextTransition(openedTransition(), 'resolved', 1, { account: '444455556666' });
    // Act
    const own = planDeliveries(openedTransition(), options).map((d) => [d.channel, d.to[0]]);
    const other = planDeliveries(foreign, options).map((d) => d.channel);
    // Assess
    expect(own).toEqual([
      ['email', 'nlp-ml@example.com'],
      ['chatbot', 'arn:aws:sns:eu-west-1:111122223333:tpguard-chat'],
      ['securityhub', 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default'],
    ]);
    expect(other).toEqual(['email', 'chatbot']);
  });
});

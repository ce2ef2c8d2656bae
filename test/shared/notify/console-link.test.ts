import { describe, expect, it } from 'vitest';
import { consoleUrl } from '../../../shared/notify/console-link.js';

const at = { account: '111122223333', region: 'eu-west-1' };

describe('Function: consoleUrl', () => {
  it('links the resource of a faceted drift (a security-group opening, a role and one policy)', () => {
    // Act & Assess
    expect(
      consoleUrl({
        ...at,
        resourceType: 'security-group',
        resourceId: 'sg-0ml5a1b2c3d4e5f60 (tcp 22-22 from 0.0.0.0/0)',
      }),
    ).toBe('https://console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-0ml5a1b2c3d4e5f60');
    expect(
      consoleUrl({
        ...at,
        resourceType: 'iam-role',
        resourceId: 'SageMakerTrainingExecution (arn:aws:iam::aws:policy/AdministratorAccess)',
      }),
    ).toBe('https://console.aws.amazon.com/iam/home#/roles/details/SageMakerTrainingExecution');
  });

  it('links an EventBridge rule on its own bus', () => {
    // Act & Assess
    expect(consoleUrl({ ...at, resourceType: 'eventbridge-rule', resourceId: 'tpguard-x' })).toBe(
      'https://console.aws.amazon.com/events/home?region=eu-west-1#/eventbus/default/rules/tpguard-x',
    );
    expect(consoleUrl({ ...at, resourceType: 'eventbridge-rule', resourceId: 'decoy-bus/tpguard-x' })).toBe(
      'https://console.aws.amazon.com/events/home?region=eu-west-1#/eventbus/decoy-bus/rules/tpguard-x',
    );
  });
});

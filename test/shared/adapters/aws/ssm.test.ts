import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookResolver } from '../../../../shared/adapters/aws/ssm.js';
import { DeliveryError } from '../../../../shared/notify/index.js';

const ssm = mockClient(SSMClient);
const URL = 'https://hooks.slack.com/services/T0/B0/fromSsmSecret';

afterEach(() => {
  ssm.reset();
});

describe('Function: createWebhookResolver', () => {
  it('reads an ssm: reference as a decrypted SecureString, once, then from the cache', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: '/tpguard/slack/vision', Type: 'SecureString', Value: URL } });
    const resolve = createWebhookResolver({ ssmClient: new SSMClient({ region: 'eu-west-1' }) });
    // Act
    const first = await resolve('ssm:/tpguard/slack/vision');
    const second = await resolve('ssm:/tpguard/slack/vision');
    // Assess
    expect([first, second]).toEqual([URL, URL]);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Name: '/tpguard/slack/vision', WithDecryption: true });
  });

  it('reads an env: reference from the environment', async () => {
    // Prepare
    const resolve = createWebhookResolver({ env: { TPGUARD_SLACK_FRAUD: URL } });
    // Act
    const url = await resolve('env:TPGUARD_SLACK_FRAUD');
    // Assess
    expect(url).toBe(URL);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('names the missing reference, never a value', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));
    const resolve = createWebhookResolver({ ssmClient: new SSMClient({ region: 'eu-west-1' }), env: {} });
    // Act
    const fromSsm = await resolve('ssm:/tpguard/slack/nobody').catch((e: unknown) => e);
    const fromEnv = await resolve('env:TPGUARD_SLACK_NOBODY').catch((e: unknown) => e);
    // Assess
    expect(fromSsm).toBeInstanceOf(DeliveryError);
    expect((fromSsm as Error).message).toBe('slack: cannot read ssm:/tpguard/slack/nobody: ParameterNotFound');
    expect((fromEnv as Error).message).toBe('slack: env:TPGUARD_SLACK_NOBODY is not set');
  });
});

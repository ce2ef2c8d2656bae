import { describe, expect, it } from 'vitest';
import type { DriftTransition } from '../../../shared/drift/index.js';
import { MemoryLedger } from '../../../shared/notify/ledger.js';
import { notifyTransition } from '../../../shared/notify/notifier.js';
import { ownAccountHub } from '../../../shared/notify/routing.js';
import { REDACTED } from '../../../shared/kernel/index.js';
import { clockAt, fixture, recordingDispatcher, SAMPLE_SECRETS, shippedCatalog, shippedConfig } from './support.js';

describe('Function: notifyTransition (secrets)', () => {
  it('never puts a secret in any message, even when the evidence it is given still holds the training job credentials', async () => {
    // Prepare
    const t = fixture<{ detail: DriftTransition }>('drift-opened-unredacted-secrets-event.json').detail;
    const raw = JSON.stringify(t);
    const config = shippedConfig();
    config.owners.teams.nlp = { email: ['nlp-ml@example.com'], slack: 'env:TPGUARD_SLACK_NLP' };
    const { dispatcher, sent } = recordingDispatcher();
    // Act
    await notifyTransition(t, {
      ledger: new MemoryLedger(),
      dispatcher,
      catalog: await shippedCatalog(),
      config,
      clock: clockAt('2026-11-02T10:00:00Z'),
      chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:chat',
      securityHub: ownAccountHub,
    });
    // Assess
    for (const secret of SAMPLE_SECRETS) expect(raw).toContain(secret); // the fixture does carry them
    expect(sent.map((m) => m.channel)).toEqual(['email', 'slack', 'chatbot', 'securityhub']);
    const everything = JSON.stringify(sent);
    for (const secret of SAMPLE_SECRETS) expect(everything).not.toContain(secret);
    expect(everything).toContain(`HF_TOKEN: ${REDACTED}`); // the alert names the keys to rotate, never their values
    expect(everything).toContain('AWS_SECRET_ACCESS_KEY');
    expect(everything).toContain('WANDB_PROJECT: [value not kept]'); // keys of the environment, never values
    expect(everything).not.toContain('llm-exp');
  });
});

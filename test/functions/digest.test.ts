import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { packagedFiles } from '../helpers/packaged-files.js';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryLedger } from '../../shared/notify/index.js';
import { startStoreFixture, type StoreFixture } from '../shared/drift/store-fixture.js';
import { driveHistory, freshFacts } from '../shared/notify/drift-history.js';
import { clockAt, recordingDispatcher, shippedCatalog, shippedConfig } from '../shared/notify/support.js';
import { captureStdout, lambdaContext } from './ingest-handler-fixture.js';

const sns = mockClient(SNSClient);
const ROOT = join(import.meta.dirname, '../..');
let fx: StoreFixture;
let mod: typeof import('../../functions/digest.js');
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  fx = await startStoreFixture();
  const packaged = await packagedFiles(join(ROOT, 'tpguard.config.yaml'), join(ROOT, 'policies'));
  const vars: Record<string, string> = {
    TPGUARD_TABLE: fx.table.tableName,
    TPGUARD_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:tpguard-alerts',
    TPGUARD_CONFIG_FILE: packaged.configFile,
    TPGUARD_POLICY_DIR: packaged.policyDir,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: fx.table.endpoint,
    POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
    // The shipped configuration names env: webhooks; their posts go to the fake fetch below.
    TPGUARD_SLACK_ML_SECURITY: 'https://hooks.slack.com/services/T/B/security',
    TPGUARD_SLACK_FRAUD: 'https://hooks.slack.com/services/T/B/fraud',
  };
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  mod = await import('../../functions/digest.js');
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await fx.close();
});
afterEach(() => {
  sns.reset();
  vi.unstubAllGlobals();
});

describe('Function: digest lambdaHandler', () => {
  it('escalates and digests the open drift the store returns', async () => {
    // Prepare
    const [opened] = await driveHistory(fx.store, freshFacts('vision'), ['violation']);
    const record = opened!.record;
    const { dispatcher, sent } = recordingDispatcher(['email']);
    const info: unknown[] = [];
    // Act
    const run = await mod.lambdaHandler(
      {},
      {
        ledger: new MemoryLedger(),
        dispatcher,
        catalog: await shippedCatalog(),
        config: shippedConfig(),
        clock: clockAt('2026-11-04T10:00:00Z'),
        store: { queryRecords: async () => [record] },
        telemetry: {
          count: () => undefined,
          info: (m, f) => void info.push([m, f]),
          warn: () => undefined,
          error: () => undefined,
        },
      },
    );
    // Assess
    expect(run.open).toBe(1);
    expect(sent.map((m) => [m.kind, m.owner])).toEqual([
      ['escalated', 'default'],
      ['digest', 'vision'],
    ]);
    expect(info).toEqual([['digest run', { open: 1, escalations: 1, digests: ['email:vision'] }]]);
  });
});

describe('Function: digest handler (deployed wiring)', () => {
  it('reads open drift through the GSI of the embedded table and emails one digest per owner, once a day', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const posted: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      posted.push(url);
      return new Response('ok');
    });
    await driveHistory(fx.store, freshFacts('fraud'), ['violation']);
    await driveHistory(fx.store, freshFacts('fraud'), ['violation']);
    // Act
    const { result: first } = await captureStdout(() => mod.handler({}, lambdaContext('tpguard-digest')));
    const publishedFirst = sns.commandCalls(PublishCommand).length;
    await captureStdout(() => mod.handler({}, lambdaContext('tpguard-digest')));
    // Assess
    expect(first.digests.filter((d) => d.owner === 'fraud')).toEqual([
      { owner: 'fraud', channel: 'email', outcome: 'sent', items: 2 },
      { owner: 'fraud', channel: 'slack', outcome: 'sent', items: 2 },
    ]);
    const digestEmails = sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.MessageAttributes?.transition?.StringValue === 'digest');
    expect(digestEmails.filter((i) => i.MessageAttributes?.owner?.StringValue === 'fraud')).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(publishedFirst);
    expect(posted.filter((u) => u.endsWith('/fraud'))).toHaveLength(1); // the fraud team's Slack digest, once
  });
});

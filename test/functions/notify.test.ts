import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { packagedFiles } from '../helpers/packaged-files.js';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { transitionEnvelope } from '../../shared/adapters/local/index.js';
import { MemoryLedger, summarizeBatch } from '../../shared/notify/index.js';
import { summaryEnvelope } from '../../shared/adapters/local/index.js';
import type { NotifyTelemetry } from '../../shared/notify/index.js';
import { startStoreFixture, type StoreFixture } from '../shared/drift/store-fixture.js';
import { driveHistory, freshFacts } from '../shared/notify/drift-history.js';
import {
  clockAt,
  openedEvent,
  openedTransition,
  recordingDispatcher,
  shippedCatalog,
  shippedConfig,
} from '../shared/notify/support.js';
import { captureStdout, lambdaContext } from './ingest-handler-fixture.js';

const sns = mockClient(SNSClient);
const hub = mockClient(SecurityHubClient);
const ROOT = join(import.meta.dirname, '../..');
let fx: StoreFixture;
let mod: typeof import('../../functions/notify.js');
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  fx = await startStoreFixture(); // embedded dynalite: the ledger writes to the contract table
  const packaged = await packagedFiles(join(ROOT, 'tpguard.config.yaml'), join(ROOT, 'policies'));
  const vars: Record<string, string> = {
    TPGUARD_TABLE: fx.table.tableName,
    TPGUARD_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:tpguard-alerts',
    TPGUARD_SECURITYHUB: 'true',
    TPGUARD_CONFIG_FILE: packaged.configFile,
    TPGUARD_POLICY_DIR: packaged.policyDir,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: fx.table.endpoint,
    POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
  };
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  mod = await import('../../functions/notify.js'); // the cold start: config, pack and senders, once
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await fx.close();
});
afterEach(() => {
  sns.reset();
  hub.reset();
});

function telemetry(): NotifyTelemetry & { counts: string[]; errors: string[] } {
  const counts: string[] = [];
  const errors: string[] = [];
  return {
    counts,
    errors,
    count: (m) => void counts.push(m),
    info: () => undefined,
    warn: () => undefined,
    error: (m, f) => void errors.push(`${m}: ${String(f.reason)}`),
  };
}

describe('Function: notify lambdaHandler', () => {
  it('sends a transition event on the planned channels', async () => {
    // Prepare
    const t = openedTransition();
    const { dispatcher, sent } = recordingDispatcher(['email', 'slack']);
    // Act
    const response = await mod.lambdaHandler(openedEvent(), {
      store: { getRecord: async () => t.record, historyNear: async () => [] },
      ledger: new MemoryLedger(),
      dispatcher,
      catalog: await shippedCatalog(),
      config: shippedConfig(),
      clock: clockAt('2026-11-02T10:00:00Z'),
      telemetry: telemetry(),
    });
    // Assess
    expect(response).toEqual({
      results: [
        { channel: 'email', owner: 'nlp', outcome: 'sent', key: `opened#${t.eventId}`, driftId: t.record.driftId },
      ],
    });
    expect(sent).toHaveLength(1);
  });

  it("sends a baseline's Drift Batch Summary once per owner's channel, and nothing again when redelivered", async () => {
    // Prepare: one baseline drift of the nlp bucket
    const batch = { kind: 'baseline' as const, batchId: 'bl-20261103060000-0a1b2c3d', label: '111122223333/eu-west-1' };
    const [summary] = summarizeBatch([{ ...openedTransition(), batch }], batch, 'low', '2026-11-03T06:00:00.000Z');
    const { dispatcher, sent } = recordingDispatcher(['email', 'slack', 'securityhub']);
    const deps = {
      store: { getRecord: async () => undefined, historyNear: async () => [] },
      ledger: new MemoryLedger(),
      dispatcher,
      catalog: await shippedCatalog(),
      config: shippedConfig(),
      clock: clockAt('2026-11-03T06:00:00Z'),
      telemetry: telemetry(),
    };

    // Act
    const first = await mod.lambdaHandler(summaryEnvelope(summary!), deps);
    const again = await mod.lambdaHandler(summaryEnvelope(summary!), deps);

    // Assess: email to nlp (no Slack webhook for nlp); Security Hub takes the drift itself, not the summary
    expect(first).toEqual({ results: [expect.objectContaining({ channel: 'email', owner: 'nlp', outcome: 'sent' })] });
    expect(again).toEqual({ results: [expect.objectContaining({ channel: 'email', outcome: 'duplicate' })] });
    expect(sent.map((m) => [m.channel, m.kind])).toEqual([['email', 'batch']]);
  });

  it('acknowledges an event that is not a transition (no retry can fix it), with a log line and a metric', async () => {
    // Prepare
    const tel = telemetry();
    const { dispatcher, sent } = recordingDispatcher();
    // Act
    const response = await mod.lambdaHandler(
      { source: 'aws.s3', 'detail-type': 'Drift Opened', detail: {} },
      {
        store: { getRecord: async () => undefined, historyNear: async () => [] },
        ledger: new MemoryLedger(),
        dispatcher,
        catalog: await shippedCatalog(),
        config: shippedConfig(),
        clock: clockAt('2026-11-02T10:00:00Z'),
        telemetry: tel,
      },
    );
    // Assess
    expect(response).toEqual({ rejected: 'not a drift transition: source aws.s3 is not tpguard' });
    expect(tel.counts).toEqual(['RejectedTransitions']);
    expect(sent).toEqual([]);
  });
});

describe('Function: notify handler (deployed wiring)', () => {
  it('emails through SNS with filter attributes and imports into Security Hub, once, recording both on the drift item', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const [opened] = await driveHistory(fx.store, freshFacts('nlp'), ['violation']);
    const event = transitionEnvelope(opened!);
    // Act
    const { result: first } = await captureStdout(() => mod.handler(event, lambdaContext('tpguard-notify')));
    const { result: again } = await captureStdout(() =>
      mod.handler(structuredClone(event), lambdaContext('tpguard-notify')),
    );
    // Assess
    expect(first).toEqual({
      results: [
        {
          channel: 'email',
          owner: 'nlp',
          outcome: 'sent',
          key: `opened#${opened!.eventId}`,
          driftId: opened!.record.driftId,
        },
        {
          channel: 'securityhub',
          owner: 'nlp',
          outcome: 'sent',
          key: `opened#${opened!.eventId}`,
          driftId: opened!.record.driftId,
        },
      ],
    });
    expect(again).toMatchObject({ results: [{ outcome: 'duplicate' }, { outcome: 'duplicate' }] });
    const publish = sns.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    expect(publish[0]!.args[0].input.MessageAttributes?.owner).toEqual({ DataType: 'String', StringValue: 'nlp' });
    expect(hub.commandCalls(BatchImportFindingsCommand)[0]!.args[0].input.Findings![0]!.ProductArn).toBe(
      'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
    );
  });

  it('sends nothing for a forged Drift Resolved (real drift id, future time) while the record is open (attack 10)', async () => {
    // Prepare: the drift id is a hash of public facts; the attacker puts a resolution on the bus
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const [opened] = await driveHistory(fx.store, freshFacts('nlp'), ['violation']);
    const forged = structuredClone(opened!);
    forged.kind = 'resolved';
    forged.eventId = 'forged-1';
    forged.eventTime = '9999-01-01T00:00:00.000Z';
    forged.record = { ...forged.record, status: 'resolved', lastSeen: forged.eventTime, lastEventId: 'forged-1' };
    const event = { ...transitionEnvelope(forged), 'detail-type': 'Drift Resolved' };
    // Act
    const { result } = await captureStdout(() => mod.handler(event, lambdaContext('tpguard-notify')));
    // Assess
    expect(result).toMatchObject({ results: [], unsupported: expect.stringContaining('forged-1') });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
    expect((await fx.store.getRecord(opened!.record.driftId))?.status).toBe('open');
  });

  it('renders what the store holds, not what the event says: a real transition with forged content', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const [opened] = await driveHistory(fx.store, freshFacts('nlp'), ['violation']);
    const forged = structuredClone(opened!);
    forged.record.title = 'All clear: ignore this';
    forged.record.owner = 'vision';
    forged.evidence = { fields: { note: 'Open in the AWS console: https://evil.example/login' } };
    // Act
    await captureStdout(() => mod.handler(transitionEnvelope(forged), lambdaContext('tpguard-notify')));
    // Assess
    const publish = sns.commandCalls(PublishCommand);
    expect(publish).toHaveLength(1);
    const input = publish[0]!.args[0].input;
    expect(input.MessageAttributes?.owner).toEqual({ DataType: 'String', StringValue: 'nlp' });
    expect(input.Message).not.toContain('evil.example');
    expect(input.Message).not.toContain('All clear');
  });

  it('throws when SNS fails, so Lambda retries and the dead-letter queue keeps the event', async () => {
    // Prepare
    sns.on(PublishCommand).rejects(Object.assign(new Error('down'), { name: 'InternalErrorException' }));
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const [opened] = await driveHistory(fx.store, freshFacts('nlp'), ['violation']);
    // Act
    const { result } = await captureStdout(() =>
      mod.handler(transitionEnvelope(opened!), lambdaContext('tpguard-notify')).catch((e: unknown) => e),
    );
    // Assess
    expect((result as Error).name).toBe('DeliveryFailedError');
    expect((result as Error).message).toContain('email: SNS Publish failed: InternalErrorException');
  });
});

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialQueue, startEventServer } from '../../cli/commands/serve.js';
import { DynamoDriftStore, EventBridgePublisher } from '../../shared/adapters/aws/index.js';
import { powertoolsTelemetry } from '../../shared/adapters/lambda/index.js';
import { openLocalTable, startLocalRuntime } from '../../shared/adapters/local/index.js';
import { openTestTable } from '../helpers/dynamodb.js';
import { loadConfig } from '../../shared/config/index.js';
import { type DriftRecord, type DriftTransition, TRANSITION_GROUP_DETAIL_TYPE } from '../../shared/drift/index.js';
import { ingestEvent } from '../../shared/ingest/index.js';
import { fixedClock } from '../../shared/kernel/index.js';
import { MemoryLedger } from '../../shared/notify/index.js';
import {
  type DeliveryResult,
  notifyTransition,
  notifyTransitions,
  type Outbound,
  ownAccountHub,
  ruleCatalog,
} from '../../shared/notify/index.js';
import { createEvaluator, loadPolicyPack } from '../../shared/policy/index.js';
import { runCli } from '../helpers/cli.js';
import { type Json, REPO_ROOT, tempDir } from '../helpers/fixtures.js';
import { captureStdout } from '../functions/ingest-handler-fixture.js';
import { recordingDispatcher } from '../shared/notify/support.js';
import { allNeedles, SECRET_SHAPES, SECRET_TAGS } from './secret-corpus.js';

/**
 * Issue 13, "No secret leaves" (attacker review items 16 and 17): a training job carrying every
 * shape of the corpus, in its environment and hyperparameters (kept as keys only), in a generic
 * map and argument list (redacted value by value), and in its tags, goes through every sink
 * tpguard has. None of them may hold any needle of the corpus.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const CONFIG = join(FIXTURES, 'tpguard.config.yaml');
const POLICIES = join(REPO_ROOT, 'policies');

async function baseEvent(): Promise<Json> {
  return JSON.parse(await readFile(join(FIXTURES, '24-listed-secrets-email-newline.json'), 'utf8')) as Json;
}

const corpusMap = () => Object.fromEntries(SECRET_SHAPES.map((s) => [s.key, s.value]));

/** Event A: the corpus in environment and hyperParameters, secret tags. Event B: in a generic map and arguments. */
async function corpusEvents(): Promise<Json[]> {
  const a = await baseEvent();
  const reqA = a.detail.requestParameters;
  reqA.environment = { ...reqA.environment, ...corpusMap() };
  reqA.hyperParameters = { ...reqA.hyperParameters, ...corpusMap() };
  reqA.tags = [{ key: 'owner', value: 'nlp' }, ...SECRET_TAGS.map((t) => ({ key: t.key, value: t.value }))];
  const b = await baseEvent();
  b.id = '1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
  b.detail.eventID = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
  const reqB = b.detail.requestParameters;
  reqB.trainingJobName = 'llm-finetune-jdoe-experiment-8';
  b.detail.responseElements.trainingJobArn = b.detail.responseElements.trainingJobArn.replace(/7$/, '8');
  reqB.environment = {};
  reqB.debugHookConfig = { s3OutputPath: 's3://ml-training-nlp-corpus/debug/', hookParameters: corpusMap() };
  reqB.algorithmSpecification.containerArguments = SECRET_SHAPES.map((s) => s.value);
  return [a, b];
}

/** A line the reader cannot parse, holding a password (REPORT item 25: the parser echoed it). */
const JUNK_LINE = 'DB_PASSWORD=Sup3rS3cret-EXAMPLE';

function expectNoNeedle(sink: string, text: string): void {
  expect(text.length, `${sink} is empty: the test would prove nothing`).toBeGreaterThan(0);
  const found = allNeedles().filter((n) => text.includes(n));
  expect(found, `${sink} leaks`).toEqual([]);
}

describe('No secret leaves (issue 13, attacker review items 16, 17, 25)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let eventsFile: string;
  const cli = (args: string[]) => runCli([...args, '--config', CONFIG, '--policy', POLICIES]);
  const runtime = (args: string[]) => cli([...args, '--data-dir', join(dir, 'data')]);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('tpguard-secrets-'));
    eventsFile = join(dir, 'events.ndjson');
    const lines = [...(await corpusEvents()).map((e) => JSON.stringify(e)), JUNK_LINE];
    await writeFile(eventsFile, `${lines.join('\n')}\n`);
  });
  afterAll(async () => cleanup());

  it('the corpus has at least 50 shapes, and the events carry every needle', async () => {
    // Assess
    expect(SECRET_SHAPES.length).toBeGreaterThanOrEqual(50);
    const raw = await readFile(eventsFile, 'utf8');
    const decoded = JSON.stringify(
      raw
        .split('\n')
        .slice(0, 2)
        .map((l) => JSON.parse(l)),
    );
    for (const s of [...SECRET_SHAPES, ...SECRET_TAGS])
      expect(decoded.includes(JSON.stringify(s.value).slice(1, -1)), s.shape).toBe(true);
  });

  it('scan prints none (table, json, ndjson, sarif, junit, csv; rejection lines included)', async () => {
    for (const format of ['table', 'json', 'ndjson', 'sarif', 'junit', 'csv']) {
      // Act
      const run = await cli(['scan', eventsFile, '--all', '--format', format]);
      // Assess
      expectNoNeedle(`scan --format ${format}`, run.stdout + run.stderr);
      expect(run.stderr).toMatch(/invalid JSON/);
    }
  });

  it('replay, its outbox (email, Slack, Chatbot, Security Hub), drift list/show, the store and the reports hold none', async () => {
    // Act
    const replay = await runtime(['replay', eventsFile]);
    const outbox = await readFile(join(dir, 'data', 'outbox.ndjson'), 'utf8');
    const listJson = await runtime(['drift', 'list', '--all', '--format', 'json']);
    const listTable = await runtime(['drift', 'list', '--all']);
    const records = JSON.parse(listJson.stdout) as DriftRecord[];
    const shows = [];
    for (const r of records.filter((x) => ['TPS-SM-01', 'TPS-SM-09', 'TPS-SM-10'].includes(x.ruleId)))
      shows.push(await runtime(['drift', 'show', r.driftId]));
    const reports = [];
    for (const format of ['md', 'html', 'json']) reports.push(await runtime(['report', '--format', format]));
    const table = await openLocalTable({ dataDir: join(dir, 'data') });
    const items = JSON.stringify((await table.doc.send(new ScanCommand({ TableName: table.tableName }))).Items);
    await table.close();
    // Assess
    expect(replay.stdout).toMatch(/OPENED .* TPS-SM-10/);
    expect(new Set(outbox.split('\n').flatMap((l) => (l ? [JSON.parse(l).channel] : [])))).toEqual(
      new Set(['email', 'slack', 'chatbot', 'securityhub']),
    );
    expect(shows.length).toBeGreaterThanOrEqual(5);
    expectNoNeedle('replay output', replay.stdout + replay.stderr);
    expectNoNeedle('outbox.ndjson', outbox);
    expectNoNeedle('drift list --format json', listJson.stdout);
    expectNoNeedle('drift list', listTable.stdout);
    expectNoNeedle('drift show', shows.map((s) => s.stdout).join('\n'));
    for (const [i, r] of reports.entries()) expectNoNeedle(`report ${['md', 'html', 'json'][i]}`, r.stdout);
    expectNoNeedle('store items', items);
    // The values were there and were cut out, not dropped by the evidence cap.
    expect(items.includes('hookParameters')).toBe(true);
    expect(items.match(/\*\*\*REDACTED\*\*\*/g)?.length ?? 0).toBeGreaterThan(SECRET_SHAPES.length);
    expect(outbox.includes('requestParameters.environment.SETTING_01: ***REDACTED***')).toBe(true);
    expect(records.find((r) => r.tags)?.tags).toMatchObject({ owner: 'nlp', 'aws-key': '***REDACTED***' });
  }, 180_000);

  it('the deployed path: Powertools logs, history items, PutEvents entries and every rendered message hold none', async () => {
    // Prepare
    const config = await loadConfig(CONFIG);
    const pack = await loadPolicyPack(POLICIES);
    const table = await openTestTable();
    const store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'x' })),
    }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), { busName: 'tpguard' });
    const logger = new Logger({ serviceName: 'tpguard-ingest', logLevel: 'DEBUG' });
    const metrics = new Metrics({ namespace: 'tpguard', serviceName: 'tpguard-ingest' });
    const clock = fixedClock('2026-11-02T10:00:00Z');
    const deps = {
      evaluator: createEvaluator(pack, config),
      store,
      publisher,
      clock,
      telemetry: powertoolsTelemetry(logger, metrics),
      intake: 'ingest-cloudtrail',
    };
    const rejectedEvent = {
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.sagemaker',
      detail: JUNK_LINE,
      note: JUNK_LINE,
    };
    const { dispatcher, sent } = recordingDispatcher();
    const telemetry = powertoolsTelemetry(logger, metrics);
    try {
      // Act
      const { output: ingestLogs } = await captureStdout(async () => {
        for (const e of [...(await corpusEvents()), rejectedEvent]) await ingestEvent(e, deps);
      });
      const entries: PutEventsRequestEntry[] = eventBridge
        .commandCalls(PutEventsCommand)
        .flatMap((c) => c.args[0].input.Entries ?? []);
      const transitions = entries
        .filter((e) => e.DetailType !== TRANSITION_GROUP_DETAIL_TYPE)
        .map((e) => JSON.parse(e.Detail!) as DriftTransition);
      const notifierDeps = (ledger: MemoryLedger) => ({
        ledger,
        dispatcher,
        catalog: ruleCatalog(pack),
        config,
        clock,
        chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:tpguard-chat',
        securityHub: ownAccountHub,
        // As the deployed runtime logs each delivery (shared/adapters/lambda/notify-runtime.ts).
        onResult: (r: DeliveryResult, m?: Outbound) =>
          telemetry.info('notification', { ...r, to: m?.to, driftId: m?.driftId }),
      });
      const { output: notifyLogs } = await captureStdout(async () => {
        // Each transition alone, then the messages listing the transitions of one event (email, Slack)
        for (const t of transitions) await notifyTransition(t, notifierDeps(new MemoryLedger()));
        const byEvent = new Map<string, DriftTransition[]>();
        for (const t of transitions) byEvent.set(t.eventId, [...(byEvent.get(t.eventId) ?? []), t]);
        for (const group of byEvent.values())
          await notifyTransitions(
            group.map((transition) => ({ transition, current: true })),
            notifierDeps(new MemoryLedger()),
          );
      });
      const items = JSON.stringify((await table.doc.send(new ScanCommand({ TableName: table.tableName }))).Items);
      // Assess
      expect(transitions.map((t) => t.record.ruleId)).toContain('TPS-SM-10');
      expect(new Set(sent.map((m) => m.channel))).toEqual(new Set(['email', 'slack', 'chatbot', 'securityhub']));
      expect(sent.filter((m) => (m.items?.length ?? 0) > 1).map((m) => m.channel)).toEqual(
        expect.arrayContaining(['email', 'slack']),
      );
      expect(ingestLogs).toContain('input rejected');
      expectNoNeedle('ingest logs', ingestLogs);
      expectNoNeedle('notify logs', `${notifyLogs} `);
      expectNoNeedle('PutEvents entries', JSON.stringify(entries));
      expectNoNeedle('history, record and rejected items', items);
      for (const channel of ['email', 'slack', 'chatbot', 'securityhub'])
        expectNoNeedle(`${channel} payloads`, JSON.stringify(sent.filter((m) => m.channel === channel)));
    } finally {
      eventBridge.restore();
      await table.close();
    }
  });

  it("the review's own repro files (15 and 24): replay, outbox, drift list --format json and drift show hold none of their secrets", async () => {
    // Prepare
    const data = join(dir, 'repro');
    const secrets = [
      'S3cr3tPassw0rd',
      'hunter2',
      'Pg-Pa55word!',
      'sk_live_51Habcdefghijklmnopqrstuv',
      'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW',
      'hf_QmT4xE8rLp2VbN6sZk9WcY3aJd7GfH1uKo',
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'YWRtaW46aHVudGVyMg==',
      'eyJwYXNzd29yZCI6Imh1bnRlcjIifQ==',
      'sk_test_51HZxQ2abc',
      'Zk9s2LpQ7rT1vW3y',
      'Tr0ub4dor&3xyz',
    ];
    const run = (args: string[]) => cli([...args, '--data-dir', data]);
    // Act
    const replay = await run([
      'replay',
      join(FIXTURES, '24-listed-secrets-email-newline.json'),
      join(FIXTURES, '15-secret-shapes.json'),
    ]);
    const list = await run(['drift', 'list', '--all', '--format', 'json']);
    const records = JSON.parse(list.stdout) as DriftRecord[];
    const shows: string[] = [];
    for (const r of records.filter((x) => ['TPS-SM-09', 'TPS-SM-10'].includes(x.ruleId)))
      shows.push((await run(['drift', 'show', r.driftId])).stdout);
    const outbox = await readFile(join(data, 'outbox.ndjson'), 'utf8');
    // Assess
    expect(replay.code, replay.stderr).toBe(0);
    expect(shows.length).toBeGreaterThan(0);
    const everything = [replay.stdout, replay.stderr, outbox, list.stdout, ...shows].join('\n');
    expect(secrets.filter((x) => everything.includes(x))).toEqual([]);
    expect(everything.includes('requestParameters.environment.DB_PASS: ***REDACTED***')).toBe(true);
  }, 120_000);

  it('serve answers hold none (POST /events, GET /drift)', async () => {
    // Prepare
    const rt = await startLocalRuntime({
      config: await loadConfig(CONFIG),
      pack: await loadPolicyPack(POLICIES),
      intake: 'serve',
    });
    const server = await startEventServer(rt, 0, serialQueue());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // Act
      const posted = await fetch(`${base}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: await readFile(eventsFile),
      });
      const postText = await posted.text();
      const drift = await (await fetch(`${base}/drift`)).text();
      // Assess
      expect(postText).toMatch(/"opened"/);
      expectNoNeedle('POST /events answer', postText);
      expectNoNeedle('GET /drift', drift);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await rt.close();
    }
  });
});

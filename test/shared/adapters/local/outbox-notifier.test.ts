import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRANSITION_GROUP_PATTERN } from '../../../../shared/adapters/local/bus.js';
import { startLocalRuntime } from '../../../../shared/adapters/local/runtime.js';
import type { OutboxLine } from '../../../../shared/adapters/local/outbox.js';
import { createLocalNotifier } from '../../../../shared/adapters/local/outbox-notifier.js';
import { createSmtpSender } from '../../../../shared/adapters/local/smtp.js';
import { readInputs } from '../../../../shared/events/index.js';
import { fixedClock } from '../../../../shared/kernel/index.js';
import { openedEvent, SAMPLE_SECRETS, shippedConfig, shippedPack } from '../../notify/support.js';

const EVENTS = join(import.meta.dirname, '../../../../events');
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tpguard-outbox-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function outbox(): Promise<OutboxLine[]> {
  const text = await readFile(join(dataDir, 'outbox.ndjson'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutboxLine);
}

describe('Function: createLocalNotifier', () => {
  it('writes every message of a replay of the sample events to the outbox, and nothing the second time', async () => {
    // Prepare
    const config = shippedConfig({
      securityHub: true,
      chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:tpguard-chat',
    });
    const pack = await shippedPack();
    const runtime = await startLocalRuntime({ config, pack, dataDir, clock: fixedClock('2026-11-26T00:00:00Z') });
    const console: string[] = [];
    runtime.bus.subscribe(
      TRANSITION_GROUP_PATTERN,
      createLocalNotifier({ dataDir, config, pack, table: runtime.table, env: {}, log: (l) => console.push(l) }),
      'notifier',
    );
    try {
      // Act
      const first = await runtime.ingest(readInputs([EVENTS]));
      const afterFirst = (await outbox()).length;
      const second = await runtime.ingest(readInputs([EVENTS]));
      // Assess
      const lines = await outbox();
      expect(first.errors).toEqual([]);
      expect(second.errors).toEqual([]);
      expect(first.transitions.opened).toBeGreaterThan(0);
      expect(afterFirst).toBeGreaterThan(0);
      expect(lines).toHaveLength(afterFirst);
      expect(console).toHaveLength(afterFirst);
      expect(new Set(lines.map((l) => l.channel))).toEqual(new Set(['email', 'slack', 'chatbot', 'securityhub']));
      // The Config snapshot of events/baseline is one batch: one summary per owner and channel, no drift of its own.
      const batch = lines.filter((l) => l.transition === 'batch');
      expect(new Set(batch.map((l) => `${l.channel} ${l.owner}`)).size).toBe(batch.length);
      expect(batch.length).toBeGreaterThan(0);
      for (const l of lines.filter((x) => x.transition !== 'batch')) {
        expect(l).toMatchObject({
          channel: expect.any(String),
          transition: expect.any(String),
          resourceId: expect.any(String),
          eventId: expect.any(String),
          to: expect.any(Array),
        });
        expect(l.payload).toBeDefined();
        // A message names its rule, or lists the rules of its group (email and Slack: one per event and owner)
        expect(l.ruleId ?? l.ruleIds).toBeDefined();
        if (l.ruleIds) expect(['email', 'slack']).toContain(l.channel);
      }
      // The sample training job (8 rules): one email listing all to its owner (default, as the configuration
      // names none) and one to nlp, the team its owner tag adds (email only in the shipped configuration)
      const job = lines.filter((l) => l.eventId === '0c9a41f2-3d57-4e8b-a1c6-7f2e9d8b5a34');
      const jobEmails = job.filter((l) => l.channel === 'email');
      expect(jobEmails.map((l) => `${l.owner} ${l.ruleIds?.length}`).sort()).toEqual(['default 8', 'nlp 8']);
      expect(job.filter((l) => l.channel === 'securityhub')).toHaveLength(8);
      const email = lines.find((l) => l.channel === 'email')!.payload as Record<string, unknown>;
      expect(Object.keys(email)).toEqual(expect.arrayContaining(['subject', 'text']));
      const everything = JSON.stringify(lines);
      for (const secret of SAMPLE_SECRETS) expect(everything).not.toContain(secret);
    } finally {
      await runtime.close();
    }
    // The second replay re-places every older observation in its timeline (reads only): slower than the default 30 s on a shared CPU.
  }, 90_000);

  it('also posts to Slack for real when the env: webhook variable is set, and sends email through SMTP_URL', async () => {
    // Prepare
    const posted: string[] = [];
    const fetch = (async (url: string | URL | Request) => {
      posted.push(String(url));
      return new Response('ok');
    }) as typeof globalThis.fetch;
    const mailed: string[][] = [];
    const config = shippedConfig();
    config.owners.teams.nlp = { email: ['nlp-ml@example.com'], slack: 'env:TPGUARD_SLACK_NLP' };
    const notifier = createLocalNotifier({
      dataDir,
      config,
      pack: await shippedPack(),
      env: { TPGUARD_SLACK_NLP: 'https://hooks.slack.com/services/T/B/localSecret' },
      webhook: { fetch },
      mail: async (to) => void mailed.push([...to]),
      log: () => undefined,
    });
    // Act
    const results = await notifier(openedEvent());
    // Assess
    expect(results.map((r) => [r.channel, r.outcome])).toEqual([
      ['email', 'sent'],
      ['slack', 'sent'],
    ]);
    expect(posted).toEqual(['https://hooks.slack.com/services/T/B/localSecret']);
    expect(mailed).toEqual([['nlp-ml@example.com']]);
    const lines = await outbox();
    expect(lines.map((l) => [l.channel, l.delivered, l.to])).toEqual([
      ['email', 'smtp', ['nlp-ml@example.com']],
      ['slack', 'slack', ['env:TPGUARD_SLACK_NLP']],
    ]);
    expect(JSON.stringify(lines)).not.toContain('localSecret');
  });

  it('ignores an event that is not a drift transition, with one console line', async () => {
    // Prepare
    const lines: string[] = [];
    const notifier = createLocalNotifier({
      dataDir,
      config: shippedConfig(),
      pack: await shippedPack(),
      log: (l) => lines.push(l),
    });
    // Act
    const results = await notifier({ source: 'tpguard', 'detail-type': 'Drift Opened', detail: { kind: 'opened' } });
    // Assess
    expect(results).toEqual([]);
    expect(lines).toEqual([
      'notify: not a drift transition: eventId: Invalid input: expected string, received undefined',
    ]);
  });
});

/** The least of SMTP a client needs, on 127.0.0.1: records the DATA of each message. */
async function startSmtp(): Promise<{ server: Server; port: number; messages: string[] }> {
  const messages: string[] = [];
  const server = createServer((socket) => {
    let data: string | undefined;
    socket.write('220 localhost ESMTP test\r\n');
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('utf8').split('\r\n')) {
        if (data !== undefined) {
          if (line === '.') {
            messages.push(data);
            data = undefined;
            socket.write('250 queued\r\n');
          } else data += `${line}\n`;
          continue;
        }
        if (!line) continue;
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 localhost\r\n');
        else if (verb === 'DATA') {
          data = '';
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port, messages };
}

describe('Function: createSmtpSender', () => {
  it('delivers the email to an SMTP server with the tpguard attributes as headers', async () => {
    // Prepare
    const smtp = await startSmtp();
    try {
      const send = createSmtpSender(`smtp://127.0.0.1:${smtp.port}`, 'tpguard@example.com');
      // Act
      await send(['nlp-ml@example.com'], {
        subject: '[tpguard] HIGH Drift opened',
        text: 'What: TPS-SM-01',
        attributes: { owner: 'nlp', severity: 'high' },
      });
      // Assess
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]).toContain('Subject: [tpguard] HIGH Drift opened');
      expect(smtp.messages[0]).toContain('To: nlp-ml@example.com');
      expect(smtp.messages[0]).toContain('X-Tpguard-Owner: nlp');
      expect(smtp.messages[0]).toContain('What: TPS-SM-01');
    } finally {
      await new Promise((r) => smtp.server.close(r));
    }
  });
});

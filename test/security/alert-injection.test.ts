import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type Json, REPO_ROOT, tempDir } from '../helpers/fixtures.js';

/**
 * Issue 13, "Output that event data cannot hijack" (attacker review items 16 and 20): a newline in
 * a field value must not add a line to an email (a fake "Open in the AWS console" link), and Slack
 * control sequences (`<!channel>`, `<https://evil|text>`) must stay text in Chatbot payloads and
 * in the Security Hub finding, as they already did in the Slack message.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const CONFIG = join(FIXTURES, 'tpguard.config.yaml');
const POLICIES = join(REPO_ROOT, 'policies');
const FAKE_LINK = 'Open in the AWS console: https://evil.example/login';

interface OutboxEntry {
  channel: string;
  ruleId?: string;
  /** A message listing several transitions of one event (one email, one Slack message per owner). */
  ruleIds?: string[];
  payload: Json;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-alerts-'));
});
afterAll(async () => cleanup());

async function replayOutbox(name: string, files: string[]): Promise<OutboxEntry[]> {
  const data = join(dir, name);
  const run = await runCli(['replay', ...files, '--data-dir', data, '--config', CONFIG, '--policy', POLICIES]);
  expect(run.code, run.stderr).toBe(0);
  const text = await readFile(join(data, 'outbox.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as OutboxEntry);
}

/** The lines of a body that start with the console link: only the real one may. */
function consoleLinks(text: string): string[] {
  return text.split('\n').filter((l) => l.trimStart().startsWith('Open in the AWS console:'));
}

describe('Email bodies (review item 16)', () => {
  it('keep every field value on one line: no injected console link, from the environment or any shown field', async () => {
    // Prepare
    const event = JSON.parse(await readFile(join(FIXTURES, '24-listed-secrets-email-newline.json'), 'utf8'));
    const req = event.detail.requestParameters;
    req.outputDataConfig.s3OutputPath = `s3://jdoe-scratch-bucket/out\n\n${FAKE_LINK}\n`;
    req.checkpointConfig.s3Uri = `s3://jdoe-scratch-bucket/ckpt\r\n${FAKE_LINK}\u2028${FAKE_LINK}`;
    const variant = join(dir, 'newline-in-shown-fields.json');
    await writeFile(variant, JSON.stringify(event));
    // Act
    const original = await replayOutbox('email-original', [join(FIXTURES, '24-listed-secrets-email-newline.json')]);
    const shown = await replayOutbox('email-shown', [variant]);
    // Assess
    for (const entries of [original, shown]) {
      const emails = entries.filter((e) => e.channel === 'email');
      expect(emails.length).toBeGreaterThan(0);
      for (const e of emails) {
        const links = consoleLinks(e.payload.text as string);
        expect(links, `${e.ruleId} email`).toEqual([
          expect.stringMatching(/^Open in the AWS console: https:\/\/console\.aws\.amazon\.com\//),
        ]);
      }
      for (const s of entries.filter((x) => x.channel === 'slack')) {
        const texts = JSON.stringify(s.payload);
        expect(texts).not.toContain(`\\n${FAKE_LINK}`);
      }
    }
    const sm09 = shown.find(
      (e) => e.channel === 'email' && (e.ruleId === 'TPS-SM-09' || e.ruleIds?.includes('TPS-SM-09')),
    )!;
    expect(sm09.payload.text).toContain('s3://jdoe-scratch-bucket/out\\x0a\\x0aOpen in the AWS console');
  });
});

describe('Chatbot and Security Hub payloads (review item 20)', () => {
  it('escape <!channel> and Slack links taken from the event, as the Slack message does', async () => {
    // Act
    const entries = await replayOutbox('chatbot', [join(FIXTURES, '16-chatbot-channel.json')]);
    // Assess
    const chatbot = entries.filter((e) => e.channel === 'chatbot');
    const hub = entries.filter((e) => e.channel === 'securityhub');
    const slack = entries.filter((e) => e.channel === 'slack');
    expect(chatbot.length).toBeGreaterThan(0);
    expect(hub.length).toBeGreaterThan(0);
    for (const e of [...chatbot, ...hub, ...slack]) {
      const text = JSON.stringify(e.payload);
      expect(text, `${e.channel} ${e.ruleId}`).not.toContain('<!channel>');
      expect(text, `${e.channel} ${e.ruleId}`).not.toContain('<https://evil.example|');
    }
    const c = chatbot[0]!.payload;
    expect(c.metadata.summary).toContain('&lt;!channel&gt;');
    expect(c.metadata.relatedResources[0]).toContain('&lt;!channel&gt;');
    expect(c.content.description).toContain('&lt;!channel&gt;');
    // The console link tpguard writes itself stays a link.
    expect(c.content.description).toMatch(/<https:\/\/console\.aws\.amazon\.com\/[^|]+\|Open in the AWS console>/);
    expect(hub[0]!.payload.finding.Title).toContain('&lt;!channel&gt;');
  });
});

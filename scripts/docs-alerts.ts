/**
 * Renders the sample alerts under docs/alerts/ (`npm run docs:alerts`): the sample events are
 * replayed through the real local runtime (ingest -> drift store -> bus), and the transitions it
 * publishes are rendered by the notifier's own renderers, exactly as they would be sent.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRANSITION_PATTERN } from '../shared/adapters/local/index.js';
import { startLocalRuntime } from '../shared/adapters/local/index.js';
import { loadConfig } from '../shared/config/index.js';
import type { DriftTransition } from '../shared/drift/index.js';
import { readInputs } from '../shared/events/index.js';
import { renderFinding } from '../shared/notify/index.js';
import { renderChatbot } from '../shared/notify/index.js';
import { groupByOwner, renderDigestEmail, renderDigestSlack } from '../shared/notify/index.js';
import { renderEmail, renderGroupEmail, renderGroupSlack } from '../shared/notify/index.js';
import { alertFacts, ruleCatalog } from '../shared/notify/index.js';
import { renderSlack, validateSlackMessage } from '../shared/notify/index.js';
import type { EmailMessage, SlackBlock, SlackMessage, SlackTextObject } from '../shared/notify/index.js';
import { loadPolicyPack } from '../shared/policy/index.js';
import { fixedClock } from '../shared/kernel/index.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'docs/alerts');
/** The events replayed, in order: a training job with AWS keys in its environment, a bucket whose versioning is suspended then enabled again. */
const EVENTS = [
  'events/cloudtrail/sagemaker-create-training-job-open.json',
  'events/cloudtrail/s3-put-bucket-versioning-suspended-violation.json',
  'events/cloudtrail/s3-put-bucket-versioning-enabled-compliant.json',
];
const NOW = new Date('2026-11-04T09:00:00Z');

function emailText(m: EmailMessage): string {
  const attrs = Object.entries(m.attributes)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `Subject: ${m.subject}\nSNS message attributes: ${attrs}\n\n${m.text}\n`;
}

const text = (t: SlackTextObject | undefined): string =>
  t ? t.text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : '';

/** How a Slack client lays the blocks out, as plain text (the JSON beside it is what is POSTed). */
function slackPreview(m: SlackMessage): string {
  const render: Record<SlackBlock['type'], (b: SlackBlock) => string> = {
    header: (b) => `# ${text((b as Extract<SlackBlock, { type: 'header' }>).text)}`,
    section: (b) => {
      const s = b as Extract<SlackBlock, { type: 'section' }>;
      return [text(s.text), ...(s.fields ?? []).map((f) => `  ${text(f).replace('\n', ': ').replace(/\n/g, ' ')}`)]
        .filter(Boolean)
        .join('\n');
    },
    context: (b) => (b as Extract<SlackBlock, { type: 'context' }>).elements.map((e) => `  ${text(e)}`).join('\n'),
    divider: () => '---',
    actions: (b) =>
      (b as Extract<SlackBlock, { type: 'actions' }>).elements.map((e) => `[ ${e.text.text} ] -> ${e.url}`).join('\n'),
  };
  return `${m.blocks.map((b) => render[b.type](b)).join('\n\n')}\n\n(notification text: ${m.text})\n`;
}

async function write(name: string, content: string | object): Promise<void> {
  await writeFile(join(OUT, name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  process.stdout.write(`docs/alerts/${name}\n`);
}

async function replaySamples(): Promise<{
  transitions: DriftTransition[];
  open: Awaited<ReturnType<Awaited<ReturnType<typeof startLocalRuntime>>['store']['queryRecords']>>;
}> {
  const config = await loadConfig(join(ROOT, 'tpguard.config.yaml'));
  const pack = await loadPolicyPack(join(ROOT, 'policies'));
  const rt = await startLocalRuntime({ config, pack, clock: fixedClock(NOW) });
  const transitions: DriftTransition[] = [];
  rt.bus.subscribe(TRANSITION_PATTERN, (e) => void transitions.push(e.detail as unknown as DriftTransition), 'docs');
  try {
    for (const file of EVENTS) await rt.ingest(readInputs([join(ROOT, file)]));
    return { transitions, open: await rt.store.queryRecords({ statuses: ['open'] }) };
  } finally {
    await rt.close();
  }
}

async function main(): Promise<void> {
  const config = await loadConfig(join(ROOT, 'tpguard.config.yaml'));
  const catalog = ruleCatalog(await loadPolicyPack(join(ROOT, 'policies')));
  const { transitions, open } = await replaySamples();
  const pick = (kind: string, ruleId: string) => {
    const t = transitions.find((x) => x.kind === kind && x.record.ruleId === ruleId);
    if (!t) throw new Error(`the sample events made no ${kind} transition of ${ruleId}`);
    return alertFacts(t, catalog, { consoleBaseUrl: config.notifications.consoleBaseUrl, now: NOW });
  };
  const secrets = pick('opened', 'TPS-SM-10');
  const s3 = transitions.find((t) => t.kind === 'resolved' && t.record.resourceType === 's3-bucket');
  if (!s3) throw new Error('the sample events made no resolved s3-bucket transition');
  const resolved = pick('resolved', s3.record.ruleId);
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const slack = renderSlack(secrets);
  const problems = validateSlackMessage(slack);
  if (problems.length > 0) throw new Error(`Slack message out of limits: ${problems.join('; ')}`);
  await write('email-opened-TPS-SM-10.txt', emailText(renderEmail(secrets)));
  await write('slack-opened-TPS-SM-10.json', slack);
  await write('slack-opened-TPS-SM-10.preview.txt', slackPreview(slack));
  await write(`email-resolved-${resolved.ruleId}.txt`, emailText(renderEmail(resolved)));
  await write(`slack-resolved-${resolved.ruleId}.preview.txt`, slackPreview(renderSlack(resolved)));
  // What the owner receives for the training job: one email and one Slack message listing its rules (issue 20).
  const job = transitions
    .filter(
      (t) => t.kind === 'opened' && t.eventId === transitions.find((x) => x.record.ruleId === 'TPS-SM-10')?.eventId,
    )
    .map((t) => alertFacts(t, catalog, { consoleBaseUrl: config.notifications.consoleBaseUrl, now: NOW }));
  const grouped = renderGroupSlack(job, { runbookUrl: config.notifications.runbookUrl });
  const groupProblems = validateSlackMessage(grouped);
  if (groupProblems.length > 0) throw new Error(`Slack message out of limits: ${groupProblems.join('; ')}`);
  await write(
    'email-grouped-training-job.txt',
    emailText(renderGroupEmail(job, { runbookUrl: config.notifications.runbookUrl })),
  );
  await write('slack-grouped-training-job.json', grouped);
  await write('slack-grouped-training-job.preview.txt', slackPreview(grouped));
  await write('chatbot-opened-TPS-SM-10.json', renderChatbot(secrets));
  await write(
    `securityhub-resolved-${resolved.ruleId}.json`,
    renderFinding(resolved, { account: resolved.account, region: resolved.region }),
  );
  const nlp =
    groupByOwner(open, NOW, config.notifications.minSeverity, config.notifications.consoleBaseUrl, config.owners).get(
      'nlp',
    ) ?? [];
  await write('digest-email-nlp.txt', emailText(renderDigestEmail('nlp', nlp, NOW)));
  await write('digest-slack-nlp.preview.txt', slackPreview(renderDigestSlack('nlp', nlp, NOW)));
}

await main();

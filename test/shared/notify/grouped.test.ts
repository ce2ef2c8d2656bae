import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDriftStore, DynamoNotificationLedger } from '../../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../../shared/adapters/local/index.js';
import {
  type DriftTransition,
  groupBusEvent,
  MAX_GROUP_SIZE,
  transitionBusEvent,
  transitionGroups,
  type TransitionGroup,
} from '../../../shared/drift/index.js';
import { ingestEvent } from '../../../shared/ingest/index.js';
import { fixedClock } from '../../../shared/kernel/index.js';
import type { EmailMessage, SlackMessage } from '../../../shared/notify/index.js';
import { createEvaluator } from '../../../shared/policy/index.js';
import { DeliveryFailedError, InvalidTransitionError } from '../../../shared/notify/errors.js';
import { notifyBusEvent, type NotifierDeps, type TransitionStore } from '../../../shared/notify/notifier.js';
import { validateSlackMessage } from '../../../shared/notify/slack.js';
import { loadJson, REPO_ROOT } from '../../helpers/fixtures.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import { recordingDispatcher, shippedCatalog, shippedConfig, shippedPack } from './support.js';

/**
 * Issue 20, "Fewer, better alerts": the transitions one event causes for one owner go out as one
 * email and one Slack message listing each rule, while each transition keeps its own drift record
 * and ledger slots (sent exactly once per channel), read back from the drift store.
 */
const SAMPLE = join(REPO_ROOT, 'events/cloudtrail/sagemaker-create-training-job-open.json');
const SAMPLE_RULES = [
  'TPS-SM-01',
  'TPS-SM-02',
  'TPS-SM-03',
  'TPS-SM-04',
  'TPS-SM-05',
  'TPS-SM-06',
  'TPS-SM-09',
  'TPS-SM-10',
];

let table: LocalTable;
let store: DynamoDriftStore;

beforeEach(async () => {
  table = await openTestTable();
  store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
});
afterEach(async () => {
  await table.close();
});

/** The shipped configuration, the nlp team with a Slack webhook owning the sample job, and a runbook site. */
function config() {
  const c = shippedConfig({ runbookUrl: 'https://runbooks.example.com/tpguard/{ruleId}' });
  c.owners.teams.nlp = { email: ['nlp-ml@example.com'], slack: 'env:TPGUARD_SLACK_NLP' };
  // The configuration names the owner (a tag only adds a recipient): the job's tag owner=nlp agrees.
  c.owners.resources.push({ match: 'llm-finetune-*', team: 'nlp' });
  return c;
}

/** Ingests the sample training job into the store; returns the transitions it published. */
async function ingestSample(): Promise<DriftTransition[]> {
  const published: DriftTransition[] = [];
  const c = config();
  await ingestEvent(loadJson(SAMPLE), {
    evaluator: createEvaluator(await shippedPack(), c),
    store,
    publisher: { publish: async (ts) => void published.push(...ts) },
    clock: fixedClock('2026-11-02T12:00:00Z'),
    intake: 'test',
  });
  return published;
}

/** The bus events EventBridge would deliver to notify: one per group. */
function groupEvent(g: TransitionGroup): Record<string, unknown> {
  const e = groupBusEvent(g);
  return {
    version: '0',
    id: 'bus-1',
    source: e.source,
    'detail-type': e.detailType,
    detail: structuredClone(e.detail),
  };
}

function singleEvent(t: DriftTransition): Record<string, unknown> {
  const e = transitionBusEvent(t);
  return { source: e.source, 'detail-type': e.detailType, detail: structuredClone(e.detail) };
}

async function notifier() {
  const rec = recordingDispatcher(['email', 'slack', 'securityhub']);
  const deps: NotifierDeps & { store: TransitionStore } = {
    ledger: new DynamoNotificationLedger(table.doc, table.tableName),
    dispatcher: rec.dispatcher,
    catalog: await shippedCatalog(),
    config: config(),
    clock: fixedClock('2026-11-02T12:00:00Z'),
    securityHub: (r) => ({ account: r.account, region: r.region }),
    store,
  };
  return { deps, ...rec };
}

/** (channel, driftId) of every transition a sent message carried, counted. */
function tally(sent: ReturnType<typeof recordingDispatcher>['sent']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sent)
    for (const i of m.items ?? [{ driftId: m.driftId! }])
      counts.set(`${m.channel}|${i.driftId}`, (counts.get(`${m.channel}|${i.driftId}`) ?? 0) + 1);
  return counts;
}

describe('Function: notifyBusEvent (transition groups)', () => {
  it('sends the sample job as one email and one Slack message listing its 8 rules with severity and runbook', async () => {
    // Prepare
    const published = await ingestSample();
    const groups = transitionGroups(published);
    const { deps, sent } = await notifier();
    const shown: string[] = [];
    deps.onResult = (r, m) => void (m && shown.push(r.channel));
    // Act
    const out = await notifyBusEvent(groupEvent(groups[0]!), deps);
    // Assess
    expect(published).toHaveLength(8);
    expect(groups).toHaveLength(1);
    expect(out.unsupported).toBeUndefined();
    const email = sent.filter((m) => m.channel === 'email');
    const slack = sent.filter((m) => m.channel === 'slack');
    expect(email).toHaveLength(1);
    expect(slack).toHaveLength(1);
    expect(sent.filter((m) => m.channel === 'securityhub')).toHaveLength(8); // a finding per drift
    for (const m of [...email, ...slack]) expect(m.items!.map((i) => i.ruleId).sort()).toEqual(SAMPLE_RULES);
    const { subject, text, attributes } = email[0]!.payload as EmailMessage;
    expect(subject).toBe('llm-finetune-jdoe-experiment-7: HIGH 8 drift opened (7 high, 1 medium) [tpguard]');
    expect(attributes).toMatchObject({ owner: 'nlp', severity: 'high', transition: ['opened'] });
    expect([...(attributes.ruleId as string[])].sort()).toEqual(SAMPLE_RULES);
    for (const rule of SAMPLE_RULES) expect(text).toContain(`Runbook:  https://runbooks.example.com/tpguard/${rule}`);
    expect(text).toContain('[MEDIUM] TPS-SM-05 Distributed training without inter-container traffic encryption');
    expect(text.indexOf('[MEDIUM]')).toBeGreaterThan(text.lastIndexOf('[HIGH]')); // most severe first
    const message = slack[0]!.payload as SlackMessage;
    expect(validateSlackMessage(message)).toEqual([]);
    const blocks = JSON.stringify(message.blocks);
    for (const rule of SAMPLE_RULES) expect(blocks).toContain(`<https://runbooks.example.com/tpguard/${rule}|Runbook>`);
    expect(message.text).toMatch(/^:red_circle: llm-finetune-jdoe-experiment-7: \[HIGH\] 8 drift opened/);
    expect(out.results.filter((r) => r.outcome === 'sent')).toHaveLength(24);
    // Each message is reported once (console lines and logs print it once), each transition has its result
    expect(shown.filter((c) => c === 'email')).toHaveLength(1);
    expect(shown.filter((c) => c === 'securityhub')).toHaveLength(8);
  });

  it('sends nothing twice: the group again, each transition on its own, and copies delivered at the same time', async () => {
    // Prepare
    const published = await ingestSample();
    const [group] = transitionGroups(published);
    const { deps, sent } = await notifier();
    // Act: three copies at once (EventBridge delivers at least once), the losers retried, then every other delivery
    const settled = await Promise.allSettled([1, 2, 3].map(() => notifyBusEvent(groupEvent(group!), deps)));
    for (const s of settled) if (s.status === 'rejected') await notifyBusEvent(groupEvent(group!), deps);
    const afterGroup = sent.length;
    const again = await notifyBusEvent(groupEvent(group!), deps);
    for (const t of published) await notifyBusEvent(singleEvent(t), deps);
    // Assess: every transition exactly once per channel, nothing after the first complete delivery
    const counts = tally(sent);
    expect(counts.size).toBe(3 * 8);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(sent).toHaveLength(afterGroup);
    expect(again.results.every((r) => r.outcome === 'duplicate')).toBe(true);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(DeliveryFailedError);
  });

  it('retries only what was not sent: after a Slack failure the retry sends one Slack message, no email', async () => {
    // Prepare
    const [group] = transitionGroups(await ingestSample());
    const { deps, sent, fail } = await notifier();
    fail.add('slack');
    // Act
    const first = await notifyBusEvent(groupEvent(group!), deps).catch((err: unknown) => err);
    fail.clear();
    const retry = await notifyBusEvent(groupEvent(group!), deps);
    // Assess
    expect(first).toBeInstanceOf(DeliveryFailedError);
    expect((first as Error).message).toContain('8 transitions of event');
    expect((first as Error).message).toContain('slack is down');
    expect(sent.filter((m) => m.channel === 'email')).toHaveLength(1);
    expect(sent.filter((m) => m.channel === 'slack')).toHaveLength(1);
    expect(sent.find((m) => m.channel === 'slack')!.items).toHaveLength(8);
    const outcomes = (channel: string) => retry.results.filter((r) => r.channel === channel).map((r) => r.outcome);
    expect(new Set(outcomes('email'))).toEqual(new Set(['duplicate']));
    expect(outcomes('slack')).toEqual(Array(8).fill('sent'));
  });

  it('leaves out of the message a transition already sent on its own, and never sends it twice', async () => {
    // Prepare: an event of the transition alone arrived first (published before groups, or redriven)
    const published = await ingestSample();
    const sm10 = published.find((t) => t.record.ruleId === 'TPS-SM-10')!;
    const { deps, sent } = await notifier();
    await notifyBusEvent(singleEvent(sm10), deps);
    // Act
    await notifyBusEvent(groupEvent(transitionGroups(published)[0]!), deps);
    // Assess
    const emails = sent.filter((m) => m.channel === 'email');
    expect(emails).toHaveLength(2);
    expect(emails[0]!.ruleId).toBe('TPS-SM-10');
    expect((emails[0]!.payload as EmailMessage).subject).toMatch(
      /^llm-finetune-jdoe-experiment-7: HIGH TPS-SM-10 drift opened: /,
    );
    expect(emails[1]!.items!.map((i) => i.ruleId)).not.toContain('TPS-SM-10');
    expect(emails[1]!.items).toHaveLength(7);
    expect([...tally(sent).values()].every((n) => n === 1)).toBe(true);
  });

  it('sends what the store supports of a group and says what it left out (a forged or unknown member)', async () => {
    // Prepare
    const [group] = transitionGroups(await ingestSample());
    const forged = structuredClone(group!);
    forged.transitions.push({ ...forged.transitions[0]!, driftId: 'd-00000000000000000000' });
    forged.transitions.push({ ...forged.transitions[1]!, kind: 'resolved' });
    forged.transitions.push({ ...forged.transitions[2]! }); // named twice: sent once, no retry
    const { deps, sent } = await notifier();
    // Act
    const out = await notifyBusEvent(groupEvent(forged), deps);
    // Assess
    expect(out.unsupported).toContain('no drift record d-00000000000000000000');
    expect(out.unsupported).toContain(`has no resolved transition by event ${group!.eventId}`);
    expect(sent.find((m) => m.channel === 'email')!.items).toHaveLength(8);
  });

  it('rejects a group event naming no transition or more than MAX_GROUP_SIZE, and never retries it', async () => {
    // Prepare
    const [group] = transitionGroups(await ingestSample());
    const { deps, sent } = await notifier();
    const tooMany = { ...group!, transitions: Array(MAX_GROUP_SIZE + 1).fill(group!.transitions[0]) };
    // Act + Assess
    await expect(notifyBusEvent(groupEvent({ ...group!, transitions: [] }), deps)).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
    await expect(notifyBusEvent(groupEvent(tooMany), deps)).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(
      notifyBusEvent({ source: 'evil', 'detail-type': 'Drift Transitions', detail: group }, deps),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(sent).toEqual([]);
  });
});

import { resolveOwner, taggedOwnersOf } from '../config/index.js';
import { evidenceOf } from '../drift/index.js';
import { driftIdOf } from '../drift/index.js';
import { Outcomes, recordFinding, type Outcome, type RecordOutcome } from '../drift/index.js';
import {
  noExceptions,
  type DriftStore,
  type ExceptionMatcher,
  type Publisher,
  type RecordFacts,
} from '../drift/index.js';
import { intentOf } from '../drift/index.js';
import type { DriftTransition } from '../drift/index.js';
import { intake } from '../sources/index.js';
import type { Observation, Rejection } from '../sources/index.js';
import { type Evaluator, type Finding, unverifiable } from '../policy/index.js';
import { redactSecrets, redactTags, silentTelemetry } from '../kernel/index.js';
import type { CompiledRule } from '../policy/index.js';
import { DEFAULT_MAX_FUTURE_SKEW_MINUTES, type Clock } from '../kernel/index.js';
import { rejectedInputOf } from './rejected.js';
import { evaluateWithTags, type ResourceTagStore } from './resource-tags.js';
import { IngestMetrics, type IngestTelemetry } from './telemetry.js';

/** Everything the pipeline needs, injected: the same code runs in Lambda and locally. */
export interface IngestDeps {
  evaluator: Evaluator;
  store: DriftStore;
  publisher: Publisher;
  clock: Clock;
  /** Active exceptions (default: none). */
  exceptions?: ExceptionMatcher;
  telemetry?: IngestTelemetry;
  /** Who is ingesting, for rejected-input items: the function name, `replay`, `serve`. */
  intake: string;
  /** Where resource tags are remembered for scope (`scope.tags`); without it, unknown tags are only said. */
  tags?: ResourceTagStore;
}

/** What one ingest call did. */
export interface IngestResult {
  /** Observations evaluated. */
  events: number;
  rejected: Rejection[];
  /** (event, rule, resource) verdicts recorded (violation or pass). */
  findings: number;
  violations: number;
  cannotEvaluate: number;
  /** Of those, the ones the event's content caused on an identified resource: recorded as `unverifiable` drift. */
  unverifiable: number;
  /** Verdicts a rule could not reach for want of configuration (an `approved` list still empty): counted only. */
  notConfigured: number;
  outcomes: Record<Outcome, number>;
  /** Transitions published (including re-published ones of duplicate deliveries). */
  transitions: DriftTransition[];
}

/** An empty result, to accumulate into. */
export function emptyResult(): IngestResult {
  const outcomes = Object.fromEntries(Object.values(Outcomes).map((o) => [o, 0])) as Record<Outcome, number>;
  return {
    events: 0,
    rejected: [],
    findings: 0,
    violations: 0,
    cannotEvaluate: 0,
    unverifiable: 0,
    notConfigured: 0,
    outcomes,
    transitions: [],
  };
}

const rulesById = new WeakMap<Evaluator, Map<string, CompiledRule>>();

function ruleOf(ev: Evaluator, ruleId: string): CompiledRule {
  let map = rulesById.get(ev);
  if (!map) {
    map = new Map(ev.pack.rules.map((r) => [r.rule.id, r]));
    rulesById.set(ev, map);
  }
  return map.get(ruleId)!;
}

function factsOf(obs: Observation, f: Finding, rule: CompiledRule, deps: IngestDeps): RecordFacts {
  const r = f.resource;
  const owners = deps.evaluator.config.owners;
  const owner = resolveOwner(r, owners);
  const facts: RecordFacts = {
    driftId: driftIdOf({
      account: obs.account,
      region: obs.region,
      resourceType: r.type,
      resourceId: r.id,
      ruleId: f.ruleId,
    }),
    account: obs.account,
    region: obs.region,
    resourceType: r.type,
    resourceId: r.id,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    area: rule.area,
    owner,
    // Always written (an empty list too): a tag taken off stops the copies.
    taggedOwners: taggedOwnersOf(r, owner, owners),
    packVersion: deps.evaluator.pack.version,
  };
  if (r.arn) facts.resourceArn = r.arn;
  // Tags are chosen by whoever tags the resource: stored and published redacted, like evidence.
  if (r.tags) facts.tags = redactTags(r.tags);
  return facts;
}

type Recordable = Finding & { verdict: 'violation' | 'pass' | 'cannot-evaluate' };

async function recordOne(obs: Observation, f: Recordable, deps: IngestDeps): Promise<RecordOutcome> {
  const rule = ruleOf(deps.evaluator, f.ruleId);
  const facts = factsOf(obs, f, rule, deps);
  const exceptionId =
    f.verdict !== 'pass' ? await (deps.exceptions ?? noExceptions)(f.ruleId, f.resource, obs.eventTime) : undefined;
  const finding = {
    facts,
    intent: intentOf(f.verdict, f.resolves, exceptionId),
    verdict: f.verdict,
    eventId: obs.eventId,
    eventTime: obs.eventTime,
    source: obs.source,
    evidence: evidenceOf(obs, rule, f.resource),
    ...(obs.actor?.arn ? { actor: obs.actor.arn } : {}),
    ...(exceptionId ? { exceptionId } : {}),
    ...(obs.origin ? { origin: obs.origin } : {}),
    ...(f.verdict === 'cannot-evaluate' && f.reason ? { reason: redactSecrets(f.reason) } : {}),
  };
  return recordFinding(deps.store, finding, deps.clock.now().toISOString());
}

/**
 * Why an observation is dated too far ahead of the receiving clock to be taken in, or undefined.
 * Dated into the future, it would order every real event after it as older: the record would be
 * silenced until that date (and a year-9999 time would lock it for good).
 */
export function futureRejection(obs: Observation, deps: IngestDeps, where: string): Rejection | undefined {
  const skewMinutes = deps.evaluator.config.ingest?.maxFutureSkewMinutes ?? DEFAULT_MAX_FUTURE_SKEW_MINUTES;
  const limit = deps.clock.now().getTime() + skewMinutes * 60_000;
  const at = Date.parse(obs.eventTime);
  if (Number.isFinite(at) && at <= limit) return undefined;
  return {
    where,
    reason: `event time ${obs.eventTime} is more than ${skewMinutes} minutes ahead of the receiving clock (${new Date(limit - skewMinutes * 60_000).toISOString()}): rejected, nothing recorded (ingest.maxFutureSkewMinutes)`,
  };
}

/**
 * Evaluates one observation and records every violation and pass, and every cannot-evaluate verdict
 * the event's content caused on an identified resource (as `unverifiable`: a rule that cannot judge
 * what it was given must not fall silent); other cannot-evaluate verdicts are logged and counted.
 * Transitions are collected in `acc` (published by the caller).
 */
export async function ingestObservation(
  obs: Observation,
  deps: IngestDeps,
  acc: IngestResult = emptyResult(),
): Promise<IngestResult> {
  const t = deps.telemetry ?? silentTelemetry;
  const findings = await evaluateWithTags(deps.evaluator, obs, deps.tags);
  acc.events++;
  t.count(IngestMetrics.evaluated);
  const recordable: Recordable[] = [];
  for (const f of findings) {
    if (f.verdict === 'not-configured') {
      // Said once per run (the evaluator's notes), not once per event.
      acc.notConfigured++;
      continue;
    }
    if (f.verdict === 'cannot-evaluate') {
      acc.cannotEvaluate++;
      t.count(IngestMetrics.cannotEvaluate);
      t.warn('rule cannot evaluate', {
        eventId: obs.eventId,
        ruleId: f.ruleId,
        cause: f.cause,
        reason: redactSecrets(f.reason ?? ''),
      });
      if (!unverifiable(f)) continue;
      acc.unverifiable++;
      t.count(IngestMetrics.unverifiable);
      recordable.push({ ...f, severity: ruleOf(deps.evaluator, f.ruleId).rule.severity } as Recordable);
      continue;
    }
    if (f.verdict === 'violation') {
      acc.violations++;
      t.count(IngestMetrics.violations);
    }
    recordable.push(f as Recordable);
  }
  // Each finding of one observation is a different (rule, resource): a different record, so they
  // are written concurrently. Order only matters per record, and that is the store's condition.
  const settled = await Promise.allSettled(recordable.map((f) => recordOne(obs, f, deps)));
  for (const s of settled) {
    if (s.status === 'rejected') continue;
    acc.findings++;
    acc.outcomes[s.value.outcome]++;
    if (s.value.transition) acc.transitions.push(s.value.transition);
    if (s.value.late) acc.transitions.push(...s.value.late);
  }
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  if (findings.length > 0)
    t.info('event evaluated', {
      eventId: obs.eventId,
      source: obs.source,
      eventTime: obs.eventTime,
      rules: [...new Set(findings.map((f) => f.ruleId))],
    });
  return acc;
}

/** Records a rejection (TTL item), logs and counts it. Never throws for the input's sake. */
export async function recordRejection(
  rejection: Rejection,
  input: unknown,
  deps: IngestDeps,
  acc: IngestResult,
): Promise<void> {
  const t = deps.telemetry ?? silentTelemetry;
  acc.rejected.push(rejection);
  t.count(IngestMetrics.rejected);
  t.warn('input rejected', { where: rejection.where, reason: redactSecrets(rejection.reason) });
  await deps.store.putRejected(rejectedInputOf(rejection, input, deps.intake, deps.clock.now().toISOString()));
}

/** Publishes the collected transitions in one go, logs and counts them. Throws when publishing fails. */
export async function publishTransitions(acc: IngestResult, deps: IngestDeps): Promise<void> {
  if (acc.transitions.length === 0) return;
  const t = deps.telemetry ?? silentTelemetry;
  await deps.publisher.publish(acc.transitions);
  t.count(IngestMetrics.transitions, acc.transitions.length);
  for (const tr of acc.transitions) {
    t.info('drift transition', {
      transition: tr.kind,
      eventId: tr.eventId,
      driftId: tr.record.driftId,
      ruleId: tr.record.ruleId,
      status: tr.record.status,
      severity: tr.record.severity,
    });
  }
}

/**
 * The ingest handler's whole job for one delivered event: intake (envelope or raw shapes) ->
 * evaluate -> record -> publish. Input that can never succeed is recorded as rejected and
 * acknowledged; store and publish failures throw so that Lambda retries the event.
 * @example const result = await ingestEvent(eventBridgeEvent, deps)
 */
export async function ingestEvent(event: unknown, deps: IngestDeps, where = 'event'): Promise<IngestResult> {
  const acc = emptyResult();
  for (const item of intake(event, where)) {
    const rejection = item.ok ? futureRejection(item.observation, deps, item.where) : item.rejection;
    if (item.ok && !rejection) await ingestObservation(item.observation, deps, acc);
    else await recordRejection(rejection!, event, deps, acc);
  }
  await finishIngest(acc, deps);
  return acc;
}

/**
 * The pipeline for an observation already normalized (the local bus routes the observation intake
 * made, not its envelope): evaluate -> record -> publish.
 * @example const result = await ingestNormalized(observation, deps)
 */
export async function ingestNormalized(obs: Observation, deps: IngestDeps, where = 'event'): Promise<IngestResult> {
  const acc = emptyResult();
  const rejection = futureRejection(obs, deps, where);
  if (rejection) await recordRejection(rejection, obs.raw, deps, acc);
  else await ingestObservation(obs, deps, acc);
  await finishIngest(acc, deps);
  return acc;
}

/** Counts duplicates and stale findings, then publishes the transitions. */
async function finishIngest(acc: IngestResult, deps: IngestDeps): Promise<void> {
  const t = deps.telemetry ?? silentTelemetry;
  for (const outcome of [Outcomes.duplicate, Outcomes.stale] as const) {
    if (acc.outcomes[outcome] > 0)
      t.count(outcome === Outcomes.duplicate ? IngestMetrics.duplicates : IngestMetrics.stale, acc.outcomes[outcome]);
  }
  await publishTransitions(acc, deps);
}

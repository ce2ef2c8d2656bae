import type { Observation, ResourceRef } from '../sources/index.js';
import { inScope } from '../config/index.js';
import type { TpguardConfig } from '../config/index.js';
import { celConfigOf, configurationNotes, type ConfigurationNote, verdictOfError } from './requirements.js';
import { isRecord } from '../kernel/index.js';
import { blindReason, eventView, type EventView } from './blind-spots.js';
import { fieldPrefixesOfRule } from './field-reads.js';
import type { CompiledRule, PolicyPack } from './load.js';
import type { Severity } from '../kernel/index.js';
import type { Verdict } from './schema.js';
import { TriggerIndex } from './trigger-index.js';

/** The verdict of one rule on one resource of one observation. */
export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  verdict: Exclude<Verdict, 'not-applicable'>;
  resource: ResourceRef;
  /** For a pass: whether it resolves earlier drift of this rule and resource. */
  resolves: boolean;
  /** Why a rule could not be evaluated, or which configuration it lacks. */
  reason?: string;
  /** What kind of reason, for a cannot-evaluate verdict (see {@link unverifiable}). */
  cause?: CannotEvaluateCause;
}

/**
 * Why a rule could not judge an event. The event's content decides `truncated`, `too-deep`,
 * `oversized` and `error` (an expression failing on a field that is there): whoever made the call
 * chose that content, so these must not silence the rule. `absent` (a field the event does not
 * carry) and `no-resource` (nothing to judge) are the event not being about what the rule checks.
 * `tags-unknown`: the resource is out of scope by name and its tags, which `scope.tags` would
 * decide on, are neither in the event (CloudTrail carries none) nor remembered: said, not passed.
 */
export const CannotEvaluateCauses = [
  'truncated',
  'too-deep',
  'oversized',
  'error',
  'absent',
  'no-resource',
  'tags-unknown',
] as const;
export type CannotEvaluateCause = (typeof CannotEvaluateCauses)[number];

const UNVERIFIABLE: ReadonlySet<CannotEvaluateCause> = new Set(['truncated', 'too-deep', 'oversized', 'error']);

/**
 * True for a cannot-evaluate finding caused by what the event carries, on an identified resource:
 * recorded as `unverifiable` drift (and alerted), not only logged.
 * @example unverifiable({ verdict: 'cannot-evaluate', cause: 'truncated', ... }) // true
 */
export function unverifiable(f: Finding): boolean {
  return (
    f.verdict === 'cannot-evaluate' && f.cause !== undefined && UNVERIFIABLE.has(f.cause) && f.resource.id !== 'unknown'
  );
}

/** A pack ready to evaluate observations against one configuration. */
export interface Evaluator {
  pack: PolicyPack;
  config: TpguardConfig;
  index: TriggerIndex;
  /** `config` as rules see it: `approved` lists that are empty and mean "not configured" left out. */
  celConfig: Record<string, unknown>;
  /** One line per `approved` key the pack needs and the configuration leaves empty: say them once per run. */
  notes: ConfigurationNote[];
}

export function createEvaluator(pack: PolicyPack, config: TpguardConfig): Evaluator {
  return {
    pack,
    config,
    index: new TriggerIndex(pack.rules),
    celConfig: celConfigOf(config),
    notes: configurationNotes(pack.rules, config),
  };
}

function baseContext(obs: Observation, view: EventView, celConfig: Record<string, unknown>): Record<string, unknown> {
  const detail = view.detail;
  return {
    event: view.raw,
    detail,
    req: isRecord(detail.requestParameters) ? detail.requestParameters : {},
    resp: isRecord(detail.responseElements) ? detail.responseElements : {},
    actor: obs.actor ?? {},
    config: celConfig,
    obs: {
      eventId: obs.eventId,
      eventTime: obs.eventTime,
      source: obs.source,
      account: obs.account,
      region: obs.region,
      errorCode: obs.errorCode ?? '',
    },
  };
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** A field the event does not carry (CEL's no_such_key), or any other failure of the expression. */
function causeOf(err: unknown): CannotEvaluateCause {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'no_such_key'
    ? 'absent'
    : 'error';
}

function resourcesFor(
  c: CompiledRule,
  obs: Observation,
  ctx: Record<string, unknown>,
  known?: KnownTags,
): ResourceRef[] | string {
  const type = c.rule.resource.type;
  let list: ResourceRef[];
  if (c.resourceId) {
    let id: unknown;
    try {
      id = c.resourceId({ ...ctx, resource: {} });
    } catch (err) {
      return `resource.id: ${message(err)}`;
    }
    if (typeof id !== 'string' || id.length === 0) return `resource.id did not give a ${type} id`;
    list = [
      obs.resources.find((r) => r.type === type && (r.id === id || r.name === id || r.arn === id)) ?? {
        type,
        id,
        name: id,
      },
    ];
  } else list = obs.resources.filter((r) => r.type === type);
  if (list.length === 0) return `no ${type} in the event`;
  // Remembered tags before the facets: each part of a resource is in scope as the resource is.
  if (known) list = list.map((r) => withKnown(r, known));
  return c.facets ? facetsOf(c, list, ctx) : list;
}

/**
 * Each resource split into the parts the rule judges one by one (`resource.facets`): `<id> (<facet>)`,
 * with the name, ARN and tags of the resource (scope and owners see the resource itself).
 */
function facetsOf(c: CompiledRule, list: ResourceRef[], ctx: Record<string, unknown>): ResourceRef[] | string {
  const out: ResourceRef[] = [];
  for (const resource of list) {
    let facets: unknown;
    try {
      facets = c.facets!({ ...ctx, resource });
    } catch (err) {
      return `resource.facets: ${message(err)}`;
    }
    const names = Array.isArray(facets) ? facets : [facets];
    if (!names.every((f) => typeof f === 'string' && f.length > 0)) return 'resource.facets did not give strings';
    if (names.length === 0) out.push(resource);
    for (const f of names as string[]) out.push({ ...resource, id: `${resource.id} (${f})` });
  }
  return out;
}

function judge(c: CompiledRule, ctx: Record<string, unknown>, resource: ResourceRef, obs: Observation): Finding {
  const base = { ruleId: c.rule.id, title: c.rule.title, severity: c.rule.severity, resource, resolves: false };
  const vars = { ...ctx, resource };
  let violated: unknown;
  try {
    violated = c.violation(vars);
  } catch (err) {
    // CEL's `||` and `&&` absorb an error when the other side decides, so an absent field or an
    // unconfigured list only ends here when nothing the event carries settles the verdict.
    const { verdict, reason } = verdictOfError(err, c.rule.violation);
    const cause = verdict === 'cannot-evaluate' ? { cause: causeOf(err) } : {};
    return { ...base, severity: 'informational', verdict, reason: `violation: ${reason}`, ...cause };
  }
  if (typeof violated !== 'boolean')
    return {
      ...base,
      severity: 'informational',
      verdict: 'cannot-evaluate',
      reason: 'violation did not give a bool',
      cause: 'error',
    };
  if (violated) return { ...base, verdict: 'violation' };
  // Configuration items carry the whole state, unless the recorder did not record it.
  let resolves = obs.source === 'config' && obs.detail.configurationItemStatus !== 'ResourceNotRecorded';
  if (c.resolve) {
    try {
      resolves = c.resolve(vars) === true;
    } catch {
      resolves = false;
    }
  }
  return { ...base, verdict: 'pass', resolves };
}

/**
 * Deepest nesting a rule condition is evaluated on. CEL infers the type of a `dyn` value
 * along its first elements in time quadratic in the depth (an event nested 4,000 deep cost
 * two seconds per rule, found by the fuzz tests); AWS events stay far below this.
 */
export const MAX_EVENT_DEPTH = 64;

/** AWS's own limit for an ARN. A longer id is no resource's; recorded, it overflowed DynamoDB's 400 KB item (fuzz tests). */
export const MAX_RESOURCE_ID = 2048;

function identifiable(r: ResourceRef): boolean {
  return r.id.length <= MAX_RESOURCE_ID && (r.arn === undefined || r.arn.length <= MAX_RESOURCE_ID);
}

export { nestedDeeperThan } from '../kernel/index.js';

/** A finding for a rule that cannot judge the event, with the reason. */
function cannotEvaluate(c: CompiledRule, resource: ResourceRef, reason: string, cause: CannotEvaluateCause): Finding {
  const { id: ruleId, title } = c.rule;
  return {
    ruleId,
    title,
    severity: 'informational',
    verdict: 'cannot-evaluate',
    resource,
    resolves: false,
    reason,
    cause,
  };
}

/** The tags remembered for a resource the event carries none of (undefined: unknown). */
export type KnownTags = (resource: ResourceRef) => Record<string, string> | undefined;

/** True when `scope.tags` could put this resource in scope: a scope tag is configured. */
function tagsDecide(config: TpguardConfig): boolean {
  return Object.keys(config.scope.tags).length > 0;
}

/** The resource with its remembered tags when the event carries none. */
function withKnown(resource: ResourceRef, known: KnownTags | undefined): ResourceRef {
  if (resource.tags !== undefined || !known) return resource;
  const tags = known(resource);
  return tags ? { ...resource, tags } : resource;
}

function tagsUnknown(c: CompiledRule, r: ResourceRef): Finding {
  const reason = `scope: the tags of ${r.type} ${r.id.slice(0, 256)} are unknown (the event carries none and no Config item, GuardDuty finding or tagging call showed them), so scope.tags cannot be checked: it is not judged`;
  return cannotEvaluate(c, r, reason, 'tags-unknown');
}

/**
 * Evaluates one observation: only the rules its trigger can match, only on in-scope
 * resources, failed calls only for rules that include them. A resource the event gives no tags of
 * takes those `known` remembers; when they are unknown and only `scope.tags` could put it in scope,
 * the rule says so (`cannot-evaluate`, cause `tags-unknown`) instead of passing. Pure and synchronous.
 *
 * Rules rely on CEL errors for what an event does not carry (`no such key`), so most rules on
 * most events build an Error; V8 captures a stack trace for each, which cost more than the
 * evaluation itself (issue 19: about half of cel-js's error path). Nothing reads those stacks
 * (a finding keeps the message and the node), so none is captured while the rules run; the
 * limit is restored before returning, thrown or not.
 * @example evaluate(evaluator, observation).filter((f) => f.verdict === 'violation')
 */
export function evaluate(ev: Evaluator, obs: Observation, only?: ReadonlySet<string>, known?: KnownTags): Finding[] {
  const candidates = ev.index.lookup(obs.trigger);
  if (candidates.length === 0) return [];
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return evaluateRules(ev, obs, candidates, only, known);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function evaluateRules(
  ev: Evaluator,
  obs: Observation,
  candidates: readonly CompiledRule[],
  only: ReadonlySet<string> | undefined,
  known: KnownTags | undefined,
): Finding[] {
  const rules = candidates.filter(
    (c) =>
      (!only || only.has(c.rule.id)) &&
      (!obs.errorCode || (c.rule.on.source === 'cloudtrail' && c.rule.on.includeFailed)),
  );
  const readsEnvelope = rules.some((c) => fieldPrefixesOfRule(c).some((p) => p.tree === 'event'));
  // Truncated fields and subtrees too deep to evaluate blind only the rules that read them.
  const view = eventView(obs.raw, obs.detail, MAX_EVENT_DEPTH, readsEnvelope);
  const ctx = baseContext(obs, view, ev.celConfig);
  const out: Finding[] = [];
  for (const c of rules) {
    const blind = view.spots.length > 0 ? blindReason(fieldPrefixesOfRule(c), view.spots, MAX_EVENT_DEPTH) : undefined;
    const resources = resourcesFor(c, obs, ctx, known);
    if (typeof resources === 'string') {
      const unknown = { type: c.rule.resource.type, id: 'unknown' };
      out.push(
        blind
          ? cannotEvaluate(c, unknown, blind.reason, blind.cause)
          : cannotEvaluate(c, unknown, resources, 'no-resource'),
      );
      continue;
    }
    for (const resource of resources) {
      if (!inScope(resource, ev.config)) {
        if (resource.tags === undefined && tagsDecide(ev.config)) out.push(tagsUnknown(c, resource));
        continue;
      }
      if (!identifiable(resource)) {
        const short = { type: resource.type, id: resource.id.slice(0, 64) };
        out.push(cannotEvaluate(c, short, `resource id or ARN longer than ${MAX_RESOURCE_ID} characters`, 'oversized'));
      } else out.push(blind ? cannotEvaluate(c, resource, blind.reason, blind.cause) : judge(c, ctx, resource, obs));
    }
  }
  return out;
}

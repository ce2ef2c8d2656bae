import type { Observation, ResourceRef } from '../sources/index.js';
import { inScope } from '../config/index.js';
import type { TpguardConfig } from '../config/index.js';
import { celConfigOf, configurationNotes, type ConfigurationNote, verdictOfError } from './requirements.js';
import { isRecord } from '../kernel/index.js';
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

/** CloudTrail truncates oversized fields and marks them `"omitted": true`. */
function truncatedField(value: unknown, depth = 0): boolean {
  if (!isRecord(value) || depth > 3) return false;
  if (value.omitted === true) return true;
  return Object.values(value).some((v) => truncatedField(v, depth + 1));
}

function baseContext(obs: Observation, celConfig: Record<string, unknown>): Record<string, unknown> {
  const detail = obs.detail;
  return {
    event: obs.raw,
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

function resourcesFor(c: CompiledRule, obs: Observation, ctx: Record<string, unknown>): ResourceRef[] | string {
  const type = c.rule.resource.type;
  if (c.resourceId) {
    let id: unknown;
    try {
      id = c.resourceId({ ...ctx, resource: {} });
    } catch (err) {
      return `resource.id: ${message(err)}`;
    }
    if (typeof id !== 'string' || id.length === 0) return `resource.id did not give a ${type} id`;
    return [
      obs.resources.find((r) => r.type === type && (r.id === id || r.name === id || r.arn === id)) ?? {
        type,
        id,
        name: id,
      },
    ];
  }
  const list = obs.resources.filter((r) => r.type === type);
  return list.length > 0 ? list : `no ${type} in the event`;
}

function judge(c: CompiledRule, ctx: Record<string, unknown>, resource: ResourceRef, obs: Observation): Finding {
  const base = { ruleId: c.rule.id, title: c.rule.title, severity: c.rule.severity, resource, resolves: false };
  if (truncatedField(ctx.req) || truncatedField(ctx.resp)) {
    return {
      ...base,
      severity: 'informational',
      verdict: 'cannot-evaluate',
      reason: 'CloudTrail truncated a field (omitted: true)',
    };
  }
  const vars = { ...ctx, resource };
  let violated: unknown;
  try {
    violated = c.violation(vars);
  } catch (err) {
    // CEL's `||` and `&&` absorb an error when the other side decides, so an absent field or an
    // unconfigured list only ends here when nothing the event carries settles the verdict.
    const { verdict, reason } = verdictOfError(err, c.rule.violation);
    return { ...base, severity: 'informational', verdict, reason: `violation: ${reason}` };
  }
  if (typeof violated !== 'boolean')
    return { ...base, severity: 'informational', verdict: 'cannot-evaluate', reason: 'violation did not give a bool' };
  if (violated) return { ...base, verdict: 'violation' };
  let resolves = obs.source === 'config'; // configuration items carry the whole state
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

/** True when `value` nests objects or arrays deeper than `max` (iterative: no stack to exhaust). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Evaluates one observation: only the rules its trigger can match, only on in-scope
 * resources, failed calls only for rules that include them. Pure and synchronous.
 * @example evaluate(evaluator, observation).filter((f) => f.verdict === 'violation')
 */
export function evaluate(ev: Evaluator, obs: Observation, only?: ReadonlySet<string>): Finding[] {
  const candidates = ev.index.lookup(obs.trigger);
  if (candidates.length === 0) return [];
  const ctx = baseContext(obs, ev.celConfig);
  const tooDeep = nestedDeeperThan(obs.raw, MAX_EVENT_DEPTH);
  const out: Finding[] = [];
  for (const c of candidates) {
    if (only && !only.has(c.rule.id)) continue;
    if (obs.errorCode && !(c.rule.on.source === 'cloudtrail' && c.rule.on.includeFailed)) continue;
    const resources = tooDeep ? `event nested deeper than ${MAX_EVENT_DEPTH} levels` : resourcesFor(c, obs, ctx);
    if (typeof resources === 'string') {
      out.push({
        ruleId: c.rule.id,
        title: c.rule.title,
        severity: 'informational',
        verdict: 'cannot-evaluate',
        resource: { type: c.rule.resource.type, id: 'unknown' },
        resolves: false,
        reason: resources,
      });
      continue;
    }
    for (const resource of resources) {
      if (!inScope(resource, ev.config)) continue;
      out.push(
        identifiable(resource)
          ? judge(c, ctx, resource, obs)
          : {
              ruleId: c.rule.id,
              title: c.rule.title,
              severity: 'informational',
              verdict: 'cannot-evaluate',
              resource: { type: resource.type, id: resource.id.slice(0, 64) },
              resolves: false,
              reason: `resource id or ARN longer than ${MAX_RESOURCE_ID} characters`,
            },
      );
    }
  }
  return out;
}

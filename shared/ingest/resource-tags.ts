import type { TpguardConfig } from '../config/index.js';
import { globAny, redactTags } from '../kernel/index.js';
import { evaluate, type Evaluator, type Finding } from '../policy/index.js';
import { type Observation, type ResourceRef, tagChangesOf } from '../sources/index.js';

/** Which resource a tags item is about. */
export interface ResourceTagKey {
  account: string;
  region: string;
  type: string;
  id: string;
}

/** The tags last seen on a resource, and from which event. */
export interface RememberedTags {
  tags: Record<string, string>;
  /** Event time of the observation that showed them: an older one never overwrites them. */
  seenAt: string;
  eventId: string;
  /** False when only some keys are known (SageMaker AddTags on a resource never seen whole). */
  complete: boolean;
}

/**
 * The port to the remembered tags: one small item per resource (DynamoDB `TAGS#...`).
 * `putTags` writes only when `seenAt` is not older than what is stored (event-time order).
 */
export interface ResourceTagStore {
  getTags(key: ResourceTagKey): Promise<RememberedTags | undefined>;
  putTags(key: ResourceTagKey, tags: RememberedTags): Promise<void>;
}

/** AWS allows 50 tags per resource, keys of 128 and values of 256 characters: more is not kept. */
export const MAX_REMEMBERED_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;

/**
 * Tags as remembered: redacted like every stored tag, at most {@link MAX_REMEMBERED_TAGS} (scope
 * keys first, then by key), keys and values cut to AWS's limits. An item stays a few KB.
 * @example boundedTags({ 'ml:pipeline': 'training' }, config) // { 'ml:pipeline': 'training' }
 */
export function boundedTags(tags: Readonly<Record<string, string>>, config: TpguardConfig): Record<string, string> {
  const scopeKeys = new Set(Object.keys(config.scope.tags));
  const entries = Object.entries(redactTags(tags))
    .map(([k, v]): [string, string] => [k.slice(0, MAX_KEY), String(v).slice(0, MAX_VALUE)])
    .sort(([a], [b]) => Number(scopeKeys.has(b)) - Number(scopeKeys.has(a)) || a.localeCompare(b));
  const out: Record<string, string> = {};
  for (const [k, v] of entries.slice(0, MAX_REMEMBERED_TAGS)) out[k] = v;
  return out;
}

/** True when `scope.tags` names a tag: only then are tags remembered or looked up. */
export function scopeUsesTags(config: TpguardConfig): boolean {
  return Object.keys(config.scope.tags).length > 0;
}

function keyOf(obs: Observation, r: ResourceRef): ResourceTagKey {
  return { account: obs.account, region: obs.region, type: r.type, id: r.id };
}

/**
 * Remembers the tags an observation shows (whole sets replace, AddTags merges, DeleteTags removes).
 * A merge or removal older than what is stored is skipped; one on a resource never seen whole is
 * kept as incomplete (it can put the resource in scope, never take it out).
 */
export async function rememberTags(obs: Observation, store: ResourceTagStore, config: TpguardConfig): Promise<void> {
  if (!scopeUsesTags(config)) return;
  for (const change of tagChangesOf(obs)) {
    const key = keyOf(obs, change.resource);
    const at = { seenAt: obs.eventTime, eventId: obs.eventId };
    if (change.kind === 'replace') {
      await store.putTags(key, { tags: boundedTags(change.tags, config), complete: true, ...at });
      continue;
    }
    const before = await store.getTags(key);
    if (before && before.seenAt > obs.eventTime) continue;
    const tags = { ...before?.tags };
    if (change.kind === 'merge') Object.assign(tags, change.tags);
    else for (const k of change.keys) delete tags[k];
    if (!before && change.kind === 'remove') continue;
    await store.putTags(key, { tags: boundedTags(tags, config), complete: before?.complete ?? false, ...at });
  }
}

/**
 * Evaluates an observation with the tags remembered for its resources: remembers what it shows
 * first, evaluates, and for each resource whose tags were unknown looks them up (one read each,
 * only then) and evaluates again with them. Without a store, the same as `evaluate`.
 * @example const findings = await evaluateWithTags(evaluator, observation, tagStore)
 */
export async function evaluateWithTags(
  ev: Evaluator,
  obs: Observation,
  store: ResourceTagStore | undefined,
): Promise<Finding[]> {
  if (!store) return evaluate(ev, obs);
  await rememberTags(obs, store, ev.config);
  const first = evaluate(ev, obs);
  const unknown = new Map<string, ResourceRef>();
  for (const f of first) {
    if (f.cause !== 'tags-unknown') continue;
    const r = baseOf(f.resource, obs);
    unknown.set(`${r.type}\u0000${r.id}`, r);
  }
  if (unknown.size === 0) return first;
  const found = new Map<string, Record<string, string>>();
  for (const [k, r] of unknown) {
    const remembered = await store.getTags(keyOf(obs, r));
    // Incomplete tags count only when they put the resource in scope; otherwise they stay unknown.
    if (remembered && (remembered.complete || inScopeBy(remembered.tags, ev.config))) found.set(k, remembered.tags);
  }
  if (found.size === 0) return first;
  return evaluate(ev, obs, undefined, (r) => found.get(`${r.type}\u0000${r.id}`));
}

/** The resource a finding is about, before `resource.facets` named a part of it (`<id> (<facet>)`). */
function baseOf(r: ResourceRef, obs: Observation): ResourceRef {
  return obs.resources.find((o) => o.type === r.type && (o.id === r.id || r.id.startsWith(`${o.id} (`))) ?? r;
}

function inScopeBy(tags: Readonly<Record<string, string>>, config: TpguardConfig): boolean {
  return Object.entries(config.scope.tags).some(([k, values]) => Object.hasOwn(tags, k) && globAny(tags[k], values));
}

import type { Observation, ResourceRef } from '../sources/index.js';
import { redactSecrets } from '../kernel/index.js';
import type { CompiledRule } from '../policy/index.js';
import { isRecord } from '../kernel/index.js';

/** Largest evidence kept per observation (serialized JSON). */
export const EVIDENCE_MAX_BYTES = 8 * 1024;

const ROOTS = { req: ['requestParameters'], resp: ['responseElements'], detail: [], event: [] } as const;
type Root = keyof typeof ROOTS;

/** A field path a rule reads: root variable and up to two keys below it. */
interface FieldRef {
  root: Root;
  keys: string[];
}

const referenced = new WeakMap<CompiledRule, FieldRef[]>();

/** The event fields a rule's expressions read (`req.?vpcConfig`, `detail.configuration.x`). */
export function fieldsReadBy(rule: CompiledRule): FieldRef[] {
  const cached = referenced.get(rule);
  if (cached) return cached;
  const text = [rule.rule.violation, rule.rule.resolve ?? '', rule.rule.resource.id ?? ''].join('\n');
  const refs: FieldRef[] = [];
  const seen = new Set<string>();
  const add = (root: Root, keys: string[]) => {
    const id = `${root}.${keys.join('.')}`;
    if (!seen.has(id)) {
      refs.push({ root, keys });
      seen.add(id);
    }
  };
  for (const m of text.matchAll(/\b(req|resp|detail|event)\b/g)) {
    const keys: string[] = [];
    const segment = /^\s*\.\??\s*([A-Za-z_$][\w$]*)(\s*\()?/;
    let rest = text.slice(m.index + m[0].length);
    for (let s = segment.exec(rest); s && !s[2] && keys.length < 2; s = segment.exec(rest)) {
      keys.push(s[1]!); // a name followed by "(" is a method (orValue, size, ...), not a field
      rest = rest.slice(s[0].length);
    }
    if (keys.length > 0) add(m[1] as Root, keys);
  }
  // A whole object passed to a function, e.g. opensToWorld(req).
  for (const m of text.matchAll(/\b(req|resp)\b(?!\s*\.)/g)) add(m[1] as Root, []);
  referenced.set(rule, refs);
  return refs;
}

function rootObject(obs: Observation, root: Root): unknown {
  if (root === 'event') return obs.raw;
  const base: unknown = obs.detail;
  return ROOTS[root].reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), base);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * A number DynamoDB and its SDK take: not Infinity (`1e400` in JSON), not below 1e-130 in
 * magnitude (DynamoDB's underflow), not past 2^53 (the SDK's precision check). Others are kept as
 * text: each made the history write throw, so the event could never be recorded (fuzz tests).
 */
function storableNumber(n: number): boolean {
  const m = Math.abs(n);
  return n === 0 || (Number.isFinite(n) && m >= 1e-130 && m <= Number.MAX_SAFE_INTEGER);
}

/**
 * Deep copy with every credential cut out (kernel `redactSecrets`: secret names, token formats, URL
 * credentials, encoded values; only the keys of `environment` and `hyperParameters`), and numbers
 * DynamoDB cannot store kept as text.
 * @example redactDeep({ env: { DB_PASSWORD: 'hunter2', KEY: 'AKIAIOSFODNN7EXAMPLE' } }) // both '***REDACTED***'
 */
export function redactDeep(value: unknown): unknown {
  return redactSecrets(value, { number: (n) => (storableNumber(n) ? n : String(n)) });
}

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');

/**
 * The node to cut so that `excess` bytes go: descend into the largest child while that child alone
 * is at least `excess` large, so the cut is as small and as deep as possible.
 */
function nodeToCut(root: Record<string, unknown>, excess: number): [Record<string, unknown>, string] | undefined {
  let parent = root;
  let best: [Record<string, unknown>, string] | undefined;
  for (let depth = 0; depth < 8; depth++) {
    const entries = Object.entries(parent).filter(([, v]) => !(typeof v === 'string' && v.startsWith('[truncated')));
    const largest = entries.map(([k, v]) => [k, size(v)] as const).sort((a, b) => b[1] - a[1])[0];
    if (!largest) break;
    best = [parent, largest[0]];
    const child = parent[largest[0]];
    if (!isRecord(child) || largest[1] < excess) break;
    const inner =
      Object.values(child)
        .map(size)
        .sort((a, b) => b - a)[0] ?? 0;
    if (inner < excess) break;
    parent = child;
  }
  return best;
}

/** Cuts long strings and arrays, then the fields that make it too large, until the whole fits. */
function cap(evidence: Record<string, unknown>, maxBytes: number): Record<string, unknown> {
  const trim = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > 1024 ? `${v.slice(0, 1024)}…[${v.length} chars]` : v;
    if (Array.isArray(v))
      return v
        .slice(0, 25)
        .map((x) => trim(x, depth + 1))
        .concat(v.length > 25 ? [`…[${v.length - 25} more]`] : []);
    if (isRecord(v) && depth < 8) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, trim(x, depth + 1)]));
    return isRecord(v) ? '[nested too deep]' : v;
  };
  const out = trim(evidence, 0) as Record<string, unknown>;
  for (let i = 0; i < 64 && isRecord(out.fields) && size(out) > maxBytes; i++) {
    const cut = nodeToCut(out.fields, size(out) - maxBytes);
    if (!cut) break;
    cut[0][cut[1]] = `[truncated: ${size(cut[0][cut[1]])} bytes]`;
  }
  return size(out) > maxBytes ? { ...out, fields: '[truncated]' } : out;
}

/**
 * The evidence kept for an observation: what happened (source, call or finding type), to which
 * resource, and the event fields the rule read, with secret-like values redacted and the whole
 * capped at {@link EVIDENCE_MAX_BYTES}. Nothing else of the event is stored, logged or sent.
 * @example evidenceOf(obs, compiledRule, resource).fields // { requestParameters: { enableNetworkIsolation: false } }
 */
export function evidenceOf(
  obs: Observation,
  rule: CompiledRule,
  resource: ResourceRef,
  maxBytes = EVIDENCE_MAX_BYTES,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const ref of fieldsReadBy(rule)) {
    const base = rootObject(obs, ref.root);
    const value = ref.keys.reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), base);
    if (value === undefined) continue;
    const prefix =
      ref.root === 'req' || ref.root === 'resp' ? [...ROOTS[ref.root]] : ref.root === 'event' ? ['event'] : [];
    const path = [...prefix, ...ref.keys];
    if (path.length === 0) Object.assign(fields, isRecord(value) ? value : { value });
    else setPath(fields, path, value);
  }
  const evidence: Record<string, unknown> = {
    source: obs.source,
    trigger: Object.fromEntries(Object.entries(obs.trigger).filter(([, v]) => v !== undefined)),
    resource: Object.fromEntries(
      Object.entries({ type: resource.type, id: resource.id, arn: resource.arn }).filter(([, v]) => v !== undefined),
    ),
  };
  if (obs.errorCode) evidence.errorCode = obs.errorCode;
  if (Object.keys(fields).length > 0) evidence.fields = fields;
  return cap(redactDeep(evidence) as Record<string, unknown>, maxBytes);
}

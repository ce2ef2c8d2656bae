import {
  APPROVED_WHEN_EMPTY,
  type ApprovedKey,
  ApprovedSchema,
  ScopeSchema,
  type TpguardConfig,
} from '../config/index.js';
import { RESOURCE_TYPE_NAMES } from '../sources/index.js';
import type { PackProblem } from './errors.js';
import { policyEnvironment } from './cel.js';
import { type FieldRead, pathText, type Segment } from './reads.js';
import type { Rule } from './schema.js';
import { suggestion } from './suggest.js';

/**
 * What a rule needs from the configuration, derived from what its CEL reads (no list to keep
 * by hand), and what an error during evaluation means: a field the event lacks, or an `approved`
 * list the configuration leaves empty.
 */

const APPROVED_KEYS = Object.keys(ApprovedSchema.shape) as ApprovedKey[];
const SCOPE_KEYS = Object.keys(ScopeSchema.shape);

/** The expressions of a rule, by field name. */
function expressionsOf(rule: Rule): [string, string][] {
  return [
    ['violation', rule.violation],
    ['resolve', rule.resolve ?? ''],
    ['resource.id', rule.resource.id ?? ''],
  ].filter((e): e is [string, string] => e[1] !== '');
}

type Node = { op: string; args: unknown };
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && 'op' in v;
const SELECT = new Set(['.', '.?', '[]', '[?]']);

/** The nodes directly under a node (CEL AST: args are a node, a list, or a call's tuple). */
function children(n: Node): Node[] {
  const out: Node[] = [];
  const add = (v: unknown): void => {
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) for (const x of v) add(x);
  };
  add(n.args);
  return out;
}

/** `config.a.b[?'c']` as segments, or undefined when the chain is not rooted at `config`. */
function configChain(n: Node): Segment[] | undefined {
  const segs: Segment[] = [];
  let cur: Node = n;
  while (SELECT.has(cur.op)) {
    const [base, key] = cur.args as [Node, Node | string];
    const opt = cur.op === '.?' || cur.op === '[?]';
    if (typeof key === 'string') segs.unshift({ k: 'field', name: key, opt });
    else if (key.op === 'value' && typeof key.args === 'string') segs.unshift({ k: 'field', name: key.args, opt });
    else segs.unshift({ k: 'dyn', opt });
    cur = base;
  }
  return cur.op === 'id' && cur.args === 'config' ? segs : undefined;
}

/**
 * The `config` paths of a rule's expressions: a plain walk of the AST (linear; it runs when every
 * pack loads, a Lambda cold start included), not the full read collector.
 */
function configReads(rule: Rule): { field: string; read: FieldRead }[] {
  const out: { field: string; read: FieldRead }[] = [];
  for (const [field, expr] of expressionsOf(rule)) {
    const stack: Node[] = [policyEnvironment().parse(expr).ast as unknown as Node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      const segs = SELECT.has(n.op) ? configChain(n) : undefined;
      if (segs) {
        out.push({ field, read: { root: 'config', segs, ops: null, text: '' } });
        // the longest chain only; an index key may still read config
        for (const s of [n, ...children(n)])
          if (SELECT.has(s.op)) stack.push(...children(s).filter((c) => !SELECT.has(c.op) && c.op !== 'id'));
        continue;
      }
      stack.push(...children(n));
    }
  }
  return out;
}

const fieldName = (read: FieldRead, i: number): string | undefined => {
  const s = read.segs[i];
  return s?.k === 'field' ? s.name : undefined;
};

/** Where a rule reads `config` outside the configuration schema: `file: rule: violation: config.approved.imagez: ...`. */
export function configPathProblems(rule: Rule, where: PackProblem): PackProblem[] {
  const out: PackProblem[] = [];
  const problem = (field: string, read: FieldRead, message: string) =>
    out.push({ ...where, message: `${field}: ${pathText(read)}: ${message}` });
  for (const { field, read } of configReads(rule)) {
    const section = fieldName(read, 0);
    const key = fieldName(read, 1);
    if (section === undefined) continue;
    if (section !== 'approved' && section !== 'scope') {
      problem(
        field,
        read,
        `rules see only config.approved and config.scope${suggestion(section, ['approved', 'scope'])}`,
      );
    } else if (section === 'approved' && key !== undefined && !APPROVED_KEYS.includes(key as ApprovedKey)) {
      problem(field, read, `no key ${key} in approved of tpguard.config.yaml${suggestion(key, APPROVED_KEYS)}`);
    } else if (section === 'scope' && key !== undefined && !SCOPE_KEYS.includes(key)) {
      problem(field, read, `no key ${key} in scope of tpguard.config.yaml${suggestion(key, SCOPE_KEYS)}`);
    } else if (section === 'scope' && key === 'resources') {
      const type = fieldName(read, 2);
      if (type !== undefined && !(RESOURCE_TYPE_NAMES as string[]).includes(type))
        problem(field, read, `no resource type ${type}${suggestion(type, RESOURCE_TYPE_NAMES)}`);
    }
  }
  return out;
}

/**
 * The `approved` lists a rule reads, sorted.
 * @example approvedKeysOf(rule) // ['dataLocations', 'executionRoles']
 */
export function approvedKeysOf(rule: Rule): ApprovedKey[] {
  const keys = new Set<ApprovedKey>();
  for (const { read } of configReads(rule)) {
    const key = fieldName(read, 1);
    if (fieldName(read, 0) === 'approved' && APPROVED_KEYS.includes(key as ApprovedKey)) keys.add(key as ApprovedKey);
  }
  return [...keys].sort();
}

/** True when an `approved` list is empty and that means nothing is configured yet. */
function unconfigured(config: TpguardConfig, key: ApprovedKey): boolean {
  const rule = APPROVED_WHEN_EMPTY[key];
  return (rule === 'not-configured' || rule === 'not-checked') && config.approved[key].length === 0;
}

/**
 * `config` as rules see it: an empty list that means "not configured" is left out, so a rule
 * reading it fails there (and CEL's `||`/`&&` let the rest of the rule still decide).
 */
export function celConfigOf(config: TpguardConfig): Record<string, unknown> {
  const approved = Object.fromEntries(
    Object.entries(config.approved).filter(
      ([k]) => !(unconfigured(config, k as ApprovedKey) && APPROVED_WHEN_EMPTY[k as ApprovedKey] === 'not-configured'),
    ),
  );
  return { scope: config.scope, approved };
}

/** One `approved` key the configuration leaves empty, and the rules that need it. */
export interface ConfigurationNote {
  /** `approved.images` */
  key: string;
  rules: string[];
  /** One line for the user, naming the key to set. */
  message: string;
}

/**
 * Per `approved` key that is empty and read by some rule: which rules judge only what does not
 * need it. What a run prints once (scan, replay, a Lambda container), never per resource.
 * @example configurationNotes(pack.rules, config)[0].message // 'not configured: approved.images is empty: ...'
 */
export function configurationNotes(
  rules: readonly { rule: Rule; needs?: readonly string[] }[],
  config: TpguardConfig,
): ConfigurationNote[] {
  const notes: ConfigurationNote[] = [];
  for (const key of APPROVED_KEYS) {
    if (!unconfigured(config, key)) continue;
    const ids = rules.filter((c) => (c.needs ?? approvedKeysOf(c.rule)).includes(key)).map((c) => c.rule.id);
    if (ids.length === 0) continue;
    notes.push({
      key: `approved.${key}`,
      rules: ids,
      message: `not configured: approved.${key} is empty, so ${ids.join(', ')} judge only what does not need it: set approved.${key} in tpguard.config.yaml`,
    });
  }
  return notes;
}

/** The rule's `approved` lists the configuration leaves empty (`rules list`). */
export function missingConfiguration(needs: readonly string[], config: TpguardConfig): string[] {
  return needs.filter((k) => APPROVED_KEYS.includes(k as ApprovedKey) && unconfigured(config, k as ApprovedKey));
}

interface CelErrorShape {
  code?: unknown;
  node?: { range?: { start: number; end: number }; start?: number; end?: number };
  message?: unknown;
}

/** Longest path text quoted in a reason. */
const MAX_PATH_TEXT = 120;

/**
 * What an evaluation error means. A missing key (`No such key`) is either an `approved` list that
 * is not configured (`not-configured`), or a field the event does not carry (`cannot-evaluate`,
 * naming the field as the rule reads it); any other error is `cannot-evaluate` with its message.
 * @example verdictOfError(err, 'detail.RoleArn == x') // { verdict: 'cannot-evaluate', reason: 'detail.RoleArn is absent' }
 */
export function verdictOfError(
  err: unknown,
  expr: string,
): { verdict: 'cannot-evaluate' | 'not-configured'; reason: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as CelErrorShape;
  const range =
    e.node?.range ??
    (typeof e.node?.start === 'number' ? { start: e.node.start, end: e.node.end ?? e.node.start } : undefined);
  if (e.code === 'no_such_key' && range) {
    const text = expr.slice(range.start, range.end).replace(/\s+/g, ' ').slice(0, MAX_PATH_TEXT);
    const approved = /^config\.approved\.(\w+)$/.exec(text);
    if (approved) return { verdict: 'not-configured', reason: `approved.${approved[1]} is not configured (empty)` };
    return { verdict: 'cannot-evaluate', reason: `${text} is absent` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { verdict: 'cannot-evaluate', reason: message.split('\n')[0]! };
}

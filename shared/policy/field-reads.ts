import type { CompiledRule } from './load.js';
import { policyEnvironment } from './cel.js';

/**
 * Which parts of an event a rule's CEL reads, as path prefixes: `req.?vpcConfig.?subnets` reads
 * `detail.requestParameters.vpcConfig.subnets` and everything below it; `s3Uris(req)` reads all of
 * `detail.requestParameters`. Conservative: a path stops at the first step that is not a literal
 * member (a computed index, a function result), so a rule is taken to read the whole subtree there.
 * Enough to tell whether a truncated or pruned field can change a verdict; not a full data-flow
 * analysis (the reads of the policy models, per field and event name, are another matter).
 */
export interface FieldPrefix {
  /** `detail`: the record (also behind `req` and `resp`); `event`: the original event with its envelope. */
  tree: 'detail' | 'event';
  path: string[];
}

type Node = { op: string; args: unknown };

const ROOTS: Readonly<Record<string, FieldPrefix>> = {
  req: { tree: 'detail', path: ['requestParameters'] },
  resp: { tree: 'detail', path: ['responseElements'] },
  detail: { tree: 'detail', path: [] },
  event: { tree: 'event', path: [] },
};

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && 'op' in v;

/** The path a member chain denotes (`req.a.?b['c'][0]`), or undefined when it is not one. */
function chainOf(n: Node): FieldPrefix | undefined {
  if (n.op === 'id') return typeof n.args === 'string' ? ROOTS[n.args] : undefined;
  if (n.op === '.' || n.op === '.?') {
    const [base, name] = n.args as [Node, string];
    const p = chainOf(base);
    return p && { tree: p.tree, path: [...p.path, name] };
  }
  if (n.op === '[]' || n.op === '[?]') {
    const [base, key] = n.args as [Node, Node];
    const p = chainOf(base);
    const k = key.op === 'value' ? key.args : undefined;
    if (!p || (typeof k !== 'string' && typeof k !== 'bigint' && typeof k !== 'number')) return undefined;
    return { tree: p.tree, path: [...p.path, String(k)] };
  }
  return undefined;
}

function collect(n: unknown, out: FieldPrefix[], depth: number): void {
  if (depth > 256) return;
  if (Array.isArray(n)) {
    for (const x of n) collect(x, out, depth + 1);
    return;
  }
  if (!isNode(n)) return;
  const chain = chainOf(n);
  if (chain) {
    out.push(chain);
    // A computed index below a chain is not part of it: its key expression is read too.
    return;
  }
  collect(n.args, out, depth + 1);
}

/**
 * The event paths an expression reads (see {@link FieldPrefix}).
 * @example fieldPrefixes("req.?vpcConfig.?subnets.orValue([])") // [{ tree: 'detail', path: ['requestParameters', 'vpcConfig', 'subnets'] }]
 */
export function fieldPrefixes(expression: string): FieldPrefix[] {
  const out: FieldPrefix[] = [];
  collect((policyEnvironment().parse(expression) as unknown as { ast: unknown }).ast, out, 0);
  return out;
}

const cache = new WeakMap<CompiledRule, FieldPrefix[]>();

/** What a rule reads: its violation, resolve and resource.id expressions (cached per compiled rule). */
export function fieldPrefixesOfRule(c: CompiledRule): FieldPrefix[] {
  let prefixes = cache.get(c);
  if (!prefixes) {
    const { violation, resolve, resource } = c.rule;
    const exprs = [violation, resolve, resource.id, resource.facets].filter((e): e is string => !!e);
    prefixes = exprs.flatMap(fieldPrefixes);
    cache.set(c, prefixes);
  }
  return prefixes;
}

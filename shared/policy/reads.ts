import { CEL_FUNCTIONS, type FunctionReads, policyEnvironment } from './cel.js';

/**
 * The field paths a rule's CEL expression reads, from its AST: what `rules validate` checks
 * against the AWS API models and the config schema, and what tells which `approved` lists a rule
 * needs. Reads through the domain functions come from the functions' own metadata (cel.ts).
 */

/** One step of a path: a named member, an element of a list, or a key that is not a literal. */
export type Segment =
  | { k: 'field'; name: string; opt: boolean }
  | { k: 'elem'; opt?: boolean; orSelf?: boolean }
  | { k: 'dyn'; opt?: boolean };

/** Where a path starts: the CEL variables, and `configItem(detail)` (the decoded configuration-item view). */
export type ReadRoot = 'req' | 'resp' | 'detail' | 'config' | 'configItem';

/** A path a rule reads. */
export interface FieldRead {
  root: ReadRoot;
  segs: Segment[];
  /** How it is read: `has` (a presence test), `fn()` (by a domain function inside its argument). */
  via?: string;
  /** The eventNames this read can run under (narrowed by `detail.eventName` guards); null: all of the trigger's. */
  ops: string[] | null;
  /** The CEL text of the read. */
  text: string;
  /** Paths tested present before this read (`has(x.y) && x.y.z`, `x.?y.hasValue() && x.y.z`), as plain keys. */
  guards?: string[];
  /** The reads of one domain-function call, which are alternatives (any of them may exist). */
  fnCall?: number;
  /** The argument path of that call. */
  fnArg?: string;
  /** Reached through a function giving sub-objects (`tuningDefinitions(req)`): the path of a container. */
  elemRoot?: boolean;
  /** Through `asList`: one element may be logged as the value itself. */
  listish?: boolean;
}

/** A whole value handed to a function that walks it (`s3Uris(req)`): not checkable by path. */
export interface WholeRead {
  fn: string;
  text: string;
  ops: string[] | null;
}

type Node = { op: string; args: unknown; start: number; end: number };
type Path = Omit<FieldRead, 'ops' | 'text'> & {
  /** Inside an optional chain: after `.?`, a plain `.x` is optional too, until `orValue`/`value` ends it. */
  chain?: boolean;
};
type Binding = { paths?: Path[]; literals?: string[] };
type Scope = Map<string, Binding>;
interface Ctx {
  ops: Set<string> | null;
  guarded?: Set<string>;
}

const ROOTS = new Set<string>(['req', 'resp', 'detail', 'config']);
const MACROS = new Set(['exists', 'all', 'exists_one', 'map', 'filter']);
const OPTIONAL_METHODS = new Set(['orValue', 'value', 'hasValue']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The function metadata by name (`glob(string, string): bool` -> `glob`). */
const READS_BY_NAME: ReadonlyMap<string, FunctionReads> = new Map(
  CEL_FUNCTIONS.flatMap((f) => (f.reads ? [[f.signature.slice(0, f.signature.indexOf('(')), f.reads] as const] : [])),
);

/** `'a.b[].c'` as segments read by a function (optional: functions never fail on a missing member). */
export function segmentsOf(dotted: string, orSelf = true): Segment[] {
  return dotted
    .replace(/\[\]/g, '.[]')
    .split('.')
    .filter(Boolean)
    .map((s): Segment => (s === '[]' ? { k: 'elem', orSelf } : { k: 'field', name: s, opt: true }));
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && 'op' in v;
const strLit = (n: Node | undefined): string | undefined =>
  n?.op === 'value' && typeof n.args === 'string' ? n.args : undefined;
const strList = (n: Node | undefined): string[] | undefined => {
  if (n?.op !== 'list') return undefined;
  const items = (n.args as Node[]).map(strLit);
  return items.every((x) => x !== undefined) ? (items as string[]) : undefined;
};
const isEventName = (n: Node | undefined): boolean => {
  if (n?.op !== '.') return false;
  const [base, name] = n.args as [Node, string];
  return name === 'eventName' && base.op === 'id' && base.args === 'detail';
};

/** What a condition says of `detail.eventName`: one of `pos`, or none of `neg`. */
function eventNameFact(n: Node | undefined): { pos?: Set<string>; neg?: Set<string> } | undefined {
  if (!n) return undefined;
  const [l, r] = Array.isArray(n.args) ? (n.args as Node[]) : [];
  if (n.op === '==' && isEventName(l) && strLit(r) !== undefined) return { pos: new Set([strLit(r)!]) };
  if (n.op === '!=' && isEventName(l) && strLit(r) !== undefined) return { neg: new Set([strLit(r)!]) };
  if (n.op === 'in' && isEventName(l) && strList(r)) return { pos: new Set(strList(r)) };
  if (n.op === '!_') {
    const f = eventNameFact(n.args as Node);
    if (f?.pos) return { neg: f.pos };
    if (f?.neg) return { pos: f.neg };
  }
  return undefined;
}

/** The operands of a chain of one operator: `a || b || c` -> [a, b, c] (bounded by the parser's depth limit). */
function flatten(n: Node, op: '||' | '&&'): Node[] {
  if (n.op !== op) return [n];
  const [l, r] = n.args as [Node, Node];
  return [...flatten(l, op), ...flatten(r, op)];
}
const disjuncts = (n: Node) => flatten(n, '||');
const conjuncts = (n: Node) => flatten(n, '&&');

function narrow(ops: Set<string> | null, fact: ReturnType<typeof eventNameFact>, negate = false): Set<string> | null {
  if (!fact || !ops) return ops;
  const pos = negate ? fact.neg : fact.pos;
  const neg = negate ? fact.pos : fact.neg;
  if (pos) return new Set([...ops].filter((o) => pos.has(o)));
  if (neg) return new Set([...ops].filter((o) => !neg.has(o)));
  return ops;
}

/** A path without its optional markers: `req.?a.?b` and `req.a.b` are the same field. */
export function plainKey(p: Pick<FieldRead, 'root' | 'segs'>): string {
  return `${p.root}:${p.segs.map((s) => (s.k === 'field' ? s.name : s.k)).join('.')}`;
}

/** A path as CEL text: `req.?vpcConfig.?subnets`, `configItem(detail).configuration.x`. */
export function pathText(p: Pick<FieldRead, 'root' | 'segs'>): string {
  let s = p.root === 'configItem' ? 'configItem(detail)' : p.root;
  for (const seg of p.segs) {
    if (seg.k === 'field')
      s += IDENTIFIER.test(seg.name) ? `${seg.opt ? '.?' : '.'}${seg.name}` : `[${seg.opt ? '?' : ''}'${seg.name}']`;
    else if (seg.k === 'elem') s += '[]';
    else s += '[?]';
  }
  return s;
}

/**
 * The paths an expression reads.
 * @param ops the eventNames of a CloudTrail trigger (narrowed per read by `detail.eventName` guards), or null
 * @example readsOf("req.?vpcConfig.?subnets.orValue([])", ['CreateTrainingJob']).paths[0].segs
 */
export function readsOf(
  expr: string,
  ops: readonly string[] | null = null,
): { paths: FieldRead[]; opaque: WholeRead[] } {
  const ast = policyEnvironment().parse(expr).ast as unknown as Node;
  return new ReadCollector(expr).collect(ast, ops);
}

class ReadCollector {
  private readonly paths: FieldRead[] = [];
  private readonly opaque: WholeRead[] = [];
  private calls = 0;

  public constructor(private readonly expr: string) {}

  public collect(ast: Node, ops: readonly string[] | null): { paths: FieldRead[]; opaque: WholeRead[] } {
    this.walk(ast, new Map(), { ops: ops ? new Set(ops) : null }, 0);
    return { paths: this.paths, opaque: this.opaque };
  }

  private text(n: Node): string {
    return this.expr.slice(n.start, n.end);
  }

  /** The path(s) a node denotes, or undefined. Records nothing. */
  private pathOf(n: Node, scope: Scope): Path[] | undefined {
    switch (n.op) {
      case 'id': {
        const name = n.args as string;
        if (scope.has(name)) return scope.get(name)!.paths;
        return ROOTS.has(name) ? [{ root: name as ReadRoot, segs: [] }] : undefined;
      }
      case '.':
      case '.?': {
        const [baseNode, name] = n.args as [Node, string];
        const base = this.pathOf(baseNode, scope);
        return base?.map((p) => {
          const opt = n.op === '.?' || p.chain === true;
          return { ...p, elemRoot: undefined, chain: opt, segs: [...p.segs, { k: 'field', name, opt }] };
        });
      }
      case '[]':
      case '[?]':
        return this.indexPath(n, scope);
      case 'rcall': {
        const [name, recv] = n.args as [string, Node, Node[]];
        if (!OPTIONAL_METHODS.has(name)) return undefined;
        // orValue()/value() end the optional chain; hasValue() gives a bool (no path is read through it).
        return this.pathOf(recv, scope)?.map((p) => ({ ...p, chain: false }));
      }
      case 'call':
        return this.viewPath(n, scope);
      default:
        return undefined;
    }
  }

  private indexPath(n: Node, scope: Scope): Path[] | undefined {
    const [baseNode, key] = n.args as [Node, Node];
    const base = this.pathOf(baseNode, scope);
    if (!base) return undefined;
    const optional = (p: Path) => n.op === '[?]' || p.chain === true;
    const lit = strLit(key);
    if (lit !== undefined)
      return base.map((p) => ({
        ...p,
        chain: optional(p),
        segs: [...p.segs, { k: 'field', name: lit, opt: optional(p) }],
      }));
    if (key.op === 'value')
      return base.map((p) => ({ ...p, chain: optional(p), segs: [...p.segs, { k: 'elem', opt: optional(p) }] }));
    const bound = key.op === 'id' ? scope.get(key.args as string)?.literals : undefined;
    // a macro variable over a list of string literals: one path per literal
    if (bound)
      return base.flatMap((p) =>
        bound.map((name) => ({ ...p, chain: optional(p), segs: [...p.segs, { k: 'field', name, opt: optional(p) }] })),
      );
    return base.map((p) => ({ ...p, chain: optional(p), segs: [...p.segs, { k: 'dyn', opt: optional(p) }] }));
  }

  /** Functions whose result is a view of their argument: asList, parseJson, configItem, tuningDefinitions. */
  private viewPath(n: Node, scope: Scope): Path[] | undefined {
    const [name, args] = n.args as [string, Node[]];
    const reads = READS_BY_NAME.get(name);
    if (!reads || args.length !== 1 || (!('view' in reads) && !('elements' in reads))) return undefined;
    const base = this.pathOf(args[0]!, scope);
    if (!base) return undefined;
    if ('elements' in reads)
      return base.flatMap((p) =>
        reads.elements.map((e) => ({ ...p, via: name, elemRoot: true, segs: [...p.segs, ...segmentsOf(e, false)] })),
      );
    if (reads.view === 'configItem')
      return base
        .filter((p) => p.root === 'detail' && p.segs.length === 0)
        .map(() => ({ root: 'configItem', segs: [] }));
    return base.map((p) => ({ ...p, listish: reads.view === 'list' || p.listish }));
  }

  private record(n: Node, ps: Path[], ctx: Ctx, via?: string): void {
    for (const p of ps)
      this.paths.push({
        ...p,
        via: via ?? p.via,
        ops: ctx.ops ? [...ctx.ops] : null,
        text: this.text(n),
        ...(ctx.guarded && ctx.guarded.size > 0 ? { guards: [...ctx.guarded] } : {}),
      });
  }

  /** The elements of a list-valued node, for a macro variable. */
  private elementsOf(recv: Node, scope: Scope): Binding {
    const literals = strList(recv);
    if (literals) return { literals };
    if (recv.op === 'list') {
      const ps = (recv.args as Node[]).flatMap((a) => this.pathOf(a, scope) ?? []);
      return { paths: ps.length > 0 ? ps : undefined };
    }
    const base = this.pathOf(recv, scope);
    if (!base) return {};
    if (base.every((p) => p.elemRoot)) return { paths: base };
    // an element is x[] (a list), or x itself when asList made one of a single value
    return { paths: base.map((p) => ({ ...p, segs: [...p.segs, { k: 'elem', orSelf: !!p.listish }] })) };
  }

  private walk(n: unknown, scope: Scope, ctx: Ctx, depth: number): void {
    if (!isNode(n) || depth > 200) return;
    const ps = this.pathOf(n, scope);
    if (ps) {
      this.record(n, ps, ctx);
      this.walkInside(n, scope, ctx, depth + 1);
      return;
    }
    switch (n.op) {
      case '&&':
        this.walkAnd(n, scope, ctx, depth);
        return;
      case '||': {
        const [l, r] = n.args as [Node, Node];
        this.walk(l, scope, ctx, depth + 1);
        // the right side runs only when every disjunct of the left is false
        let ops = ctx.ops;
        for (const f of disjuncts(l)) ops = narrow(ops, eventNameFact(f), true);
        this.walk(r, scope, { ...ctx, ops }, depth + 1);
        return;
      }
      case '?:': {
        const [c, a, b] = n.args as [Node, Node, Node];
        const f = eventNameFact(c);
        this.walk(c, scope, ctx, depth + 1);
        this.walk(a, scope, { ...ctx, ops: narrow(ctx.ops, f) }, depth + 1);
        this.walk(b, scope, { ...ctx, ops: narrow(ctx.ops, f, true) }, depth + 1);
        return;
      }
      case 'call':
        this.walkCall(n, scope, ctx, depth);
        return;
      case 'rcall':
        this.walkMethod(n, scope, ctx, depth);
        return;
      default:
        this.walkInside(n, scope, ctx, depth + 1);
    }
  }

  private walkAnd(n: Node, scope: Scope, ctx: Ctx, depth: number): void {
    const [l, r] = n.args as [Node, Node];
    const before = this.paths.length;
    this.walk(l, scope, ctx, depth + 1);
    const guarded = new Set(ctx.guarded ?? []);
    for (const p of this.paths.slice(before))
      if (p.segs.some((s) => s.opt) || p.via === 'has') guarded.add(plainKey(p));
    let ops = ctx.ops;
    for (const f of conjuncts(l)) ops = narrow(ops, eventNameFact(f));
    this.walk(r, scope, { ...ctx, guarded, ops }, depth + 1);
  }

  private walkCall(n: Node, scope: Scope, ctx: Ctx, depth: number): void {
    const [name, args] = n.args as [string, Node[]];
    const reads = READS_BY_NAME.get(name);
    if (name === 'has' && args.length === 1) {
      const hp = this.pathOf(args[0]!, scope);
      if (hp) {
        this.record(args[0]!, hp, ctx, 'has');
        return;
      }
    }
    if (reads && 'fields' in reads && args.length >= 1) {
      const base = this.pathOf(args[0]!, scope);
      if (base) {
        const call = ++this.calls;
        for (const p of base)
          for (const r of reads.fields)
            this.record(
              args[0]!,
              [{ ...p, fnCall: call, fnArg: pathText(p), segs: [...p.segs, ...segmentsOf(r)] }],
              ctx,
              `${name}()`,
            );
        for (const a of args.slice(1)) this.walk(a, scope, ctx, depth + 1);
        return;
      }
    }
    if (reads && 'whole' in reads) {
      for (const a of args)
        for (const t of a.op === 'list' ? (a.args as Node[]) : [a]) this.wholeArg(t, name, scope, ctx, depth);
      return;
    }
    for (const a of args) this.walk(a, scope, ctx, depth + 1);
  }

  /** An argument a function walks as a whole: its own path is still checked, not what is inside. */
  private wholeArg(t: Node, fn: string, scope: Scope, ctx: Ctx, depth: number): void {
    const tp = this.pathOf(t, scope);
    if (!tp) {
      this.walk(t, scope, ctx, depth + 1);
      return;
    }
    const containers = tp.filter((p) => p.segs.length === 0 || p.elemRoot);
    if (containers.length > 0) this.opaque.push({ fn, text: this.text(t), ops: ctx.ops ? [...ctx.ops] : null });
    const leaves = tp.filter((p) => !(p.segs.length === 0 || p.elemRoot));
    if (leaves.length > 0) this.record(t, leaves, ctx, `${fn}()`);
    this.walkInside(t, scope, ctx, depth + 1);
  }

  private walkMethod(n: Node, scope: Scope, ctx: Ctx, depth: number): void {
    const [name, recv, args] = n.args as [string, Node, Node[]];
    if (MACROS.has(name) && args[0]?.op === 'id') {
      const v = args[0].args as string;
      const el = this.elementsOf(recv, scope);
      this.walk(recv, scope, ctx, depth + 1);
      const inner: Scope = new Map(scope);
      if (el.literals || el.paths) inner.set(v, el);
      else inner.set(v, {}); // shadows an outer binding of the same name
      for (const b of args.slice(1)) this.walk(b, inner, ctx, depth + 1);
      return;
    }
    this.walk(recv, scope, ctx, depth + 1);
    for (const a of args) this.walk(a, scope, ctx, depth + 1);
  }

  /** The children of a node that are not part of its own path (orValue defaults, index keys, arguments). */
  private walkInside(n: Node, scope: Scope, ctx: Ctx, depth: number): void {
    const sub = (c: Node) =>
      this.pathOf(c, scope) ? this.walkInside(c, scope, ctx, depth + 1) : this.walk(c, scope, ctx, depth + 1);
    switch (n.op) {
      case 'value':
      case 'id':
        return;
      case '.':
      case '.?':
        sub((n.args as [Node, string])[0]);
        return;
      case '[]':
      case '[?]': {
        const [base, key] = n.args as [Node, Node];
        sub(base);
        if (key.op !== 'value') this.walk(key, scope, ctx, depth + 1);
        return;
      }
      case 'rcall': {
        const [, recv, args] = n.args as [string, Node, Node[]];
        sub(recv);
        for (const a of args) this.walk(a, scope, ctx, depth + 1);
        return;
      }
      case 'call':
        for (const a of (n.args as [string, Node[]])[1]) sub(a);
        return;
      case 'map':
        for (const [k, v] of n.args as [Node, Node][]) {
          this.walk(k, scope, ctx, depth + 1);
          this.walk(v, scope, ctx, depth + 1);
        }
        return;
      case '!_':
      case '-_':
        this.walk(n.args, scope, ctx, depth + 1);
        return;
      default:
        if (Array.isArray(n.args)) for (const a of n.args) this.walk(a, scope, ctx, depth + 1);
    }
  }
}

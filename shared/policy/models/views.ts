import type { Segment } from '../reads.js';
import { lcfirst, RENAMED_MEMBERS, S3_XML_ATTRIBUTE_KEYS, TRUNCATED_FIELD_KEYS } from './conventions.js';
import type { KeyTree, ServiceModel, Shape, ShapeMember } from './types.js';

/**
 * Views of a model as the JSON an event carries, and path resolution over them. A view is built
 * lazily from an API shape under a naming mode, or from a tree of known keys.
 */

type Lazy = () => View;

/** A view of what a JSON value can be. */
export type View =
  | { k: 'struct'; members: Map<string, Lazy>; names: Map<string, string>; required: Set<string>; label: string }
  | { k: 'list'; elem: Lazy }
  /** EC2 query lists: an object `{items: [...]}` */
  | { k: 'ec2list'; elem: Lazy }
  /** S3 XML and header values: one element logged as itself, several as a list. */
  | { k: 'lors'; elem: Lazy }
  /** A non-flattened XML list: `<Rules><Rule/>...</Rules>` */
  | { k: 'wrapper'; key: string; elem: Lazy }
  | { k: 'map'; value: Lazy }
  | { k: 'any' }
  | { k: 'scalar'; t: string }
  | { k: 'union'; views: View[] };

/**
 * How member names are written: `ct` CloudTrail (first letter lower-cased, or the wire name),
 * `ec2` (XML names, lists as {items}), `s3top`/`s3xml` (S3's URI labels, headers and XML body),
 * `member` (as in the model), `jsonName`, `lcfirst`.
 */
export type Naming = 'ct' | 'ec2' | 's3top' | 's3xml' | 'member' | 'jsonName' | 'lcfirst';

interface Ctx {
  svc: ServiceModel;
  op?: string;
  renames?: Readonly<Record<string, string>>;
}

const ANY: View = { k: 'any' };
const listMember = (sh: Shape) => sh.m as ShapeMember;
const structMembers = (sh: Shape) => (sh.m ?? {}) as Record<string, ShapeMember>;

export function shapeView(ctx: Ctx, id: string, naming: Naming): View {
  const sh = ctx.svc.shapes[id];
  if (!sh) return ANY;
  if (sh.t === 'structure') return structView(ctx, sh, naming, id);
  if (sh.t === 'list') {
    const elem = () => shapeView({ svc: ctx.svc }, listMember(sh).s, naming);
    return naming === 'ec2' ? { k: 'ec2list', elem } : { k: 'list', elem };
  }
  if (sh.t === 'map') return { k: 'map', value: () => shapeView({ svc: ctx.svc }, sh.v ?? '', naming) };
  if (sh.t === 'document') return ANY;
  return { k: 'scalar', t: sh.t };
}

function renamed(ctx: Ctx, member: string) {
  return RENAMED_MEMBERS.find(
    (r) => r.service === ctx.svc.host && r.member === member && (r.op === '*' || r.op === ctx.op),
  );
}

function memberKeys(ctx: Ctx, name: string, m: ShapeMember, naming: Naming): string[] {
  switch (naming) {
    case 'ct': {
      const keys = new Set([lcfirst(name)]);
      if (m.ln && !['header', 'headers', 'querystring'].includes(m.loc ?? '')) keys.add(m.ln);
      return [...keys];
    }
    case 'ec2':
      return [...new Set([m.ln && m.ln !== 'item' ? m.ln : lcfirst(name), lcfirst(name)])];
    case 's3top': {
      const r = renamed(ctx, name);
      if (r) return [r.key];
      if (m.loc === 'uri') return [lcfirst(name)];
      if (m.loc === 'header' || m.loc === 'querystring') return [m.ln ?? lcfirst(name)];
      if (m.loc === 'headers') return [];
      return [m.ln ?? name];
    }
    case 's3xml':
      return [m.ln ?? name];
    case 'member':
      return [name];
    case 'jsonName':
      return [...new Set([m.ln ?? lcfirst(name), lcfirst(name)])];
    case 'lcfirst':
      return [lcfirst(name)];
  }
}

function structView(ctx: Ctx, sh: Shape, naming: Naming, label: string): View {
  const members = new Map<string, Lazy>();
  const names = new Map<string, string>();
  const required = new Set<string>();
  for (const [name, m] of Object.entries(structMembers(sh))) {
    const keys = ctx.renames?.[name] ? [ctx.renames[name]] : memberKeys(ctx, name, m, naming);
    let value: Lazy;
    if (naming === 's3top') {
      const r = renamed(ctx, name);
      if (r?.shape === 'document') value = () => ANY;
      else if (m.loc === 'header') value = () => ({ k: 'lors', elem: () => shapeView({ svc: ctx.svc }, m.s, 's3xml') });
      else if (m.loc === 'uri' || m.loc === 'querystring') value = () => shapeView({ svc: ctx.svc }, m.s, 's3xml');
      else value = () => s3xmlMember(ctx, m);
    } else if (naming === 's3xml') value = () => s3xmlMember(ctx, m);
    else value = () => shapeView({ svc: ctx.svc }, m.s, naming);
    for (const k of keys) {
      members.set(k, value);
      names.set(k, name);
      if (sh.req?.includes(name)) required.add(k);
    }
  }
  if (naming === 's3xml')
    for (const k of S3_XML_ATTRIBUTE_KEYS) if (!members.has(k)) members.set(k, () => ({ k: 'scalar', t: 'string' }));
  return { k: 'struct', members, names, required, label };
}

function s3xmlMember(ctx: Ctx, m: ShapeMember): View {
  const sh = ctx.svc.shapes[m.s];
  if (sh?.t === 'list') {
    const elem = () => shapeView({ svc: ctx.svc }, listMember(sh).s, 's3xml');
    return m.fl || sh.fl ? { k: 'lors', elem } : { k: 'wrapper', key: listMember(sh).ln ?? 'member', elem };
  }
  if (sh?.t === 'structure') return structView({ svc: ctx.svc }, sh, 's3xml', m.s);
  return shapeView({ svc: ctx.svc }, m.s, 's3xml');
}

/** A view of a key tree (a schema-registry or CloudFormation schema, or a hand-kept table). */
export function treeView(tree: KeyTree | undefined, label = 'structure'): View {
  if (tree === undefined || tree === true) return ANY;
  if (typeof tree === 'string') return { k: 'scalar', t: tree };
  if (tree['{}'] !== undefined) return { k: 'map', value: () => treeView(tree['{}']) };
  const keys = Object.keys(tree).filter((k) => k !== '[]');
  if (tree['[]'] !== undefined && keys.length === 0) return { k: 'list', elem: () => treeView(tree['[]']) };
  if (keys.length === 0) return { k: 'scalar', t: 'unknown' };
  const members = new Map(keys.map((k) => [k, () => treeView(tree[k], k)] as const));
  // A tree says nothing of which keys are required.
  return { k: 'struct', members, names: new Map(), required: new Set(), label };
}

/** A key tree from dotted paths (`a.b[].c`, `m{}` for a map). */
export function treeFromPaths(paths: readonly string[]): KeyTree {
  const root: Record<string, KeyTree> = {};
  for (const p of paths) {
    const parts = p.replace(/\[\]/g, '.[]').replace(/\{\}/g, '.{}').split('.').filter(Boolean);
    let cur = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (last) {
        if (cur[part] === undefined) cur[part] = part === '{}' ? true : 'leaf';
        return;
      }
      if (typeof cur[part] !== 'object') cur[part] = {};
      cur = cur[part] as Record<string, KeyTree>;
    });
  }
  return root;
}

export const union = (...views: (View | undefined)[]): View => ({
  k: 'union',
  views: views.filter((v): v is View => v !== undefined),
});

// ------------------------------------------------------------------ resolution

interface Step {
  view: View;
  /** The model's member name when the step selected one. */
  member?: string;
  required?: boolean;
}

function step(view: View, seg: Segment): Step[] {
  switch (view.k) {
    case 'union':
      return view.views.flatMap((v) => step(v, seg));
    case 'any':
      return [{ view }];
    case 'struct': {
      if (seg.k === 'field') {
        const v = view.members.get(seg.name);
        return v ? [{ view: v(), member: view.names.get(seg.name), required: view.required.has(seg.name) }] : [];
      }
      if (seg.k === 'elem' && seg.orSelf) return [{ view }];
      return seg.k === 'dyn' ? [{ view: ANY }] : [];
    }
    case 'map':
      if (seg.k === 'field' || seg.k === 'dyn') return [{ view: view.value() }];
      return seg.k === 'elem' ? [{ view: { k: 'scalar', t: 'string' } }] : [];
    case 'list':
      return seg.k === 'elem' ? [{ view: view.elem() }] : [];
    case 'lors':
      return seg.k === 'elem' ? [{ view: view.elem() }] : step(view.elem(), seg);
    case 'ec2list':
      return seg.k === 'field' && seg.name === 'items' ? [{ view: { k: 'list', elem: view.elem } }] : [];
    case 'wrapper':
      return seg.k === 'field' && seg.name === view.key ? [{ view: { k: 'lors', elem: view.elem } }] : [];
    case 'scalar':
      return seg.k === 'elem' && seg.orSelf ? [{ view }] : [];
  }
}

/** The keys a view offers (for "did you mean"). */
export function keysAt(view: View): string[] {
  switch (view.k) {
    case 'union':
      return [...new Set(view.views.flatMap(keysAt))];
    case 'struct':
      return [...view.members.keys()];
    case 'ec2list':
      return ['items'];
    case 'wrapper':
      return [view.key];
    case 'lors':
      return keysAt(view.elem());
    default:
      return [];
  }
}

/** What a view is, in words: `a VpcConfig`, `a list`. */
export function describeView(view: View): string {
  switch (view.k) {
    case 'scalar':
      return `a ${view.t}`;
    case 'list':
      return 'a list';
    case 'ec2list':
      return 'an EC2 list ({items: [...]})';
    case 'map':
      return 'a map';
    case 'union':
      return [...new Set(view.views.map(describeView))].join(' or ');
    case 'struct':
      return view.label;
    default:
      return 'a value';
  }
}

export type Resolution =
  | { ok: true; leaves: View[]; requiredLeaf: boolean }
  | { ok: false; at: number; parents: View[] };

/** Most views followed at once (unions of unions stay small in practice; this bounds a hostile model). */
const MAX_FRONTIER = 256;

/**
 * Follows a path through a view. `allowTruncated` accepts CloudTrail's `{omitted, originalSize}`
 * anywhere (events, not rules, carry it).
 */
export function resolvePath(root: View, segs: readonly Segment[], allowTruncated = false): Resolution {
  let frontier: Step[] = [{ view: root }];
  let requiredLeaf = false;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    let next = frontier.flatMap((f) => step(f.view, seg)).slice(0, MAX_FRONTIER);
    if (next.length === 0 && allowTruncated && seg.k === 'field' && TRUNCATED_FIELD_KEYS.includes(seg.name))
      next = [{ view: { k: 'scalar', t: 'truncation marker' } }];
    if (next.length === 0) return { ok: false, at: i, parents: frontier.map((f) => f.view) };
    requiredLeaf = next.every((n) => n.member !== undefined && n.required === true);
    frontier = next;
  }
  return { ok: true, leaves: frontier.map((f) => f.view), requiredLeaf };
}

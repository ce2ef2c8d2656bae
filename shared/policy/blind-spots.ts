import { spend } from '../kernel/index.js';
import type { FieldPrefix } from './field-reads.js';

/**
 * Parts of an event no rule can judge: a field CloudTrail truncated (`{"omitted": true,
 * "originalSize": ...}` in place of the value) and subtrees nested deeper than the rules are
 * evaluated on (pruned: CEL's type inference is quadratic in depth). Only a rule that reads into
 * one of them cannot evaluate; the others judge the event as usual.
 */
export interface BlindSpot {
  tree: FieldPrefix['tree'];
  path: string[];
  why: 'truncated' | 'too-deep';
}

/** The event as rules see it: deep subtrees replaced by null, and where the blind spots are. */
export interface EventView {
  raw: unknown;
  detail: Record<string, unknown>;
  spots: BlindSpot[];
}

/** Where CloudTrail puts its truncation marker: the request and response of a call. */
const TRUNCATED_ROOTS = new Set(['requestParameters', 'responseElements']);

/**
 * How many containers `value` holds (itself included), or -1 as soon as it holds one that may be
 * a blind spot: deeper than `maxDepth`, or a truncation marker. The common case, an event with no
 * blind spot, is decided here without allocating; recursion stops at `maxDepth`.
 */
function containersWithoutSpots(value: object, depth: number, maxDepth: number, markers: boolean): number {
  if (depth >= maxDepth) return -1;
  let count = 1;
  if (Array.isArray(value)) {
    for (const child of value)
      if (typeof child === 'object' && child !== null) {
        const n = containersWithoutSpots(child, depth + 1, maxDepth, markers);
        if (n < 0) return -1;
        count += n;
      }
    return count;
  }
  if (markers && depth >= 1 && (value as Record<string, unknown>).omitted === true) return -1;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) {
      const n = containersWithoutSpots(child, depth + 1, maxDepth, markers);
      if (n < 0) return -1;
      count += n;
    }
  }
  return count;
}

/**
 * The blind spots of one tree (iterative, one step per container). Runs on every observation a
 * rule can match, so it allocates little: the containers met are kept in flat arrays (value,
 * depth, key, parent index) and a path is built only for a spot; keys come from `Object.keys`
 * (no entry pairs). Depth first, last child first: the order of the spots is part of the result
 * (the first spot a rule reads names its reason).
 */
function spotsOf(root: unknown, tree: BlindSpot['tree'], maxDepth: number, markers: boolean): BlindSpot[] {
  const spots: BlindSpot[] = [];
  if (typeof root !== 'object' || root === null) {
    spend(1);
    return spots;
  }
  const plain = containersWithoutSpots(root, 0, maxDepth, markers);
  if (plain >= 0) {
    spend(plain);
    return spots;
  }
  const values: object[] = [root];
  const depths: number[] = [0];
  const keys: (string | number)[] = [''];
  const parents: number[] = [-1];
  const pathOf = (i: number): string[] => {
    const path: string[] = [];
    for (let at = i; parents[at]! >= 0; at = parents[at]!) path.push(String(keys[at]));
    return path.reverse();
  };
  const stack: number[] = [0];
  while (stack.length > 0) {
    const i = stack.pop()!;
    const value = values[i]!;
    const depth = depths[i]!;
    if (depth >= maxDepth) {
      spots.push({ tree, path: pathOf(i), why: 'too-deep' });
      continue;
    }
    if (markers && depth >= 1 && !Array.isArray(value) && (value as Record<string, unknown>).omitted === true) {
      const path = pathOf(i);
      if (TRUNCATED_ROOTS.has(path[0]!)) {
        spots.push({ tree, path, why: 'truncated' });
        continue;
      }
    }
    const array = Array.isArray(value) ? (value as unknown[]) : undefined;
    const names = array ? undefined : Object.keys(value);
    const n = array ? array.length : names!.length;
    for (let k = 0; k < n; k++) {
      const child = array ? array[k] : (value as Record<string, unknown>)[names![k]!];
      if (typeof child !== 'object' || child === null) continue;
      stack.push(values.length);
      values.push(child);
      depths.push(depth + 1);
      keys.push(array ? k : names![k]!);
      parents.push(i);
    }
  }
  spend(values.length);
  return spots;
}

/** A copy of `root` with the subtrees at `paths` replaced by null (copy on write along the paths only). */
function pruned(root: unknown, paths: string[][]): unknown {
  if (paths.length === 0) return root;
  const copies = new Map<object, Record<string, unknown>>();
  const copyOf = (o: object): Record<string, unknown> => {
    let c = copies.get(o);
    if (!c) {
      c = (Array.isArray(o) ? [...o] : { ...o }) as Record<string, unknown>;
      copies.set(o, c);
      copies.set(c, c);
    }
    return c;
  };
  const top = copyOf(root as object);
  for (const path of paths) {
    let node = top;
    for (const key of path.slice(0, -1)) node = node[key] = copyOf(node[key] as object);
    node[path[path.length - 1]!] = null;
    spend(path.length);
  }
  return top;
}

/**
 * The view of an observation the rules evaluate: `raw` and `detail` with every subtree deeper
 * than `maxDepth` pruned, and the blind spots (truncated or pruned fields) of each.
 */
export function eventView(
  raw: unknown,
  detail: Record<string, unknown>,
  maxDepth: number,
  withEnvelope: boolean,
): EventView {
  const deep = (spots: BlindSpot[]) => spots.filter((s) => s.why === 'too-deep').map((s) => s.path);
  const inDetail = spotsOf(detail, 'detail', maxDepth, true);
  const prunedDetail = pruned(detail, deep(inDetail)) as Record<string, unknown>;
  // The envelope is walked only when a rule reads `event` (none of the shipped pack does).
  const inRaw = withEnvelope && raw !== detail ? spotsOf(raw, 'event', maxDepth, false) : [];
  return {
    raw: raw === detail ? prunedDetail : withEnvelope ? pruned(raw, deep(inRaw)) : raw,
    detail: prunedDetail,
    spots: [...inDetail, ...inRaw],
  };
}

/** A key of an event path as a reason shows it: printable, at most 40 characters. */
const shown = (key: string) => key.slice(0, 40).replace(/[^\w.:-]/g, '?');

/**
 * Why a rule reading `prefixes` cannot be evaluated on this view, or undefined when it can: it
 * reads a blind spot, something inside one, or a value that contains one.
 */
export function blindReason(
  prefixes: readonly FieldPrefix[],
  spots: readonly BlindSpot[],
  maxDepth: number,
): { reason: string; cause: 'truncated' | 'too-deep' } | undefined {
  for (const spot of spots)
    for (const p of prefixes) {
      if (p.tree !== spot.tree) continue;
      const n = Math.min(p.path.length, spot.path.length);
      let same = true;
      for (let i = 0; i < n && same; i++) same = p.path[i] === spot.path[i];
      if (!same) continue;
      const where =
        spot.path.length > 6 ? `${spot.path.slice(0, 6).map(shown).join('.')}…` : spot.path.map(shown).join('.');
      const field = (spot.tree === 'event' ? 'event.' : '') + (where || '(the record)');
      return spot.why === 'truncated'
        ? { reason: `CloudTrail truncated ${field} (omitted: true)`, cause: 'truncated' }
        : { reason: `${field} nested deeper than ${maxDepth} levels`, cause: 'too-deep' };
    }
  return undefined;
}

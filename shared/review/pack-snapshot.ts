import { createHash } from 'node:crypto';
import type { PolicyPack } from '../policy/index.js';
import type { PackChanges } from './types.js';

/** One rule in a snapshot: a hash of its parsed content, so formatting-only edits do not count. */
export interface SnapshotRule {
  hash: string;
  area: string;
  title: string;
}

/** The rules of one pack version (pk `PACK#<version>`, sk `RULES`). */
export interface PackSnapshot {
  version: string;
  takenAt: string;
  rules: Record<string, SnapshotRule>;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The snapshot of a pack: every rule's content hash, area and title.
 * @example snapshotPack(pack, '2027-04-01T07:00:00.000Z').rules['TPS-SM-01'].area // 'sagemaker'
 */
export function snapshotPack(pack: PolicyPack, takenAt: string): PackSnapshot {
  const rules: Record<string, SnapshotRule> = {};
  for (const c of pack.rules) {
    rules[c.rule.id] = {
      hash: createHash('sha256').update(stableJson(c.rule)).digest('hex').slice(0, 16),
      area: c.area,
      title: c.rule.title,
    };
  }
  return { version: pack.version, takenAt, rules };
}

/**
 * Rules added, removed and modified from `before` (the last review's pack; absent: first review,
 * every rule counts as added) to `after`, limited to `areas` when given.
 * @example diffSnapshots(previous, current).added // ['TPS-S3-04']
 */
export function diffSnapshots(
  before: PackSnapshot | undefined,
  after: PackSnapshot,
  areas?: readonly string[],
): PackChanges {
  const inAreas = (r: SnapshotRule) => !areas || areas.includes(r.area);
  const old = before?.rules ?? {};
  const added: string[] = [];
  const modified: string[] = [];
  for (const [id, rule] of Object.entries(after.rules)) {
    if (!inAreas(rule)) continue;
    const prev = old[id];
    if (!prev) added.push(id);
    else if (prev.hash !== rule.hash) modified.push(id);
  }
  const removed = Object.entries(old)
    .filter(([id, r]) => inAreas(r) && !after.rules[id])
    .map(([id]) => id);
  const changes: PackChanges = {
    toVersion: after.version,
    added: added.sort(),
    removed: removed.sort(),
    modified: modified.sort(),
  };
  if (before) changes.fromVersion = before.version;
  return changes;
}

import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type CompiledRule, isRuleLike, lazyRule, type PackSnapshot } from './compile.js';

/**
 * The rules of a pack snapshot, when it was written from the very rule files that `files` hash
 * to (`version`), named as `files` (the rule files in load order); undefined when it is absent,
 * of another version or unreadable, and the YAML is parsed instead.
 *
 * The rules are not validated again: the build wrote them from this pack after validating and
 * compiling every rule (schema defaults applied; the schema has no other transform), and the
 * version proves that the YAML has not changed since. Their CEL is compiled on first use.
 * @example await rulesFromSnapshotFile('dist/pack.snapshot.json', '3f2a…', ['policies/s3/TPS-S3-01.yaml'])
 */
export async function rulesFromSnapshotFile(
  file: string,
  version: string,
  files: readonly string[],
): Promise<CompiledRule[] | undefined> {
  let snapshot: PackSnapshot;
  try {
    snapshot = JSON.parse(await readFile(file, 'utf8')) as PackSnapshot;
  } catch {
    return undefined;
  }
  const entries = Array.isArray(snapshot?.rules) ? snapshot.rules : [];
  if (snapshot?.version !== version || entries.length !== files.length) return undefined;
  const rules: CompiledRule[] = [];
  for (const [i, f] of files.entries()) {
    const entry = entries[i];
    const area = basename(dirname(f));
    if (basename(String(entry?.file)) !== basename(f) || entry?.area !== area || !isRuleLike(entry.rule))
      return undefined;
    rules.push(lazyRule(entry.rule, f, area, entry.needs));
  }
  return rules;
}

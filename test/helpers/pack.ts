import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { RULE_KEY_ORDER } from '../../shared/policy/index.js';

/** A rule for a temporary pack: only what a test cares about, the rest gets valid defaults. */
export interface RuleSpec {
  id: string;
  area?: string;
  title?: string;
  severity?: string;
  on: Record<string, unknown>;
  resource: Record<string, unknown>;
  violation: string;
  resolve?: string;
  runbook?: string;
  controls?: Record<string, unknown>;
  threats?: Record<string, unknown>;
  tests?: Record<string, unknown>[];
}

/** A placeholder event the default test cases point at (the loader checks they exist). */
export const PLACEHOLDER_EVENT = 'events/placeholder.json';

/** The rule as a plain object, keys in the order the loader requires. */
export function ruleDocument(spec: RuleSpec): Record<string, unknown> {
  const values: Record<string, unknown> = {
    id: spec.id,
    title: spec.title ?? `Test rule ${spec.id}`,
    severity: spec.severity ?? 'high',
    on: spec.on,
    resource: spec.resource,
    runbook: spec.runbook ?? '1. Look at it.\n2. Fix it.\n',
    controls: spec.controls ?? { aicm: ['MDS-01'] },
    threats: spec.threats ?? { atlas: ['AML.T0010'] },
    violation: spec.violation,
    resolve: spec.resolve,
    tests: spec.tests ?? [
      { name: 'fires', event: PLACEHOLDER_EVENT, expect: 'violation' },
      { name: 'passes', event: PLACEHOLDER_EVENT, expect: 'pass' },
    ],
  };
  const doc: Record<string, unknown> = {};
  for (const key of RULE_KEY_ORDER) if (values[key] !== undefined) doc[key] = values[key];
  return doc;
}

/** YAML text of a rule file. */
export function ruleYaml(spec: RuleSpec): string {
  return stringify(ruleDocument(spec), { lineWidth: 0 });
}

/**
 * Writes a pack under `root/policies/<area>/<id>.yaml` (plus `files`, relative to root,
 * and the placeholder event) and returns the pack folder.
 * @example const dir = await writePack(root, [{ id: 'TPS-T-01', on, resource, violation: 'true' }])
 */
export async function writePack(
  root: string,
  rules: readonly RuleSpec[],
  files: Record<string, string | object> = {},
): Promise<string> {
  const dir = join(root, 'policies');
  const all: Record<string, string | object> = { [PLACEHOLDER_EVENT]: '{}\n', ...files };
  for (const rule of rules) all[join('policies', rule.area ?? 'test', `${rule.id}.yaml`)] = ruleYaml(rule);
  for (const [path, content] of Object.entries(all)) await writeText(join(root, path), content);
  return dir;
}

/** Writes a file, creating its folder; objects are written as JSON. */
export async function writeText(path: string, content: string | object): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { formatIssue } from '../config/index.js';
import { checkTrigger } from '../sources/index.js';
import { parseYaml } from '../config/index.js';
import { compileRule, type CompiledRule, type PolicyPack } from './compile.js';
import { rulesFromSnapshotFile } from './snapshot-cache.js';
import { PolicyPackError, type PackProblem } from './errors.js';
import { RULE_KEY_ORDER, ruleSchema } from './schema.js';

export * from './compile.js';

async function ruleFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const area of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!area.isDirectory() || area.name.startsWith('.')) continue;
    const files = await readdir(join(dir, area.name));
    for (const f of files.sort()) if (/\.ya?ml$/.test(f)) out.push(join(dir, area.name, f));
  }
  return out;
}

function keyOrderProblem(keys: string[]): string | undefined {
  const order = RULE_KEY_ORDER as readonly string[];
  let last = -1;
  for (const k of keys) {
    const i = order.indexOf(k);
    if (i < 0) continue; // unknown keys are reported by the schema
    if (i < last) return `key "${k}" must come before "${order[last]}" (order: ${order.join(', ')})`;
    last = i;
  }
  return undefined;
}

/** How a pack is loaded. */
export interface LoadPackOptions {
  /**
   * Refuse the pack when a test case's event (or config) file is missing. Default false: only
   * `rules test` needs the fixtures (it resolves them itself, see runRuleTests), so a pack copied
   * elsewhere without them still scans, replays and deploys.
   */
  checkTestFiles?: boolean;
  /**
   * Pack snapshots (`pack.snapshot.json`, written by the build from a pack that loaded without a
   * problem) to use instead of parsing the YAML, when one has the version the rule files hash to:
   * the same files, so the same rules. The CLI passes the one it ships (start-up: the YAML parser
   * costs ~100 ms of a 150 ms budget, `npm run bench`).
   */
  snapshots?: readonly string[];
}

function testFileProblems(rule: CompiledRule['rule'], where: PackProblem, root: string): PackProblem[] {
  const problems: PackProblem[] = [];
  for (const t of rule.tests) {
    for (const p of [t.event, t.config]) {
      if (p && !existsSync(resolve(root, p)))
        problems.push({ ...where, message: `test "${t.name}": file not found: ${p}` });
    }
  }
  return problems;
}

function parseRuleFile(
  text: string,
  file: string,
  root: string,
  problems: PackProblem[],
  checkTestFiles = false,
): CompiledRule | undefined {
  const yaml = parseYaml(text);
  if (!yaml.ok) {
    problems.push({ file, message: yaml.message });
    return undefined;
  }
  const data: unknown = yaml.data;
  const id = typeof (data as { id?: unknown })?.id === 'string' ? (data as { id: string }).id : undefined;
  const parsed = ruleSchema().safeParse(data);
  if (!parsed.success) {
    problems.push({ file, ruleId: id, message: formatIssue(parsed.error.issues[0]!) });
    return undefined;
  }
  const rule = parsed.data;
  const where: PackProblem = { file, ruleId: rule.id, message: '' };
  const order = keyOrderProblem(Object.keys(data as object));
  if (order) problems.push({ ...where, message: order });
  if (basename(file).replace(/\.ya?ml$/, '') !== rule.id)
    problems.push({ ...where, message: `file name must be ${rule.id}.yaml` });
  if (!rule.tests.some((t) => t.expect === 'violation') || !rule.tests.some((t) => t.expect === 'pass')) {
    problems.push({ ...where, message: 'tests need at least one "violation" and one "pass" case' });
  }
  if (checkTestFiles) problems.push(...testFileProblems(rule, where, root));
  for (const message of checkTrigger(rule.on)) problems.push({ ...where, message });
  return compileRule(rule, file, basename(dirname(file)), problems);
}

/**
 * Loads every `policies/<area>/<id>.yaml`, validates and compiles it. A pack with any
 * problem is refused as a whole: {@link PolicyPackError} lists each as `file: rule id: message`.
 * @example const pack = await loadPolicyPack('policies')
 */
export async function loadPolicyPack(dir: string, options: LoadPackOptions = {}): Promise<PolicyPack> {
  const root = dirname(resolve(dir));
  let files: string[];
  try {
    files = await ruleFiles(dir);
  } catch (err) {
    throw new PolicyPackError([
      { file: dir, message: `cannot read policy folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}` },
    ]);
  }
  if (files.length === 0)
    throw new PolicyPackError([{ file: dir, message: 'no rule files (policies/<area>/<id>.yaml)' }]);
  const problems: PackProblem[] = [];
  const hash = createHash('sha256');
  const rules: CompiledRule[] = [];
  const seen = new Map<string, string>();
  // Read all at once: one after the other cost a Lambda cold start ~25 ms of waiting (`npm run bench`).
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  for (const [i, file] of files.entries()) hash.update(relative(dir, file)).update('\0').update(texts[i]!).update('\0');
  const version = hash.digest('hex').slice(0, 12);
  const display = (file: string) => relative(process.cwd(), file) || file;
  for (const snapshot of options.snapshots ?? []) {
    const cached = await rulesFromSnapshotFile(snapshot, version, files.map(display));
    if (!cached) continue;
    for (const c of options.checkTestFiles ? cached : [])
      problems.push(...testFileProblems(c.rule, { file: c.file, ruleId: c.rule.id, message: '' }, root));
    if (problems.length > 0) throw new PolicyPackError(problems);
    return { version, dir, root, rules: cached };
  }
  for (const [i, file] of files.entries()) {
    const text = texts[i]!;
    const shown = display(file);
    const compiled = parseRuleFile(text, shown, root, problems, options.checkTestFiles ?? false);
    if (!compiled) continue;
    const other = seen.get(compiled.rule.id);
    if (other) problems.push({ file: shown, ruleId: compiled.rule.id, message: `duplicate id (also in ${other})` });
    seen.set(compiled.rule.id, shown);
    rules.push(compiled);
  }
  if (problems.length > 0) throw new PolicyPackError(problems);
  return { version, dir, root, rules };
}

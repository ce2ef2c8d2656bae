import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { formatIssue, parseYaml } from '../config/load.js';
import { policyEnvironment } from './cel.js';
import { PolicyPackError, type PackProblem } from './errors.js';
import { RULE_KEY_ORDER, RuleSchema, type Rule } from './schema.js';

/** A rule with its compiled conditions. */
export interface CompiledRule {
  rule: Rule;
  area: string;
  file: string;
  violation: (ctx: Record<string, unknown>) => unknown;
  resolve?: (ctx: Record<string, unknown>) => unknown;
  resourceId?: (ctx: Record<string, unknown>) => unknown;
}

/** A loaded, validated, compiled policy pack. */
export interface PolicyPack {
  /** Content hash of every rule file: what a drift record or review says it was checked against. */
  version: string;
  dir: string;
  /** Where test-case paths are relative to (the pack's parent folder). */
  root: string;
  rules: CompiledRule[];
}

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

type Compiled = (ctx: Record<string, unknown>) => unknown;

function compileExpression(expr: string, field: string, wantBool: boolean, problems: PackProblem[], where: PackProblem): Compiled | undefined {
  const env = policyEnvironment();
  try {
    const checked = env.check(expr);
    if (!checked.valid) throw checked.error;
    if (wantBool && checked.type !== 'bool' && checked.type !== 'dyn') throw new Error(`must be a bool expression, is ${checked.type}`);
    return env.parse(expr) as Compiled;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    problems.push({ ...where, message: `${field}: ${msg}` });
    return undefined;
  }
}

/** How a pack is loaded. */
export interface LoadPackOptions {
  /**
   * Check that every test case's event (and config) file exists. Default true; deployed
   * functions pass false because the test files are not packaged beside the handler.
   */
  checkTestFiles?: boolean;
  /**
   * Use `<dir>/pack.snapshot.json` when it is there: the packaged functions get one from the
   * build, so a cold start compiles the rules without parsing 80 YAML files (`npm run bench`).
   */
  preferSnapshot?: boolean;
}

/** The file the build writes beside the packaged rule files. */
export const PACK_SNAPSHOT_FILE = 'pack.snapshot.json';

/** A validated pack as data: its version (the hash of the YAML files) and each rule's fields. */
export interface PackSnapshot {
  version: string;
  rules: { file: string; area: string; rule: Rule }[];
}

/** @example await writeFile('pack.snapshot.json', JSON.stringify(snapshotOf(pack))) */
export function snapshotOf(pack: PolicyPack): PackSnapshot {
  return { version: pack.version, rules: pack.rules.map((c) => ({ file: c.file, area: c.area, rule: c.rule })) };
}

function compileRule(rule: Rule, file: string, area: string, problems: PackProblem[]): CompiledRule | undefined {
  const where: PackProblem = { file, ruleId: rule.id, message: '' };
  const violation = compileExpression(rule.violation, 'violation', true, problems, where);
  const resolveFn = rule.resolve ? compileExpression(rule.resolve, 'resolve', true, problems, where) : undefined;
  const resourceId = rule.resource.id ? compileExpression(rule.resource.id, 'resource.id', false, problems, where) : undefined;
  return violation ? { rule, area, file, violation, resolve: resolveFn, resourceId } : undefined;
}

/** Rebuilds a pack from its snapshot: every rule validated again and its CEL compiled. */
export function packFromSnapshot(snapshot: PackSnapshot, dir: string, file = PACK_SNAPSHOT_FILE): PolicyPack {
  const problems: PackProblem[] = [];
  const rules: CompiledRule[] = [];
  for (const entry of Array.isArray(snapshot?.rules) ? snapshot.rules : []) {
    const parsed = RuleSchema.safeParse(entry?.rule);
    if (!parsed.success) {
      problems.push({ file, message: `${String(entry?.file)}: ${formatIssue(parsed.error.issues[0]!)}` });
      continue;
    }
    const compiled = compileRule(parsed.data, entry.file, entry.area, problems);
    if (compiled) rules.push(compiled);
  }
  if (typeof snapshot?.version !== 'string' || rules.length === 0) problems.push({ file, message: 'not a policy pack snapshot (no version or no rules)' });
  if (problems.length > 0) throw new PolicyPackError(problems);
  return { version: snapshot.version, dir, root: dirname(resolve(dir)), rules };
}

async function readSnapshot(dir: string): Promise<PolicyPack | undefined> {
  const file = join(dir, PACK_SNAPSHOT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PolicyPackError([{ file, message: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  return packFromSnapshot(data as PackSnapshot, dir, file);
}

function parseRuleFile(text: string, file: string, root: string, problems: PackProblem[], checkTestFiles = true): CompiledRule | undefined {
  const yaml = parseYaml(text);
  if (!yaml.ok) {
    problems.push({ file, message: yaml.message });
    return undefined;
  }
  const data: unknown = yaml.data;
  const id = typeof (data as { id?: unknown })?.id === 'string' ? (data as { id: string }).id : undefined;
  const parsed = RuleSchema.safeParse(data);
  if (!parsed.success) {
    problems.push({ file, ruleId: id, message: formatIssue(parsed.error.issues[0]!) });
    return undefined;
  }
  const rule = parsed.data;
  const where: PackProblem = { file, ruleId: rule.id, message: '' };
  const order = keyOrderProblem(Object.keys(data as object));
  if (order) problems.push({ ...where, message: order });
  if (basename(file).replace(/\.ya?ml$/, '') !== rule.id) problems.push({ ...where, message: `file name must be ${rule.id}.yaml` });
  if (!rule.tests.some((t) => t.expect === 'violation') || !rule.tests.some((t) => t.expect === 'pass')) {
    problems.push({ ...where, message: 'tests need at least one "violation" and one "pass" case' });
  }
  for (const t of checkTestFiles ? rule.tests : []) {
    for (const p of [t.event, t.config]) {
      if (p && !existsSync(resolve(root, p))) problems.push({ ...where, message: `test "${t.name}": file not found: ${p}` });
    }
  }
  if (rule.on.source === 'guardduty' && rule.on.detailType === 'GuardDuty Finding' && !rule.on.findingType) {
    problems.push({ ...where, message: 'on.findingType is required for "GuardDuty Finding" (no catch-all triggers)' });
  }
  if (rule.on.source === 'guardduty' && rule.on.detailType !== 'GuardDuty Finding' && rule.on.findingType) {
    // Such a rule would be indexed by finding type, which scan results do not have: it could never match.
    problems.push({ ...where, message: `on.findingType only applies to "GuardDuty Finding", not "${rule.on.detailType}"` });
  }
  return compileRule(rule, file, basename(dirname(file)), problems);
}

/**
 * Loads every `policies/<area>/<id>.yaml`, validates and compiles it. A pack with any
 * problem is refused as a whole: {@link PolicyPackError} lists each as `file: rule id: message`.
 * @example const pack = await loadPolicyPack('policies')
 */
export async function loadPolicyPack(dir: string, options: LoadPackOptions = {}): Promise<PolicyPack> {
  if (options.preferSnapshot) {
    const fromSnapshot = await readSnapshot(dir);
    if (fromSnapshot) return fromSnapshot;
  }
  const root = dirname(resolve(dir));
  let files: string[];
  try {
    files = await ruleFiles(dir);
  } catch (err) {
    throw new PolicyPackError([{ file: dir, message: `cannot read policy folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  if (files.length === 0) throw new PolicyPackError([{ file: dir, message: 'no rule files (policies/<area>/<id>.yaml)' }]);
  const problems: PackProblem[] = [];
  const hash = createHash('sha256');
  const rules: CompiledRule[] = [];
  const seen = new Map<string, string>();
  // Read all at once: one after the other cost a Lambda cold start ~25 ms of waiting (`npm run bench`).
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  for (const [i, file] of files.entries()) {
    const text = texts[i];
    hash.update(relative(dir, file)).update('\0').update(text).update('\0');
    const display = relative(process.cwd(), file) || file;
    const compiled = parseRuleFile(text, display, root, problems, options.checkTestFiles ?? true);
    if (!compiled) continue;
    const other = seen.get(compiled.rule.id);
    if (other) problems.push({ file: display, ruleId: compiled.rule.id, message: `duplicate id (also in ${other})` });
    seen.set(compiled.rule.id, display);
    rules.push(compiled);
  }
  if (problems.length > 0) throw new PolicyPackError(problems);
  return { version: hash.digest('hex').slice(0, 12), dir, root, rules };
}

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatIssue } from '../config/index.js';
import { policyEnvironment } from './cel.js';
import { PolicyPackError, type PackProblem } from './errors.js';
import { approvedKeysOf, configPathProblems } from './requirements.js';
import { ruleSchema, type Rule } from './schema.js';

/**
 * Compiling rules, and packs as data (snapshots), without the YAML parser: what the deployed
 * functions load at init. The YAML loader (load.ts) validates files, then compiles here.
 */

/** A rule with its compiled conditions. */
export interface CompiledRule {
  rule: Rule;
  area: string;
  file: string;
  violation: (ctx: Record<string, unknown>) => unknown;
  resolve?: (ctx: Record<string, unknown>) => unknown;
  resourceId?: (ctx: Record<string, unknown>) => unknown;
  /** The compiled `resource.facets` (schema.ts). */
  facets?: (ctx: Record<string, unknown>) => unknown;
  /** The `approved` lists the rule's CEL reads (derived at load). */
  needs: string[];
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

type Compiled = (ctx: Record<string, unknown>) => unknown;

export function compileExpression(
  expr: string,
  field: string,
  wantBool: boolean,
  problems: PackProblem[],
  where: PackProblem,
): Compiled | undefined {
  const env = policyEnvironment();
  try {
    const checked = env.check(expr);
    if (!checked.valid) throw checked.error;
    if (wantBool && checked.type !== 'bool' && checked.type !== 'dyn')
      throw new Error(`must be a bool expression, is ${checked.type}`);
    return env.parse(expr) as Compiled;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    problems.push({ ...where, message: `${field}: ${msg}` });
    return undefined;
  }
}

/** The file the build writes beside the packaged rule files. */
export const PACK_SNAPSHOT_FILE = 'pack.snapshot.json';

/**
 * A validated pack as data: its version (the hash of the YAML files) and each rule's fields, with
 * the `approved` lists it reads (`needs`: derived from its CEL, which a lazy rule has not parsed).
 */
export interface PackSnapshot {
  version: string;
  rules: { file: string; area: string; rule: Rule; needs?: string[] }[];
}

/** @example await writeFile('pack.snapshot.json', JSON.stringify(snapshotOf(pack))) */
export function snapshotOf(pack: PolicyPack): PackSnapshot {
  return {
    version: pack.version,
    rules: pack.rules.map((c) => ({ file: c.file, area: c.area, rule: c.rule, needs: c.needs })),
  };
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((k) => typeof k === 'string');

export function compileRule(rule: Rule, file: string, area: string, problems: PackProblem[]): CompiledRule | undefined {
  const where: PackProblem = { file, ruleId: rule.id, message: '' };
  const violation = compileExpression(rule.violation, 'violation', true, problems, where);
  const resolveFn = rule.resolve ? compileExpression(rule.resolve, 'resolve', true, problems, where) : undefined;
  const resourceId = rule.resource.id
    ? compileExpression(rule.resource.id, 'resource.id', false, problems, where)
    : undefined;
  const facets = rule.resource.facets
    ? compileExpression(rule.resource.facets, 'resource.facets', false, problems, where)
    : undefined;
  if (!violation || (rule.resource.facets && !facets)) return undefined;
  const configProblems = configPathProblems(rule, where);
  problems.push(...configProblems);
  return configProblems.length > 0
    ? undefined
    : { rule, area, file, violation, resolve: resolveFn, resourceId, facets, needs: approvedKeysOf(rule) };
}

/**
 * A rule whose CEL is compiled when first evaluated: a snapshot is written only from a pack whose
 * every expression compiled, so compiling all 81 rules at load is work thrown away for the rules
 * an invocation or a scan never meets (a cold start compiles only its triggers' rules).
 */
export function lazyRule(rule: Rule, file: string, area: string, needs?: unknown): CompiledRule {
  const lazy = (expr: string, field: string): Compiled => {
    let fn: Compiled | undefined;
    return (ctx) => {
      // Type-checked when the snapshot was written: parsing is all that is left to do.
      try {
        fn ??= policyEnvironment().parse(expr) as Compiled;
      } catch (err) {
        const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        throw new PolicyPackError([{ file, ruleId: rule.id, message: `${field}: ${msg}` }]);
      }
      return fn(ctx);
    };
  };
  // From the snapshot when it lists them; else derived (a CEL parse) when first asked for.
  let approved = isStringList(needs) ? needs : undefined;
  return {
    rule,
    area,
    file,
    violation: lazy(rule.violation, 'violation'),
    resolve: rule.resolve ? lazy(rule.resolve, 'resolve') : undefined,
    resourceId: rule.resource.id ? lazy(rule.resource.id, 'resource.id') : undefined,
    facets: rule.resource.facets ? lazy(rule.resource.facets, 'resource.facets') : undefined,
    get needs() {
      approved ??= approvedKeysOf(rule);
      return approved;
    },
  };
}

/** The shape of a rule, enough to index and evaluate it: for snapshots the build validated. */
export const isRuleLike = (r: unknown): r is Rule =>
  typeof r === 'object' &&
  r !== null &&
  typeof (r as Rule).id === 'string' &&
  typeof (r as Rule).violation === 'string' &&
  typeof (r as Rule).on === 'object' &&
  (r as Rule).on !== null &&
  typeof (r as Rule).resource === 'object' &&
  (r as Rule).resource !== null;

/**
 * Rebuilds a pack from its snapshot: every rule validated again and its CEL compiled now; or,
 * with `lazy`, for a snapshot the build wrote from a pack it validated, every rule's shape checked
 * and its CEL compiled on first use ({@link lazyRule}).
 */
export function packFromSnapshot(
  snapshot: PackSnapshot,
  dir: string,
  file = PACK_SNAPSHOT_FILE,
  options: { lazy?: boolean } = {},
): PolicyPack {
  const problems: PackProblem[] = [];
  const rules: CompiledRule[] = [];
  for (const entry of Array.isArray(snapshot?.rules) ? snapshot.rules : []) {
    if (options.lazy) {
      // The build wrote these rules after validating and compiling each (schema defaults applied;
      // the schema has no other transform): validating them again was most of what an ingest
      // function's init added to its middy + Powertools baseline (`npm run bench -- --only cold`).
      if (!isRuleLike(entry?.rule)) problems.push({ file, message: `${String(entry?.file)}: not a rule` });
      else rules.push(lazyRule(entry.rule, entry.file, entry.area, entry.needs));
      continue;
    }
    const parsed = ruleSchema().safeParse(entry?.rule);
    if (!parsed.success) {
      problems.push({ file, message: `${String(entry?.file)}: ${formatIssue(parsed.error.issues[0]!)}` });
      continue;
    }
    const compiled = compileRule(parsed.data, entry.file, entry.area, problems);
    if (compiled) rules.push(compiled);
  }
  if (typeof snapshot?.version !== 'string' || rules.length === 0)
    problems.push({ file, message: 'not a policy pack snapshot (no version or no rules)' });
  if (problems.length > 0) throw new PolicyPackError(problems);
  return { version: snapshot.version, dir, root: dirname(resolve(dir)), rules };
}

/**
 * Loads the pack snapshot the build wrote into `dir` (the deployed functions' way: no YAML).
 * @example const pack = await loadPackSnapshot('policies')
 */
export async function loadPackSnapshot(dir: string): Promise<PolicyPack> {
  const file = join(dir, PACK_SNAPSHOT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PolicyPackError([
      {
        file,
        message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)} (the build writes it: npm run package)`,
      },
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PolicyPackError([{ file, message: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  // The build compiled every rule before writing the snapshot: a cold start compiles only the rules it meets.
  return packFromSnapshot(data as PackSnapshot, dir, file, { lazy: true });
}

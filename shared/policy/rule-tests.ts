import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { TpguardConfig } from '../config/index.js';
import { readInputs } from '../events/index.js';
import { createEvaluator, evaluate } from './evaluate.js';
import type { PolicyPack } from './load.js';
import type { Verdict } from './schema.js';
import { RuleFixturesMissingError } from './errors.js';

/** The config rule tests run with unless a case names its own: `<pack>/test.config.yaml`. */
export const TEST_CONFIG_FILE = 'test.config.yaml';

export interface RuleTestResult {
  ruleId: string;
  file: string;
  name: string;
  event: string;
  expected: Verdict;
  observed: Verdict;
  passed: boolean;
  /** What else was seen: rejections, reasons. */
  note?: string;
}

/**
 * The verdict of one rule over every observation in an event file: a violation
 * anywhere wins, then cannot-evaluate, then not-configured, then pass; nothing applicable is not-applicable.
 */
async function verdictFor(
  pack: PolicyPack,
  config: TpguardConfig,
  ruleId: string,
  eventFile: string,
): Promise<{ verdict: Verdict; note?: string }> {
  const ev = createEvaluator({ ...pack, rules: pack.rules.filter((r) => r.rule.id === ruleId) }, config);
  const seen = new Set<Verdict>();
  const notes: string[] = [];
  for await (const item of readInputs([eventFile])) {
    if (!item.ok) {
      notes.push(`rejected ${item.rejection.where}: ${item.rejection.reason}`);
      continue;
    }
    for (const f of evaluate(ev, item.observation)) {
      seen.add(f.verdict);
      if (f.reason) notes.push(f.reason);
    }
  }
  const verdict: Verdict = seen.has('violation')
    ? 'violation'
    : seen.has('cannot-evaluate')
      ? 'cannot-evaluate'
      : seen.has('not-configured')
        ? 'not-configured'
        : seen.has('pass')
          ? 'pass'
          : 'not-applicable';
  return notes.length > 0 ? { verdict, note: notes.join('; ') } : { verdict };
}

export interface RuleTestOptions {
  /**
   * The folder the cases' `event` and `config` paths are relative to; default the folder holding
   * the pack (`policies/` beside `events/`), wherever the pack was copied.
   */
  fixtures?: string;
}

/** The files the selected cases name that do not exist under `root`, each once, in pack order. */
export function missingFixtures(pack: PolicyPack, root: string, only?: (ruleId: string) => boolean): string[] {
  const missing = new Set<string>();
  for (const c of pack.rules) {
    if (only && !only(c.rule.id)) continue;
    for (const t of c.rule.tests)
      for (const p of [t.event, t.config]) if (p && !existsSync(resolve(root, p))) missing.add(p);
  }
  return [...missing];
}

/**
 * Runs every rule's own test cases. Configs are loaded once per file. When files the cases
 * name are missing, refuses with one {@link RuleFixturesMissingError} before running any.
 * @example const failures = (await runRuleTests(pack)).filter((r) => !r.passed)
 */
export async function runRuleTests(
  pack: PolicyPack,
  only?: (ruleId: string) => boolean,
  options: RuleTestOptions = {},
): Promise<RuleTestResult[]> {
  const root = resolve(options.fixtures ?? pack.root);
  const missing = missingFixtures(pack, root, only);
  if (missing.length > 0) throw new RuleFixturesMissingError(root, missing);
  const configs = new Map<string, TpguardConfig>();
  const defaultConfig = resolve(pack.dir, TEST_CONFIG_FILE);
  const configFor = async (file: string | undefined): Promise<TpguardConfig> => {
    const path = file ? resolve(root, file) : existsSync(defaultConfig) ? defaultConfig : '';
    let cfg = configs.get(path);
    if (!cfg) {
      cfg = await loadConfig(path || undefined);
      configs.set(path, cfg);
    }
    return cfg;
  };
  const results: RuleTestResult[] = [];
  for (const c of pack.rules) {
    if (only && !only(c.rule.id)) continue;
    for (const t of c.rule.tests) {
      const { verdict, note } = await verdictFor(pack, await configFor(t.config), c.rule.id, resolve(root, t.event));
      results.push({
        ruleId: c.rule.id,
        file: c.file,
        name: t.name,
        event: t.event,
        expected: t.expect,
        observed: verdict,
        passed: verdict === t.expect,
        ...(note ? { note } : {}),
      });
    }
  }
  return results;
}

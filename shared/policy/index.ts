export { loadPackSnapshot, PACK_SNAPSHOT_FILE, snapshotOf } from './compile.js';
export { PolicyPackError } from './errors.js';
export {
  type CannotEvaluateCause,
  CannotEvaluateCauses,
  createEvaluator,
  evaluate,
  type Evaluator,
  type Finding,
  MAX_EVENT_DEPTH,
  MAX_RESOURCE_ID,
  nestedDeeperThan,
  unverifiable,
} from './evaluate.js';
export { type CompiledRule, loadPolicyPack, type PolicyPack } from './load.js';
export { generatePatterns, matchesPattern } from './patterns.js';
export { type RuleTestResult, runRuleTests, TEST_CONFIG_FILE } from './rule-tests.js';
export { type Rule, RULE_KEY_ORDER } from './schema.js';

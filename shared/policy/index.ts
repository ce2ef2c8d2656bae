export { loadPackSnapshot, PACK_SNAPSHOT_FILE, snapshotOf } from './compile.js';
export { PolicyPackError, RuleFixturesMissingError } from './errors.js';
export {
  createEvaluator,
  evaluate,
  type Evaluator,
  type Finding,
  MAX_EVENT_DEPTH,
  MAX_RESOURCE_ID,
  nestedDeeperThan,
} from './evaluate.js';
export { type CompiledRule, loadPolicyPack, type PolicyPack } from './load.js';
export { generatePatterns, matchesPattern } from './patterns.js';
export {
  missingFixtures,
  type RuleTestOptions,
  type RuleTestResult,
  runRuleTests,
  TEST_CONFIG_FILE,
} from './rule-tests.js';
export { type Rule, RULE_KEY_ORDER } from './schema.js';

export { lazyRule, loadPackSnapshot, PACK_SNAPSHOT_FILE, type PackSnapshot, snapshotOf } from './compile.js';
export { PolicyPackError, RuleFixturesMissingError } from './errors.js';
export {
  type CannotEvaluateCause,
  CannotEvaluateCauses,
  createEvaluator,
  evaluate,
  type KnownTags,
  type Evaluator,
  type Finding,
  MAX_EVENT_DEPTH,
  MAX_RESOURCE_ID,
  nestedDeeperThan,
  unverifiable,
} from './evaluate.js';
export { CEL_FUNCTIONS } from './cel.js';
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
export { checkPackPaths, type PathCheck, plainPath } from './models/check.js';
export {
  CONFIG_ITEM_SOURCES,
  DETAIL_SOURCES,
  EXCEPTIONS as MODEL_NAMING_EXCEPTIONS,
  operationFor,
  PROTOCOL_CONVENTIONS,
} from './models/conventions.js';
export { type UnresolvedKey, unresolvedKeys } from './models/event-keys.js';
export { loadModels } from './models/targets.js';
export {
  type KeyTree,
  type ModelExtract,
  MODELS_FILE,
  type ServiceModel,
  type Shape,
  type ShapeMember,
} from './models/types.js';
export { configurationNotes, type ConfigurationNote, missingConfiguration } from './requirements.js';
export { readsOf, type FieldRead } from './reads.js';

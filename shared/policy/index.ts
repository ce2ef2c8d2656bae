export * from './schema.js';
export * from './errors.js';
export * from './load.js';
export * from './evaluate.js';
export * from './patterns.js';
export * from './rule-tests.js';
export { TriggerIndex } from './trigger-index.js';
export { CEL_FUNCTIONS, CEL_VARIABLES } from './cel.js';
export { redactSecrets, REDACTED } from '../kernel/secrets.js';

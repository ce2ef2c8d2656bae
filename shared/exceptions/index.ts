export { ExceptionAlreadyRevokedError, ExceptionError, ExceptionNotFoundError } from './errors.js';
export { createException, exceptionState } from './match.js';
export { createExceptionMatcher } from './matcher.js';
export { reconcileExceptions, type ReconcileResult } from './reconcile.js';
export type { RiskException } from './types.js';
export type { ExceptionStore } from './ports.js';

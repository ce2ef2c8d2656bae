export {
  DistinctApproverError,
  ExceptionAlreadyRevokedError,
  ExceptionError,
  ExceptionNotFoundError,
  ExceptionNotPendingError,
} from './errors.js';
export { CANARY_RESOURCES, MIN_LITERAL_NAME, resourceGlobTooBroad } from './breadth.js';
export { approvalOf, createException, exceptionState } from './match.js';
export { createExceptionMatcher } from './matcher.js';
export { reconcileExceptions, type ReconcileResult } from './reconcile.js';
export { type ExceptionApproval, type RiskException } from './types.js';
export type { ExceptionStore } from './ports.js';

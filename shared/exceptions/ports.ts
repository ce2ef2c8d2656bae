import type { RiskException } from './types.js';

/** Risk-acceptance exceptions. */
export interface ExceptionStore {
  /** Stores a new exception; throws when the id exists. */
  add(exc: RiskException): Promise<void>;
  get(exceptionId: string): Promise<RiskException | undefined>;
  list(): Promise<RiskException[]>;
  /** Marks it revoked (once); returns the updated exception. */
  revoke(exceptionId: string, by: string, at: string): Promise<RiskException>;
}

import type { ExceptionApproval, RiskException } from './types.js';

/** Risk-acceptance exceptions. */
export interface ExceptionStore {
  /** Stores a new exception; throws when the id exists. */
  add(exc: RiskException): Promise<void>;
  get(exceptionId: string): Promise<RiskException | undefined>;
  list(): Promise<RiskException[]>;
  /** Marks it revoked (once, from pending or active); returns the updated exception. */
  revoke(exceptionId: string, by: string, at: string, byName?: string): Promise<RiskException>;
  /**
   * Records the approval of a pending exception and makes it active, in one conditional write that
   * also refuses the identity that added it (four eyes); returns the updated exception.
   */
  approve(exceptionId: string, approval: ExceptionApproval): Promise<RiskException>;
}

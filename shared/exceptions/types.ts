/**
 * Risk acceptance: an approved, time-boxed exception for one rule on resources matching a glob.
 * Stored as pk `EXCEPTION#<id>`, sk `STATE`, gsi1pk `EXCEPTION`, gsi1sk `<expiresAt>#<id>`.
 */
export const ExceptionStatuses = { active: 'active', revoked: 'revoked' } as const;
export type ExceptionStatus = (typeof ExceptionStatuses)[keyof typeof ExceptionStatuses];

export interface RiskException {
  exceptionId: string;
  /** A rule id, or an AWS-wildcard glob over rule ids (`TPS-S3-*`). */
  ruleId: string;
  /** AWS-wildcard glob over the resource's id, name or ARN. */
  resource: string;
  reason: string;
  approvedBy: string;
  createdAt: string;
  expiresAt: string;
  status: ExceptionStatus;
  revokedAt?: string;
  revokedBy?: string;
}

/** What `tpguard exception add` asks for. */
export interface NewException {
  ruleId: string;
  resource: string;
  reason: string;
  approvedBy: string;
  expiresAt: string;
}

/** Whether an exception is in force at a time, and why not. */
export const ExceptionStates = { active: 'active', expired: 'expired', revoked: 'revoked' } as const;
export type ExceptionState = (typeof ExceptionStates)[keyof typeof ExceptionStates];

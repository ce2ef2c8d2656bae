/**
 * Risk acceptance: an approved, time-boxed exception for one rule on resources matching a glob.
 * Stored as pk `EXCEPTION#<id>`, sk `STATE`, gsi1pk `EXCEPTION`, gsi1sk `<expiresAt>#<id>`.
 */
export const ExceptionStatuses = { pending: 'pending', active: 'active', revoked: 'revoked' } as const;
export type ExceptionStatus = (typeof ExceptionStatuses)[keyof typeof ExceptionStatuses];

export interface RiskException {
  exceptionId: string;
  /** A rule id, or an AWS-wildcard glob over rule ids (`TPS-S3-*`). */
  ruleId: string;
  /** AWS-wildcard glob over the resource's id, name or ARN. */
  resource: string;
  reason: string;
  /** Who accepted the risk, as named on `exception add --approved-by` (e.g. `CISO office`). */
  approvedBy: string;
  /** Who recorded it: the caller's AWS identity against a deployed stack, the typed `--by` locally. */
  createdBy?: string;
  /** The display name typed beside a proven `createdBy`. */
  createdByName?: string;
  createdAt: string;
  expiresAt: string;
  /** `pending` (four eyes: waiting for {@link ExceptionApproval}), `active` or `revoked`. */
  status: ExceptionStatus;
  /** Four eyes: the approval of an identity other than `createdBy`; the exception is in force from then on. */
  approval?: ExceptionApproval;
  revokedAt?: string;
  /** Who revoked it (an identity, as `createdBy`). */
  revokedBy?: string;
  revokedByName?: string;
}

/** The second pair of eyes on an exception: who approved it, and when. */
export interface ExceptionApproval {
  /** The approver's identity (the caller's AWS identity deployed, the typed `--by` locally). */
  by: string;
  name?: string;
  at: string;
}

/** What `tpguard exception add` asks for. */
export interface NewException {
  ruleId: string;
  resource: string;
  reason: string;
  approvedBy: string;
  expiresAt: string;
  /** Who records it (identity) and the display name beside it. */
  createdBy?: string;
  createdByName?: string;
  /** Four eyes: the exception waits (`pending`) for an approval by another identity. */
  requireApproval?: boolean;
}

/** Whether an exception is in force at a time, and why not. */
export const ExceptionStates = {
  pending: 'pending',
  active: 'active',
  expired: 'expired',
  revoked: 'revoked',
} as const;
export type ExceptionState = (typeof ExceptionStates)[keyof typeof ExceptionStates];

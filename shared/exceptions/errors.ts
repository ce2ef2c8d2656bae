import { TpguardError } from '../kernel/index.js';
/** Errors of risk-acceptance exceptions. */
export class ExceptionError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExceptionError';
  }
}

/** An exception request that cannot be accepted (no reason, expiry in the past or too far away). */
export class InvalidExceptionError extends ExceptionError {
  public readonly field: string;
  public constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.name = 'InvalidExceptionError';
    this.field = field;
  }
}

export class ExceptionNotFoundError extends ExceptionError {
  public readonly exceptionId: string;
  public constructor(exceptionId: string, options?: { cause?: unknown }) {
    super(`no exception ${exceptionId} (see: tpguard exception list)`, options);
    this.name = 'ExceptionNotFoundError';
    this.exceptionId = exceptionId;
  }
}

/** Four eyes: the identity that added an exception cannot approve it. */
export class DistinctApproverError extends ExceptionError {
  public readonly exceptionId: string;
  public constructor(exceptionId: string, identity: string, options?: { cause?: unknown }) {
    super(
      `exception ${exceptionId}: ${identity} added it and cannot approve it too (reviews.requireDistinctApprover: another identity approves)`,
      options,
    );
    this.name = 'DistinctApproverError';
    this.exceptionId = exceptionId;
  }
}

/** Only a pending exception can be approved (active, revoked and expired ones cannot). */
export class ExceptionNotPendingError extends ExceptionError {
  public readonly exceptionId: string;
  public constructor(exceptionId: string, state: string, options?: { cause?: unknown }) {
    super(`exception ${exceptionId} is ${state}, not pending approval`, options);
    this.name = 'ExceptionNotPendingError';
    this.exceptionId = exceptionId;
  }
}

export class ExceptionAlreadyRevokedError extends ExceptionError {
  public readonly exceptionId: string;
  public constructor(exceptionId: string, revokedAt: string, options?: { cause?: unknown }) {
    super(`exception ${exceptionId} was already revoked at ${revokedAt}`, options);
    this.name = 'ExceptionAlreadyRevokedError';
    this.exceptionId = exceptionId;
  }
}

import { TpguardError } from '../kernel/index.js';

/** A date range, account or region list, or archive URL that cannot select anything. */
export class ArchiveSelectionError extends TpguardError {
  public readonly option: string;
  public constructor(option: string, message: string, options?: { cause?: unknown }) {
    super(`${option}: ${message}`, options);
    this.name = 'ArchiveSelectionError';
    this.option = option;
  }
}

/** A backfill worker event of neither known shape (a planning request or a Distributed Map batch). */
export class BackfillEventError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackfillEventError';
  }
}

/** An archive object that could not be read, and whether trying again later may help. */
export class ArchiveReadError extends TpguardError {
  public readonly retryable: boolean;
  /** The S3 error code (`AccessDenied`, `NoSuchKey`, `SlowDown`) or the network error's. */
  public readonly code: string;
  public constructor(code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArchiveReadError';
    this.code = code;
    this.retryable = retryable;
  }
}

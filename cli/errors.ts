import { TpguardError } from '../shared/kernel/index.js';

/** An error meant for the user: one line, and the exit status to use (2, a usage error, by default). */
export class CliError extends TpguardError {
  public readonly exitCode: number;
  public constructor(message: string, exitCode = 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A request `tpguard serve` refuses, with the HTTP status to answer. */
export class HttpError extends TpguardError {
  public readonly status: number;
  public constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
  }
}

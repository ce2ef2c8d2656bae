/**
 * Base class of every error tpguard raises on purpose. Subclasses carry typed
 * context (file, ruleId, record) so callers can print one precise line.
 */
export class TpguardError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TpguardError';
  }
}

/** An input that can never be processed (bad shape, bad JSON): reject it, do not retry it. */
export class InputRejectedError extends TpguardError {
  public readonly where: string;
  public constructor(where: string, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'InputRejectedError';
    this.where = where;
  }
}

/** A configuration or policy file that does not load. `file: message`. */
export class FileLoadError extends TpguardError {
  public readonly file: string;
  public constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileLoadError';
    this.file = file;
  }
  /** One line for a terminal: `file: message`. */
  public toLine(): string {
    return `${this.file}: ${this.message}`;
  }
}

/** Short, single-line text for any thrown value (never a stack trace). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err).split('\n')[0] ?? 'unknown error';
}

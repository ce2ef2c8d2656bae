/**
 * Base class of every error tpguard raises on purpose. Subclasses carry typed context (file,
 * ruleId, record) so callers can print one precise line; each area keeps its errors in its
 * errors.ts, names them `...Error`, sets `this.name` and passes `{ cause }`.
 */
export class TpguardError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TpguardError';
  }

  /** What a terminal shows: one line per problem, never a stack trace. */
  public toLines(): string[] {
    return [`tpguard: ${this.message.split('\n')[0]}`];
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
  public override toLines(): string[] {
    return [this.toLine()];
  }
}

/** Thrown when a `--now` or other timestamp is not an ISO-8601 date-time. */
export class InvalidTimestampError extends TpguardError {
  public readonly value: string;
  public constructor(value: string, options?: { cause?: unknown }) {
    super(`not an ISO-8601 date-time: ${value} (example: 2027-04-01T09:00:00Z)`, options);
    this.name = 'InvalidTimestampError';
    this.value = value;
  }
}

/** Untrusted JSON that is too large, malformed or nested too deeply. */
export class JsonParseError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JsonParseError';
  }
}

/** Short, single-line text for any thrown value (never a stack trace). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err).split('\n')[0] ?? 'unknown error';
}

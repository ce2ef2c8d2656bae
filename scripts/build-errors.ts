/** Base class of the errors that stop `npm run build` / `npm run package`: one line each. */
export class BuildError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildError';
  }
}

/** `functions/<file>.ts` of a deployed function does not exist. */
export class MissingHandlerError extends BuildError {
  public readonly files: string[];
  public constructor(files: string[]) {
    super(`handler file${files.length > 1 ? 's' : ''} missing: ${files.join(', ')}`);
    this.name = 'MissingHandlerError';
    this.files = files;
  }
}

/** A generated event pattern longer than EventBridge accepts. */
export class PatternTooLargeError extends BuildError {
  public readonly pattern: string;
  public constructor(pattern: string, size: number, limit: number) {
    super(`pattern ${pattern}: ${size} characters, over EventBridge's limit of ${limit}; split the rules' triggers`);
    this.name = 'PatternTooLargeError';
    this.pattern = pattern;
  }
}

/** `reviews.schedule` has no EventBridge Scheduler equivalent. */
export class ScheduleConversionError extends BuildError {
  public readonly cron: string;
  public constructor(cron: string, reason: string, options?: { cause?: unknown }) {
    super(`reviews.schedule "${cron}": ${reason}`, options);
    this.name = 'ScheduleConversionError';
    this.cron = cron;
  }
}

/** A configured Slack webhook parameter the deployed functions would not be allowed to read. */
export class SlackParameterError extends BuildError {
  public constructor(problems: string[]) {
    super(problems.join('; '));
    this.name = 'SlackParameterError';
  }
}

import { TpguardError } from '../kernel/index.js';
/** Errors of the review cycle and exceptions. */
export class ReviewError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReviewError';
  }
}

/** The `reviews` section does not fit the rest of the configuration (an unknown team, a reserved name). */
export class ReviewConfigError extends ReviewError {
  public readonly path: string;
  public constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.name = 'ReviewConfigError';
    this.path = path;
  }
}

/** No review task with this id. */
export class ReviewTaskNotFoundError extends ReviewError {
  public readonly taskId: string;
  public constructor(taskId: string, options?: { cause?: unknown }) {
    super(`no review task ${taskId} (see: tpguard review list)`, options);
    this.name = 'ReviewTaskNotFoundError';
    this.taskId = taskId;
  }
}

/** A task that is already signed off cannot be signed off again. */
export class ReviewAlreadyCompletedError extends ReviewError {
  public readonly taskId: string;
  public constructor(taskId: string, completedBy: string, completedAt: string, options?: { cause?: unknown }) {
    super(`review task ${taskId} was already completed by ${completedBy} at ${completedAt}`, options);
    this.name = 'ReviewAlreadyCompletedError';
    this.taskId = taskId;
  }
}

/** Four eyes: the identity that recorded the pack version under review cannot sign the review off. */
export class DistinctReviewerError extends ReviewError {
  public readonly taskId: string;
  public constructor(taskId: string, identity: string, packVersion: string, options?: { cause?: unknown }) {
    super(
      `review task ${taskId}: ${identity} recorded pack ${packVersion} and cannot sign its review off too (reviews.requireDistinctApprover)`,
      options,
    );
    this.name = 'DistinctReviewerError';
    this.taskId = taskId;
  }
}

/** Four eyes: nobody recorded the pack version under review, so its author is unknown. */
export class UnknownPackChangeError extends ReviewError {
  public readonly packVersion: string;
  public constructor(packVersion: string, options?: { cause?: unknown }) {
    super(
      `pack ${packVersion}: who put it in force is not recorded, so four eyes cannot be checked (whoever deploys it runs: tpguard rules publish)`,
      options,
    );
    this.name = 'UnknownPackChangeError';
    this.packVersion = packVersion;
  }
}

/** The schedule has no occurrence at or before the given time. */
export class NoReviewPeriodError extends ReviewError {
  public constructor(schedule: string, at: string, options?: { cause?: unknown }) {
    super(`schedule "${schedule}" has no occurrence at or before ${at}`, options);
    this.name = 'NoReviewPeriodError';
  }
}

/**
 * A sign-off time the task cannot have: before it was opened (a `--now` in the past made a late
 * review look on time), or so long after it was due that it is another period's or a wrong clock.
 */
export class SignOffTimeError extends ReviewError {
  public readonly taskId: string;
  public readonly at: string;
  public constructor(taskId: string, at: string, problem: string, options?: { cause?: unknown }) {
    super(`${taskId}: sign-off at ${at} is ${problem}`, options);
    this.name = 'SignOffTimeError';
    this.taskId = taskId;
    this.at = at;
  }
}

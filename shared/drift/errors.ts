import { TpguardError } from '../kernel/index.js';
import type { DriftStatus } from './types.js';

/** Base class of the drift area's errors. */
export class DriftError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DriftError';
  }
}

/** No drift record has this id. */
export class DriftNotFoundError extends DriftError {
  public readonly driftId: string;
  public constructor(driftId: string, options?: { cause?: unknown }) {
    super(`no drift record ${driftId} (see: tpguard drift list --all)`, options);
    this.name = 'DriftNotFoundError';
    this.driftId = driftId;
  }
}

/** A manual action on a record whose status does not allow it (resolving drift that is not open). */
export class DriftStatusError extends DriftError {
  public readonly driftId: string;
  public readonly status: DriftStatus;
  public constructor(
    driftId: string,
    status: DriftStatus,
    wanted: readonly DriftStatus[],
    options?: { cause?: unknown },
  ) {
    super(`drift ${driftId} is ${status}, not ${wanted.join(' or ')}`, options);
    this.name = 'DriftStatusError';
    this.driftId = driftId;
    this.status = status;
  }
}

/** A late observation could not be placed: its record kept changing under it (retried with the event). */
export class LatePlacementError extends DriftError {
  public readonly driftId: string;
  public constructor(driftId: string, options?: { cause?: unknown }) {
    super(`${driftId}: the record kept changing while a late observation was placed; the event is retried`, options);
    this.name = 'LatePlacementError';
    this.driftId = driftId;
  }
}

/** Transitions could not be published after the retries: thrown so that Lambda retries the event. */
export class PublishError extends DriftError {
  public readonly failed: number;
  public constructor(failed: number, detail: string, options?: { cause?: unknown }) {
    super(`${failed} transition event(s) not published: ${detail}`, options);
    this.name = 'PublishError';
    this.failed = failed;
  }
}

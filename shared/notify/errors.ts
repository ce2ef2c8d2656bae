import { TpguardError } from '../kernel/index.js';
import type { Channel } from './types.js';

/** Base class of the alerting errors. */
export class NotifyError extends TpguardError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotifyError';
  }
}

/**
 * A channel did not take a message (after the bounded retries). Thrown so that Lambda retries
 * the event and, in the end, the dead-letter queue keeps it; the ledger claim was released.
 */
export class DeliveryError extends NotifyError {
  public readonly channel: Channel;
  /** HTTP status or service error code, when there is one. */
  public readonly status?: number | string;
  public constructor(channel: Channel, message: string, options?: { cause?: unknown; status?: number | string }) {
    super(`${channel}: ${message}`, options);
    this.name = 'DeliveryError';
    this.channel = channel;
    this.status = options?.status;
  }
}

/** Several channels of one transition failed; the others were sent and recorded. */
export class DeliveryFailedError extends NotifyError {
  public readonly failures: readonly Error[];
  public constructor(what: string, failures: readonly Error[]) {
    super(`${what}: ${failures.length} channel(s) failed: ${failures.map((f) => f.message).join('; ')}`, {
      cause: failures[0],
    });
    this.name = 'DeliveryFailedError';
    this.failures = failures;
  }
}

/**
 * Another invocation is sending the same (transition, channel) right now. Thrown (retryable):
 * the retry finds it sent and does nothing, or finds the claim expired and sends.
 */
export class DeliveryInFlightError extends NotifyError {
  public readonly key: string;
  public constructor(key: string) {
    super(`${key}: being sent by another invocation; retry later`);
    this.name = 'DeliveryInFlightError';
    this.key = key;
  }
}

/** The event is not a drift transition; it can never be delivered, so it is not retried. */
export class InvalidTransitionError extends NotifyError {
  public constructor(reason: string, options?: { cause?: unknown }) {
    super(`not a drift transition: ${reason}`, options);
    this.name = 'InvalidTransitionError';
  }
}

import { TpguardError } from '../kernel/index.js';

/** Raised by a normalizer for an input it can never turn into an observation. */
export class UnsupportedEventError extends TpguardError {
  public constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'UnsupportedEventError';
  }
}

/** Sources that contradict each other: two read one detail-type, or two claim one trigger source. */
export class SourceRegistryError extends TpguardError {
  public constructor(message: string) {
    super(message);
    this.name = 'SourceRegistryError';
  }
}

/** Raised by a normalizer for an input it can never turn into an observation. */
export class UnsupportedEventError extends Error {
  public constructor(reason: string) {
    super(reason);
    this.name = 'UnsupportedEventError';
  }
}

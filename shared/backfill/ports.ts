/** Reads objects of the archive bucket. */
export interface ArchiveObjects {
  /**
   * The bytes of one object. Throws `ArchiveReadError` (errors.ts): `retryable` false for what another try
   * cannot fix (AccessDenied, NoSuchKey, a KMS denial), true for what outlasted the client's retries.
   */
  read(bucket: string, key: string): Promise<Uint8Array>;
}

/** Writes the backfill's own objects (the prefix manifest, spilled verdicts) under the results prefix. */
export interface ResultObjects {
  put(bucket: string, key: string, body: string, contentType: string): Promise<void>;
}

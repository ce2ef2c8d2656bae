import { TpguardError } from '../../kernel/index.js';

/** The embedded DynamoDB cannot open its data folder. */
export class EmbeddedStoreError extends TpguardError {
  public readonly dataDir: string;
  public constructor(dataDir: string, message: string, options?: { cause?: unknown }) {
    super(`${dataDir}: ${message}`, options);
    this.name = 'EmbeddedStoreError';
    this.dataDir = dataDir;
  }
}

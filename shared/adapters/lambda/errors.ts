import { TpguardError } from '../../kernel/index.js';

/**
 * Deployed configuration, read once at cold start. A missing variable fails the
 * init with a message naming it, instead of a confusing error on the first event.
 */
export class MissingEnvironmentError extends TpguardError {
  public readonly variable: string;
  public constructor(variable: string) {
    super(`environment variable ${variable} is required`);
    this.name = 'MissingEnvironmentError';
    this.variable = variable;
  }
}

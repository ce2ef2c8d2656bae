/**
 * The CLI's exit statuses and its user-facing errors, in a module of their own: `cli/main.ts`
 * imports them, and whatever it imports statically is loaded by every command, `--version`
 * included (cli/context.ts would bring the config and policy loaders, YAML, zod and CEL).
 */
import { TpguardError } from '../shared/kernel/index.js';

/** Exit statuses, the same for every command. */
export const Exit = { ok: 0, findings: 1, usage: 2 } as const;

/** An error meant for the user: one line, and the exit status to use (2, a usage error, by default). */
export class CliError extends TpguardError {
  public readonly exitCode: number;
  public constructor(message: string, exitCode = 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A request `tpguard serve` refuses, with the HTTP status to answer. */
export class HttpError extends TpguardError {
  public readonly status: number;
  public constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
  }
}

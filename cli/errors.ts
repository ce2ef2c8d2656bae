/**
 * The CLI's exit statuses and its user-facing error, in a module of their own: `cli/main.ts`
 * imports them, and whatever it imports statically is loaded by every command, `--version`
 * included (cli/context.ts would bring the config and policy loaders, YAML, zod and CEL).
 */

/** Exit statuses, the same for every command. */
export const Exit = { ok: 0, findings: 1, usage: 2 } as const;

/** An error meant for the user: one line, and the exit status to use. */
export class CliError extends Error {
  public readonly exitCode: number;
  public constructor(message: string, exitCode: number = Exit.usage) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

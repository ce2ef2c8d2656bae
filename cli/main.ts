import { Command, CommanderError } from 'commander';
import { describeError, TpguardError } from '../shared/kernel/index.js';
import { CliError, Exit } from './errors.js';
import { tpguardCommand } from './invocation.js';
import { NOW_OPTION, validateNow } from './clock.js';
import { safe } from './terminal.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: `tpguard scan` does not pay for the AWS SDK and
 * the embedded DynamoDB that the monitor commands import (a third of scan's start-up).
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = Object.freeze({
  scan: async () => (await import('./commands/scan.js')).registerScan,
  rules: async () => (await import('./commands/rules.js')).registerRules,
  review: async () => (await import('./commands/review.js')).registerReview,
  exception: async () => (await import('./commands/exception.js')).registerException,
  report: async () => (await import('./commands/report.js')).registerReport,
  replay: async () => (await import('./commands/replay.js')).registerReplay,
  drift: async () => (await import('./commands/drift.js')).registerDrift,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  start: async () => (await import('./commands/start.js')).registerStart,
  digest: async () => (await import('./commands/digest.js')).registerDigest,
  backfill: async () => (await import('./commands/backfill.js')).registerBackfill,
  init: async () => (await import('./commands/init.js')).registerInit,
  config: async () => (await import('./commands/config.js')).registerConfig,
});

/** The command an argument list names (skipping the global `--now VALUE`), if it is one of ours. */
export function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--now') i++;
    else if (!a.startsWith('-')) return Object.hasOwn(COMMANDS, a) ? a : undefined;
  }
  return undefined;
}

/**
 * Builds the command tree; each feature registers its commands in {@link COMMANDS}. Given the
 * user's arguments, only the named command is loaded; without one (help, typos) all are.
 * @example const program = await buildProgram(['scan', 'events/'])
 */
export async function buildProgram(args?: readonly string[]): Promise<Command> {
  const program = new Command('tpguard')
    .description(
      'Guards ML training pipelines on AWS (CSA AICM MDS-01): scan events, record drift, alert owners, prove it to an auditor',
    )
    .version('0.1.0')
    .option(...NOW_OPTION)
    .addHelpText(
      'after',
      '\nIn a checkout, run it as npx tpguard; each command has --help with examples.\n\nExamples:\n  $ tpguard scan events/ --severity high\n  $ tpguard init && tpguard config validate\n  $ tpguard --now 2027-01-01T08:00:00Z review run',
    )
    .exitOverride()
    // Every command refuses a bad --now, including those that never read the clock (scan).
    .hook('preAction', (root) => void validateNow(root.opts<{ now?: string }>().now));
  const only = args ? commandOf(args) : undefined;
  // `--version` alone needs no command: loading them all cost `tpguard --version` ~200 ms.
  const versionOnly = !only && args !== undefined && args.some((a) => a === '-V' || a === '--version');
  const names = only ? [only] : versionOnly ? [] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const register of registers) register(program);
  oneLineUsageErrors(program);
  return program;
}

/** `tpguard drift list` for a subcommand. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander's usage errors as one line naming the command and its help, as every other error:
 * `tpguard scan: missing required argument 'paths' (see tpguard scan --help)`. Commander puts a
 * suggestion ("Did you mean ...?") on a line of its own; it is joined to the first.
 */
function oneLineUsageErrors(cmd: Command): void {
  const path = commandPath(cmd);
  cmd.configureOutput({
    outputError: (text, write) => {
      const message = text
        .replace(/^error: /, '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' ');
      write(`${path}: ${message} (see ${path} --help)\n`);
    },
  });
  for (const sub of cmd.commands) oneLineUsageErrors(sub);
}

/**
 * Runs the CLI; returns the exit status. Errors become one line on stderr, never a stack trace
 * (set TPGUARD_DEBUG=1 to see one).
 */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv.slice(2));
  // Commands report their status through process.exitCode; start each run from a clean
  // one so that an earlier run in the same process (tests, `serve`) does not leak into it.
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : Exit.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? Exit.ok : Exit.usage;
    }
    if (process.env.TPGUARD_DEBUG) console.error(err);
    // Messages name files, ids and values given on the command line or read from files: escaped.
    if (err instanceof TpguardError) {
      // Domain errors point at a command as `(see: tpguard ...)`: say it as this user runs tpguard.
      const see = `(see: ${tpguardCommand()} `;
      for (const line of err.toLines()) process.stderr.write(`${safe(line.replaceAll('(see: tpguard ', see))}\n`);
      return err instanceof CliError ? err.exitCode : Exit.usage;
    }
    // Not raised on purpose: one line, no stack (TPGUARD_DEBUG=1 prints it above).
    process.stderr.write(`tpguard: ${safe(describeError(err))}\n`);
    return Exit.usage;
  } finally {
    process.exitCode = outer;
  }
}

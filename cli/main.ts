import { Command, CommanderError } from 'commander';
import { PolicyPackError } from '../shared/policy/errors.js';
import { FileLoadError, describeError } from '../shared/util/errors.js';
import { registerRules } from './commands/rules.js';
import { registerScan } from './commands/scan.js';
import { CliError, Exit } from './context.js';
import { NOW_OPTION } from './clock.js';
import { registerReview } from './commands/review.js';
import { registerException } from './commands/exception.js';
import { registerReport } from './commands/report.js';
import { registerReplay } from './commands/replay.js';
import { registerDrift } from './commands/drift.js';
import { registerServe } from './commands/serve.js';
import { registerStart } from './commands/start.js';
import { registerDigest } from './commands/digest.js';

/** Builds the command tree; each feature registers its commands here. */
export function buildProgram(): Command {
  const program = new Command('tpguard')
    .description('Guards ML training pipelines on AWS (CSA AICM MDS-01): scan events, record drift, alert owners, prove it to an auditor')
    .version('0.1.0')
    .option(...NOW_OPTION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerScan(program);
  registerRules(program);
  registerReview(program);
  registerException(program);
  registerReport(program);
  registerReplay(program);
  registerDrift(program);
  registerServe(program);
  registerStart(program);
  registerDigest(program);
  return program;
}

/**
 * Runs the CLI; returns the exit status. Errors become one line on stderr, never a stack trace
 * (set TPGUARD_DEBUG=1 to see one).
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
    if (err instanceof PolicyPackError) {
      for (const p of err.message.split('\n')) process.stderr.write(`${p}\n`);
      return Exit.usage;
    }
    if (err instanceof FileLoadError) process.stderr.write(`${err.toLine()}\n`);
    else if (err instanceof CliError) {
      process.stderr.write(`tpguard: ${err.message}\n`);
      return err.exitCode;
    } else process.stderr.write(`tpguard: ${describeError(err)}\n`);
    return Exit.usage;
  } finally {
    process.exitCode = outer;
  }
}

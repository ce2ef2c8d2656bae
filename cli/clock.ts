import type { Command } from 'commander';
import { InvalidTimestampError, fixedClock, systemClock, type Clock } from '../shared/kernel/index.js';
import { CliError } from './errors.js';

/** The global `--now ISO-8601` option: every command that reads the clock honours it. */
export const NOW_OPTION = [
  '--now <iso-8601>',
  'pretend the current time is this (demos, tests), e.g. 2027-04-01T09:00:00Z',
] as const;

/**
 * Checks the global `--now` (undefined: not given); a {@link CliError} naming the option otherwise.
 * @example validateNow('notadate') // throws: --now: not an ISO-8601 date-time: notadate (...)
 */
export function validateNow(now: string | undefined): Clock | undefined {
  if (now === undefined) return undefined;
  try {
    return fixedClock(now);
  } catch (err) {
    if (err instanceof InvalidTimestampError) throw new CliError(`--now: ${err.message}`);
    throw err;
  }
}

/**
 * The clock a command runs with: fixed at the global `--now` when given, else the system clock.
 * @example const clock = commandClock(cmd); clock.now()
 */
export function commandClock(cmd: Command): Clock {
  return validateNow((cmd.optsWithGlobals() as { now?: string }).now) ?? systemClock;
}
